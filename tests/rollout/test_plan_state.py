"""Unit tests of the plan step state machine and the rollout commands (pure, no cluster)."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import (
    CheckResult,
    PlanState,
    PlanStateError,
    advance,
    evaluate_check,
    young_wait_limit,
)
from meshtui.rollout import commands
from tests.model.hypothesis_settings import FUZZ

PLAN = parse_plan("""\
steps:
  - setWeight: 20
  - analysis: {window: 1m, interval: 10s, successRate: ">= 99", latencyP99: "<= 300ms",
               minRequests: 10, failureLimit: 2, count: 2}
  - pause: {duration: 30s}
  - setWeight: 50
  - pause: {untilApproved: true}
  - setWeight: 100
""")
PASS, FAIL = CheckResult("pass", "ok"), CheckResult("fail", "success rate 93% not >= 99%")
HOLD = CheckResult("inconclusive", "metrics unavailable: connection refused")
WAIT = CheckResult("inconclusive", "canary series younger than 2 scrape intervals", waiting=True)


def started(weight: int = 0, plan=PLAN) -> PlanState:
    """A freshly started state of `plan`."""
    return commands.start(plan, canary="c", stable="s", weight=weight, now=0.0, by="t").state


def test_healthy_run_walks_every_step_once() -> None:
    state = started()
    t = advance(state, now=1, observed=0)
    assert t.set_weight == 20 and t.state.step == 1
    state = t.state
    assert advance(state, now=5, observed=20, check=PASS).state is state
    state = advance(state, now=11, observed=20, check=PASS).state
    assert (state.step, state.checks_passed) == (1, 1)
    state = advance(state, now=21, observed=20, check=PASS).state
    assert state.step == 2 and "pause 30s" in state.message
    assert advance(state, now=40, observed=20).state is state
    t = advance(state, now=52, observed=20)
    assert t.set_weight == 50 and t.state.step == 4
    state = advance(t.state, now=53, observed=50).state
    assert state.message == "waiting for approval"
    assert advance(state, now=99, observed=50).state is state
    state = commands.approve(state, now=100, by="ann").state
    t = advance(state, now=101, observed=50)
    assert t.set_weight == 100 and t.state.phase == "Succeeded"
    steps = [h.step for h in t.state.history if h.kind == "step"]
    assert steps == list(range(len(PLAN.steps)))


def test_failures_roll_back_at_the_failure_limit() -> None:
    state = advance(started(), now=1, observed=0).state
    state = advance(state, now=11, observed=20, check=FAIL).state
    assert state.phase == "Progressing" and state.checks_failed == 1
    t = advance(state, now=21, observed=20, check=FAIL)
    assert t.state.phase == "RolledBack" and t.set_weight == 0 and t.state.weight == 0
    assert "93%" in t.state.message


def test_failure_pauses_when_the_plan_says_so() -> None:
    plan = dataclasses.replace(PLAN, on_failure="pause")
    state = advance(started(plan=plan), now=1, observed=0).state
    state = advance(state, now=11, observed=20, check=FAIL).state
    t = advance(state, now=21, observed=20, check=FAIL)
    assert t.state.phase == "Paused" and t.set_weight is None


def test_inconclusive_checks_hold_and_say_why() -> None:
    state = advance(started(), now=1, observed=0).state
    for now in range(11, 200, 10):
        state = advance(state, now=now, observed=20, check=HOLD).state
    assert (state.phase, state.step, state.weight) == ("Progressing", 1, 20)
    assert state.message == f"holding: {HOLD.reason}"


def test_a_check_on_young_canary_series_waits_and_counts_toward_nothing() -> None:
    """The first check after the canary starts taking traffic: its failure series is one scrape
    old, so the metrics read 100% success from a handful of requests. It must not pass."""
    analysis = PLAN.steps[1]
    young = evaluate_check(analysis, 1.0, 40, 8.0, 2.0, series_samples=2)
    assert (young.outcome, young.waiting) == ("inconclusive", True)
    assert "younger than 2 scrape intervals" in young.reason and "2 samples in 1m" in young.reason
    # Old enough, or no series began inside the window: judged as before.
    assert evaluate_check(analysis, 1.0, 40, 8.0, 60, series_samples=3).outcome == "pass"
    assert evaluate_check(analysis, 1.0, 40, 8.0, 60, series_samples=None).outcome == "pass"
    # A metrics error is said first: nothing is known about the series then.
    assert not evaluate_check(analysis, None, None, None, 60, "down", series_samples=1).waiting
    state = advance(started(), now=1, observed=0).state
    state = advance(state, now=11, observed=20, check=young).state
    assert (state.step, state.checks_passed, state.checks_failed) == (1, 0, 0)
    assert state.message == f"waiting: {young.reason}" and state.waiting_since == 11
    assert state.history[-1].result == "inconclusive"
    state = advance(state, now=21, observed=20, check=PASS).state
    assert state.waiting_since is None and state.checks_passed == 1


def test_requests_are_counted_over_the_span_the_figures_cover() -> None:
    """8 req/s over the 2 s a young canary's metrics cover is 16 requests, not 480."""
    analysis = PLAN.steps[1]
    passed = evaluate_check(analysis, 1.0, 40, 8.0, 2.0)
    assert passed == CheckResult("pass", "success 100.00%, p99 40ms, 16 requests in 2s of 1m")
    few = evaluate_check(dataclasses.replace(analysis, min_requests=40), 1.0, 40, 8.0, 2.0)
    assert few.outcome == "inconclusive" and "only 16 canary requests in 2s of 1m" in few.reason


@pytest.mark.parametrize(("on_failure", "phase", "weight"), [("rollback", "RolledBack", 0),
                                                             ("pause", "Paused", None)])
def test_waiting_longer_than_the_window_fails_safe(on_failure: str, phase: str,
                                                   weight: int | None) -> None:
    """Series that keep being young (new ones keep appearing) never promote the canary: past one
    window and one interval of waiting in a row, the step fails as the plan says."""
    plan = dataclasses.replace(PLAN, on_failure=on_failure)
    analysis = plan.steps[1]
    limit = young_wait_limit(analysis)
    assert limit == 60 + 10
    state = advance(started(plan=plan), now=1, observed=0).state
    first, now = 11.0, 11.0
    while now - first <= limit:
        t = advance(state, now=now, observed=20, check=WAIT)
        state = t.state
        assert (state.phase, state.checks_failed, t.set_weight) == ("Progressing", 0, None)
        now += 10
    t = advance(state, now=now, observed=20, check=WAIT)
    assert (t.state.phase, t.set_weight) == (phase, weight)
    assert "waited 1m20s (longer than its 1m window and a 10s interval)" in t.state.message, \
        t.state.message
    assert t.state.checks_failed == 0 and t.state.waiting_since is None
    if phase == "Paused":
        resumed = commands.resume(t.state, now=now + 1, observed=20, by="ann").state
        assert resumed.waiting_since is None
        state = advance(resumed, now=now + 11, observed=20, check=WAIT).state
        assert (state.phase, state.waiting_since) == ("Progressing", now + 11)


def test_a_conclusive_check_restarts_the_wait_and_plain_holds_do_not_end_it() -> None:
    state = advance(started(), now=1, observed=0).state
    state = advance(state, now=11, observed=20, check=WAIT).state
    state = advance(state, now=21, observed=20, check=HOLD).state
    assert state.waiting_since == 11 and state.message.startswith("holding: ")
    state = advance(state, now=31, observed=20, check=FAIL).state
    assert state.waiting_since is None
    for now in range(41, 111, 10):
        state = advance(state, now=now, observed=20, check=WAIT).state
    assert (state.phase, state.waiting_since) == ("Progressing", 41)
    # The speed shortens the interval part of the bound only: the window is Prometheus' time.
    assert young_wait_limit(PLAN.steps[1], speed=10) == 61


def test_an_outside_weight_change_pauses_and_names_who() -> None:
    state = advance(started(), now=1, observed=0).state
    t = advance(state, now=2, observed=35, changed_by="kubectl-patch")
    assert t.state.phase == "Paused" and t.set_weight is None
    assert "kubectl-patch" in t.state.message and "20% -> 35%" in t.state.message
    resumed = commands.resume(t.state, now=3, observed=35, by="ann").state
    assert (resumed.phase, resumed.weight) == ("Progressing", 35)


def test_a_plan_started_above_a_step_never_moves_traffic_back() -> None:
    state = started(weight=30)
    t = advance(state, now=1, observed=30)
    assert t.set_weight is None and t.state.step == 1
    assert "already at 30%" in t.state.history[-1].detail
    assert t.state.history[-1].result == "skipped"


def test_where_names_the_step_out_of_the_total_and_the_speed_is_kept() -> None:
    """A finished plan is at its last step, never one past it; the runner's speed is recorded
    with a transition and read back from the annotation."""
    done = dataclasses.replace(started(), phase="Succeeded", step=len(PLAN.steps))
    assert done.where() == "Succeeded at step 6/6"
    assert started().where() == "Progressing at step 1/6"
    moved = advance(started(), now=1, observed=0, speed=6.0).state
    assert moved.speed == 6.0 and PlanState.from_annotation(moved.to_annotation()).speed == 6.0


def test_commands() -> None:
    state = advance(started(), now=1, observed=0).state
    with pytest.raises(PlanStateError, match="nothing to approve"):
        commands.approve(state, now=2)
    with pytest.raises(PlanStateError, match="not Paused"):
        commands.resume(state, now=2, observed=20)
    t = commands.abort(state, now=2, by="ann", reason="bad latency")
    assert (t.set_weight, t.state.phase) == (0, "Aborted")
    assert "bad latency" in t.state.message
    with pytest.raises(PlanStateError, match="already ended"):
        commands.promote(t.state, now=3)
    t = commands.promote(state, now=2)
    assert (t.set_weight, t.state.phase) == (100, "Promoted")


def test_evaluate_check() -> None:
    analysis = PLAN.steps[1]
    assert evaluate_check(analysis, 0.999, 50, 5, 60).outcome == "pass"
    assert evaluate_check(analysis, 0.93, 50, 5, 60).outcome == "fail"
    assert evaluate_check(analysis, 0.999, 400, 5, 60).outcome == "fail"
    low = evaluate_check(analysis, 1.0, 10, 0.1, 60)
    assert low.outcome == "inconclusive" and "minRequests 10" in low.reason
    assert evaluate_check(analysis, None, None, None, 60, "down").outcome == "inconclusive"
    assert evaluate_check(analysis, None, None, 0.0, 60).outcome == "inconclusive"


def test_annotation_round_trip_and_garbage() -> None:
    state = advance(started(), now=1, observed=0).state
    assert PlanState.from_annotation(state.to_annotation()) == state
    assert "waitingSince" not in state.to_annotation()
    waiting = advance(state, now=11, observed=20, check=WAIT).state
    assert PlanState.from_annotation(waiting.to_annotation()).waiting_since == 11
    for bad in ("", "{}", "[1]", '{"plan": {"steps": []}}',
                waiting.to_annotation().replace('"waitingSince":11', '"waitingSince":"soon"')):
        with pytest.raises(PlanStateError):
            PlanState.from_annotation(bad)


events = st.lists(st.tuples(st.integers(1, 40), st.sampled_from(["pass", "fail", "hold", "wait",
                                                                   "approve", "restart"])),
                  max_size=60)


@FUZZ
@given(events)
def test_weights_only_go_up_and_steps_are_recorded_once(script: list[tuple[int, str]]) -> None:
    """Whatever checks and restarts happen, traffic follows the plan forward only."""
    state, now, weight = started(), 0.0, 0
    weights = [0]
    judged = False
    for gap, event in script:
        now += gap
        if event == "restart":
            state = PlanState.from_annotation(state.to_annotation())
            continue
        if event == "approve":
            try:
                state = commands.approve(state, now=now).state
            except PlanStateError:
                pass
            continue
        check = {"pass": PASS, "fail": FAIL, "hold": HOLD, "wait": WAIT}[event]
        judged = judged or (event == "pass" and state.check_due(now))
        t = advance(state, now=now, observed=weight,
                    check=check if state.check_due(now) else None)
        state = t.state
        if t.set_weight is not None:
            weight = t.set_weight
            weights.append(weight)
    if state.phase == "RolledBack":
        assert weights[-1] == 0
        weights = weights[:-1]
    assert weights == sorted(weights)
    assert all(w in (0, 20, 50, 100) for w in weights)
    if not judged:
        # Waiting on young series (or holding) never gets a canary past its analysis.
        assert weights in ([0], [0, 20]) and state.step <= 1
    recorded = [h.step for h in state.history if h.kind == "step"]
    assert recorded == sorted(set(recorded))
    assert state.weight == weight
