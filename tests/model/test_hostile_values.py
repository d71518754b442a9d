"""Hostile values in split objects: weights of any size, names that are not names, and plan and
stable annotations that do not fit their schema. Each is a problem on the split, never an
exception, and a name is kept exactly as found (the UI shows it escaped)."""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest

from meshtui.model.plan_state import ANNOTATION
from meshtui.model.quantity import MAX_QUANTITY, QuantityError, parse_quantity
from meshtui.model.split import MAX_PROBLEMS, parse_split
from meshtui.model.split_annotations import STABLE_ANNOTATION
from tests.model.test_split import httproute, trafficsplit

HUGE = "9" * 5000


@pytest.mark.parametrize(("value", "reason"), [
    pytest.param(HUGE, "too long", id="5000-digits"),
    pytest.param("0." + "0" * 5000 + "1", "too long", id="5000-decimals"),
    pytest.param(10**5000, "too large", id="5000-digit-int"),
    pytest.param(-(10**5000), "negative", id="negative-5000-digit-int"),
    ("99999999999999999999", "too large"), (2**63, "too large"), (1e300, "too large"),
    ("9Ei", "too large"), ("1e30", "too large"), ("1e31", "malformed"), ("1e-999", "malformed"),
    ("\u0663\u0660", "malformed"), ("\uff15", "malformed"), ("-0.5", "negative"),
    (math.inf, "malformed"), (math.nan, "malformed"),
])
def test_quantities_of_any_size_are_refused_by_reason(value: object, reason: str) -> None:
    with pytest.raises(QuantityError) as caught:
        parse_quantity(value)  # type: ignore[arg-type]
    assert caught.value.reason == reason
    assert len(str(caught.value)) < 120


def test_the_largest_quantity_and_negative_zero_are_weights() -> None:
    assert parse_quantity(str(MAX_QUANTITY)) == MAX_QUANTITY == parse_quantity(MAX_QUANTITY)
    assert parse_quantity("-0") == parse_quantity(-0.0) == 0
    assert parse_quantity("7Ei") == 7 * 2**60


@pytest.mark.parametrize("version", ["v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4"])
@pytest.mark.parametrize("weight", [HUGE, 10**5000, "1e999", math.inf, math.nan, 1e300, True,
                                    [10**5000], {"w": 10**5000}],
                         ids=["5000-digits", "5000-digit-int", "1e999", "inf", "nan", "1e300",
                              "bool", "list", "mapping"])
def test_any_trafficsplit_weight_is_none_with_a_problem(version: str, weight: object) -> None:
    split = parse_split(trafficsplit([{"service": "web-primary", "weight": weight},
                                      {"service": "web-canary", "weight": 1}], version=version))
    assert [b.weight for b in split.backends] == [None, Fraction(1)]
    assert [b.percent for b in split.backends] == [0.0, 100.0]
    assert any(p.startswith("backend web-primary has") for p in split.problems), split.problems
    assert all(len(p) < 200 for p in split.problems)
    json.dumps(split.to_json(), allow_nan=False)


@pytest.mark.parametrize("weight", [1_000_001, 10**5000, 1e300, math.inf, -0.5, 2.5, "5", True],
                         ids=["1000001", "5000-digit-int", "1e300", "inf", "-0.5", "2.5", "str",
                              "bool"])
def test_httproute_weight_the_gateway_api_refuses_is_none(weight: object) -> None:
    split = parse_split(httproute([{"backendRefs": [
        {"name": "a", "port": 80, "weight": weight}, {"name": "b", "port": 80, "weight": 1}]}]))
    assert [b.weight for b in split.backends] == [None, Fraction(1)]
    assert any("backend a" in p and "weight" in p for p in split.problems), split.problems
    assert all(len(p) < 200 for p in split.problems)


NAMES = ["svc[/]", "[@click=app.quit]x", "[red]stable[/red]", "a\x1b[2Jb", "a\nb", "\x9b2J",
         "x" * 254, "y" * 100_000, "\u202eelbats\u202c", "authors\u200b", "a\u2066b"]


@pytest.mark.parametrize("name", NAMES, ids=lambda n: repr(n[:20]))
def test_trafficsplit_names_that_are_not_names_carry_a_problem(name: str) -> None:
    split = parse_split(trafficsplit([{"service": name, "weight": 1}], service=name))
    assert split.service == name and split.backends[0].name == name
    flagged = [p for p in split.problems if "not a name Kubernetes accepts" in p]
    assert [p.split()[0] for p in flagged] == ["spec.service", "backend"], split.problems
    assert all(len(p) < 200 and "\x1b" not in p and "\n" not in p for p in flagged)


@pytest.mark.parametrize("name", NAMES, ids=lambda n: repr(n[:20]))
def test_httproute_names_that_are_not_names_carry_a_problem(name: str) -> None:
    split = parse_split(httproute([{"backendRefs": [{"name": name, "port": 80}]}],
                                  parents=[{"kind": "Service", "name": name}]))
    assert split.service == name and split.backends[0].name == name
    flagged = [p for p in split.problems if "not a name Kubernetes accepts" in p]
    assert [p.split()[0] for p in flagged] == ["parentRef", "backendRef"], split.problems


def test_problems_are_bounded_in_number() -> None:
    split = parse_split(trafficsplit([{"service": f"b{i}", "weight": "bad"} for i in range(5000)]))
    assert len(split.problems) == MAX_PROBLEMS
    assert split.problems[-1].startswith("and ") and "more problems" in split.problems[-1]


def _annotated(annotations: dict[str, str]) -> dict:
    return trafficsplit([{"service": "web-primary", "weight": 90},
                         {"service": "web-canary", "weight": 10}], annotations=annotations)


@pytest.mark.parametrize(("value", "fragment"), [
    ("[red]web-primary[/red]", "not a name Kubernetes accepts"),
    ("web-\x1b[2J", "not a name Kubernetes accepts"),
    ("", "is empty"),
    ("web-other", "not a backend"),
])
def test_a_bad_stable_annotation_is_a_problem_and_is_ignored(value: str, fragment: str) -> None:
    from meshtui.model.roles import stable_and_canary

    split = parse_split(_annotated({STABLE_ANNOTATION: value}))
    assert any(STABLE_ANNOTATION in p and fragment in p for p in split.problems), split.problems
    assert stable_and_canary(split) == (0, 1)


def test_a_good_stable_annotation_is_no_problem() -> None:
    assert parse_split(_annotated({STABLE_ANNOTATION: "web-canary"})).problems == ()


def test_a_plan_annotation_with_an_infinite_weight_is_a_problem() -> None:
    """The issue's example: `"weight": 1e999` raised OverflowError and stopped `rollout run`."""
    from meshtui.model.plan import parse_plan
    from meshtui.rollout import commands
    from meshtui.rollout.store import read_state

    state = commands.start(parse_plan("- setWeight: 50\n"), canary="web-canary",
                           stable="web-primary", weight=0, now=1.0).state
    good = state.to_annotation()
    assert parse_split(_annotated({ANNOTATION: good})).problems == ()
    bad = good.replace('"weight":0', '"weight":1e999', 1)
    split = parse_split(_annotated({ANNOTATION: bad}))
    assert any(ANNOTATION in p and "weight" in p for p in split.problems), split.problems
    tracked = read_state(split)
    assert tracked.state is None and "weight" in (tracked.error or "")


def test_a_running_plan_whose_canary_is_gone_is_a_problem() -> None:
    from meshtui.model.plan import parse_plan
    from meshtui.rollout import commands
    from meshtui.rollout.store import read_state

    state = commands.start(parse_plan("- setWeight: 50\n"), canary="web-gone",
                           stable="web-primary", weight=0, now=1.0).state
    split = parse_split(_annotated({ANNOTATION: state.to_annotation()}))
    assert any("web-gone" in p and "not a backend" in p for p in split.problems), split.problems
    assert read_state(split).state is None


@pytest.mark.parametrize("value", [1e300, 10**40, -(10**40), 2**63, 10**5000],
                         ids=["1e300", "10**40", "-10**40", "2**63", "10**5000"])
def test_owner_status_counters_out_of_int64_are_unread(value: object) -> None:
    # A Canary's failedChecks of 1e300 was drawn as a 301-digit number in the owner panel and
    # the navigator; no Kubernetes integer field holds more than int64.
    from meshtui.model.owners import CanaryState, RolloutState

    canary = CanaryState.from_object({
        "metadata": {"name": "c", "namespace": "n"},
        "status": {"failedChecks": value, "iterations": value, "canaryWeight": value}})
    assert (canary.failed_checks, canary.iterations, canary.canary_weight) == (0, 0, None)
    rollout = RolloutState.from_object({
        "metadata": {"name": "r", "namespace": "n"}, "status": {"currentStepIndex": value},
        "spec": {"strategy": {"canary": {"steps": [{"setWeight": 20}]}}}})
    assert len(str(rollout)) < 2000


@pytest.mark.parametrize("url", ["http://\x1b[2J\x1b]0;x\x07/gate/check", "http://[::1/gate/check",
                                 "http://[x]:80/gate/check", "http://a:99999/gate/check"])
def test_a_canary_webhook_url_of_any_text_is_no_gate(url: str) -> None:
    # Pressing P on a Canary whose confirm-promotion URL was "http://\x1b[2J…" crashed the
    # dashboard: urlsplit raises on a malformed bracketed host.
    from meshtui.model.actions import gate_checks
    from meshtui.model.owners import CanaryState

    canary = CanaryState.from_object({
        "metadata": {"name": "c", "namespace": "n"}, "status": {"phase": "Progressing"},
        "spec": {"analysis": {"webhooks": [{"name": "g", "type": "confirm-promotion", "url": url},
                                           {"name": "r", "type": "rollback", "url": url}]}}})
    assert gate_checks(canary) == {}
