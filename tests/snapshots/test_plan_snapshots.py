"""Snapshots of the plan timeline: a plan in progress (analysis) and one awaiting approval."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION, HistoryEntry
from meshtui.rollout import commands
from meshtui.ui.control.plans import shipped_plans
from meshtui.ui.widgets.plan_timeline import PlanTimeline
from meshtui.ui.widgets.signal_chart import SignalChart
from tests.snapshots.conftest import healthy_document
from tests.snapshots.test_dashboard_snapshots import SIZE, ready
from tests.waiting import settle


def put_plan(mesh: Any, step: int, checks: int) -> None:
    """Record canary-approval on authors-split at `step`, with `checks` passed checks behind it."""
    path = next(p for p in shipped_plans() if p.name == "canary-approval.yaml")
    plan = parse_plan(path.read_text(), source=str(path))
    now = mesh.traffic.now
    state = commands.start(plan, canary="authors-v2", stable="authors", weight=25,
                           now=now - 300, by="alice").state
    history = state.history + (HistoryEntry(now - 290, "step", 0, "done", "", 25, "runner-1"),)
    history += tuple(HistoryEntry(now - 240 + 30 * i, "check", 1, "pass",
                                  "success 100.0% (>= 99.5%), p99 18ms (<= 250ms), 212 requests",
                                  None, "runner-1") for i in range(checks))
    if step >= 3:
        history += (HistoryEntry(now - 100, "step", 1, "done", "", 25, "runner-1"),
                    HistoryEntry(now - 95, "step", 2, "done", "", 50, "runner-1"))
    state = replace(state, step=step, step_started_at=now - 20, last_check_at=now - 12,
                    checks_passed=checks, history=history, message="analysis 2/4 passing"
                    if step == 1 else "waiting for approval")
    obj = mesh.store.get("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp", "authors-split")
    obj["metadata"].setdefault("annotations", {})[ANNOTATION] = state.to_annotation()
    mesh.store.update(obj)


def timeline_shown(step: int):
    """Wait for the dashboard and the timeline of authors-split."""

    async def run_before(pilot) -> None:
        screen = await ready(pilot, 4)
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: timeline.status is not None and timeline.status.step == step
                     and timeline.runner, message="the timeline and its runner (the Lease read)")
        # The plan's p99 bound reaches the chart in a later redraw than the timeline; without a
        # plan that chart has no threshold at all.
        p99 = screen.query_one("#chart-p99", SignalChart)
        await settle(pilot, lambda: p99.data is not None and p99.data.threshold is not None,
                     message="the plan's threshold on the p99 chart")
        await pilot.pause()

    return run_before


def test_plan_in_progress(snap_compare, snapshot_app) -> None:
    """Analysis running: steps done and next, the countdown to the next check, the checks."""
    app, mesh = snapshot_app(healthy_document(), writer=True)
    put_plan(mesh, 1, 2)
    assert snap_compare(app, terminal_size=SIZE, run_before=timeline_shown(1))


def test_plan_awaiting_approval(snap_compare, snapshot_app) -> None:
    """At the untilApproved pause: the timeline says to press v."""
    app, mesh = snapshot_app(healthy_document(), writer=True)
    put_plan(mesh, 3, 4)
    assert snap_compare(app, terminal_size=SIZE, run_before=timeline_shown(3))
