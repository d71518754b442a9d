"""Unit tests of plan parsing and validation (meshtui.model.plan)."""

from __future__ import annotations

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.plan import (
    Analysis,
    Pause,
    Plan,
    PlanError,
    SetWeight,
    Threshold,
    parse_duration,
    parse_plan,
)
from tests.model.hypothesis_settings import QUICK

FULL = """\
onFailure: pause
steps:
  - setWeight: 10
  - pause: {duration: 30s}
  - analysis:
      window: 1m
      interval: 10s
      successRate: ">= 99"
      latencyP99: "<= 300ms"
      minRequests: 20
      failureLimit: 2
  - pause: {untilApproved: true}
  - setWeight: 100
"""


def test_full_plan_parses_every_step_kind() -> None:
    plan = parse_plan(FULL)
    assert plan.on_failure == "pause"
    assert plan.steps == (
        SetWeight(10), Pause(duration=30.0),
        Analysis(window="1m", interval=10.0, success_rate=Threshold(">=", 99.0),
                 latency_p99=Threshold("<=", 300.0), min_requests=20, failure_limit=2),
        Pause(until_approved=True), SetWeight(100))


def test_a_bare_list_of_steps_is_a_plan_that_rolls_back() -> None:
    plan = parse_plan("- setWeight: 50\n- setWeight: 100\n")
    assert plan.steps == (SetWeight(50), SetWeight(100))
    assert plan.on_failure == "rollback"


@pytest.mark.parametrize(("text", "line", "field", "words"), [
    ("steps:\n  - setWeight: 10\n  - setWeight: 101\n", 3, "steps[1].setWeight", "0..100"),
    ("steps:\n  - setWeight: 10\n  - pause: {duration: soon}\n", 3, "steps[1].pause.duration",
     "duration"),
    ("- setWeight: 10\n- analysis: {window: 2m, interval: 1s, successRate: '>= 99'}\n", 2,
     "steps[1].analysis.window", "1m"),
    ("- setWeight: 10\n- analysis: {window: 1m, interval: 1s, successRate: 'about 99'}\n", 2,
     "steps[1].analysis.successRate", ">= 99"),
    ("- setWeight: 10\n- analysis: {window: 1m, interval: 1s, latencyP99: '<= 3 parsecs'}\n", 2,
     "steps[1].analysis.latencyP99", "300ms"),
    ("- setWeight: 10\n- analysis: {window: 1m, interval: 1s}\n", 2, "steps[1].analysis",
     "successRate"),
    ("- setWeight: 10\n- analysis: {window: 1m, successRate: '>= 9'}\n", 2,
     "steps[1].analysis.interval", "missing"),
    ("- setWeight: 10\n- analysis: {window: 1m, interval: 1s, successRate: '>= 9', "
     "failureLimit: 0}\n", 2, "steps[1].analysis.failureLimit", "whole number"),
    ("- setWeight: 10\n- canary: {}\n", 2, "steps[1].canary", "unknown step"),
    ("- setWeight: 10\n- pause: {}\n", 2, "steps[1].pause", "exactly one"),
    ("- setWeight: 10\n- pause: {duration: 1s, untilApproved: true}\n", 2, "steps[1].pause",
     "exactly one"),
    ("- setWeight: 50\n- setWeight: 20\n", 2, "steps[1].setWeight", "only go up"),
    ("onFailure: retry\nsteps: [{setWeight: 5}]\n", 1, "onFailure", "rollback or pause"),
    ("steps: [{setWeight: 5}]\nsteep: 1\n", 2, "steep", "unknown field"),
    ("steps: []\n", 1, "steps", "non-empty"),
    ("- pause: {duration: 1s}\n", 1, "steps", "setWeight"),
])
def test_errors_name_the_line_and_the_field(text: str, line: int, field: str, words: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source="plans/x.yaml")
    error = caught.value
    assert (error.line, error.field) == (line, field)
    assert str(error).startswith(f"plans/x.yaml:{line}: {field}: ")
    assert words in str(error)


def test_invalid_yaml_and_empty_files_are_plan_errors() -> None:
    with pytest.raises(PlanError, match=r"x:3: not valid YAML"):
        parse_plan("- setWeight: 1\n- [oops\n", source="x")
    with pytest.raises(PlanError, match="empty"):
        parse_plan("", source="x")


def test_durations_and_threshold_units() -> None:
    assert parse_duration("500ms") == 0.5
    assert parse_duration("2m") == 120.0
    assert parse_duration(3) == 3.0
    for bad in ("0s", "-1s", True, "1d", None):
        with pytest.raises(ValueError):
            parse_duration(bad)
    plan = parse_plan("- setWeight: 5\n- analysis: {window: 5m, interval: 1m, "
                      "latencyP99: '< 0.5s'}\n")
    analysis = plan.steps[1]
    assert isinstance(analysis, Analysis)
    assert analysis.latency_p99 == Threshold("<", 500.0)
    assert analysis.latency_p99.check(499) and not analysis.latency_p99.check(500)


def test_shipped_example_plans_are_valid() -> None:
    from importlib import resources

    plans = resources.files("meshtui.sim") / "plans"
    names = sorted(p.name for p in plans.iterdir() if p.name.endswith(".yaml"))
    assert len(names) >= 2
    for name in names:
        plan = parse_plan((plans / name).read_text(), source=name)
        assert any(isinstance(s, Analysis) for s in plan.steps), name


weights = st.lists(st.integers(0, 100), min_size=1, max_size=5).map(sorted)
thresholds = st.builds(Threshold, st.sampled_from([">=", "<=", ">", "<"]),
                       st.integers(0, 100).map(float))
analyses = st.builds(Analysis, window=st.sampled_from(["1m", "5m", "15m", "1h"]),
                     interval=st.integers(1, 600).map(float), success_rate=thresholds,
                     latency_p99=st.none() | thresholds, min_requests=st.integers(0, 1000),
                     failure_limit=st.integers(1, 10), count=st.integers(1, 10))
pauses = st.builds(Pause, duration=st.integers(1, 3600).map(float)) | st.just(
    Pause(until_approved=True))


@QUICK
@given(weights, st.lists(analyses | pauses, max_size=4), st.sampled_from(["rollback", "pause"]))
def test_to_dict_round_trips_through_yaml(ws: list[int], others: list, on_failure: str) -> None:
    steps = tuple(SetWeight(w) for w in ws) + tuple(others)
    plan = Plan(steps=steps, on_failure=on_failure)
    again = parse_plan(yaml.safe_dump(plan.to_dict()))
    assert again == plan
    assert again.hash == plan.hash


HUGE = "9" * 5000


OVERSIZED = [
    (f"- setWeight: {HUGE}\n", "steps[0].setWeight", "too long"),
    ("- setWeight: 5\n- pause: {duration: 2001-02-30}\n", "steps[1].pause.duration",
     "unreadable value"),
    (f"- setWeight: 5\n- pause: {{duration: {HUGE}s}}\n", "steps[1].pause.duration", "too long"),
    ("- setWeight: 5\n- pause: {duration: 721h}\n", "steps[1].pause.duration", "30 days"),
    ("- setWeight: 5\n- pause: {duration: 1e999s}\n", "steps[1].pause.duration", "duration"),
    ("- setWeight: 5\n- pause: {duration: 0.1ms}\n", "steps[1].pause.duration", "1ms"),
    ("- setWeight: 5\n- pause: {duration: \u0663\u0660s}\n", "steps[1].pause.duration",
     "duration"),
    ("- setWeight: 5\n- analysis: {window: 1m, interval: 1s, latencyP99: '<= 3601s'}\n",
     "steps[1].analysis.latencyP99", "at most 1h"),
    ("- setWeight: 5\n- analysis: {window: 1m, interval: 1s, successRate: '>= 99.0000001'}\n",
     "steps[1].analysis.successRate", "bound"),
    (f"- setWeight: 5\n- analysis: {{window: 1m, interval: 1s, successRate: '>= 9', "
     f"count: {HUGE}}}\n", "steps[1].analysis.count", "too long"),
    ("steps: [{setWeight: 5}]\ncanary: \"web\\n\"\n", "canary", "not a backend name"),
    ("steps: [{setWeight: 5}]\nstable: \"[red]web\"\n", "stable", "not a backend name"),
    ("steps:\n" + "  - setWeight: 5\n" * 101, "steps", "at most 100"),
]


@pytest.mark.parametrize(("text", "field", "words"), OVERSIZED,
                         ids=[f"{i}-{case[1]}" for i, case in enumerate(OVERSIZED)])
def test_plan_values_of_any_size_are_plan_errors(text: str, field: str, words: str) -> None:
    with pytest.raises(PlanError) as caught:
        parse_plan(text, source="p")
    assert caught.value.field == field, str(caught.value)
    assert words in str(caught.value) and len(str(caught.value)) < 200


def test_long_durations_and_bounds_round_trip_without_an_exponent() -> None:
    plan = Plan(steps=(SetWeight(5), Pause(duration=2_000_000.0),
                       Analysis(window="1m", interval=1_500_000.0,
                                latency_p99=Threshold("<=", 3_000_000.0))))
    data = plan.to_dict()
    assert data["steps"][1] == {"pause": {"duration": "2000000s"}}
    assert data["steps"][2]["analysis"]["latencyP99"] == "<= 3000000ms"
    again = parse_plan(yaml.safe_dump(data))
    assert again == plan and again.hash == plan.hash
