"""Plans in the dashboard: start one through the UI, its timeline, p/A/v acting on it."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from pathlib import Path

from meshtui.model.plan_state import ANNOTATION
from meshtui.rollout.runner import Runner
from meshtui.ui.control.plans import shipped_plans
from meshtui.ui.screens.plan_picker import PlanPicker
from meshtui.ui.widgets.plan_timeline import PlanTimeline
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import (AUTHORS, SIZE, dialog, drawn, open_split, stored,
                                      stored_weights, written)
from tests.waiting import settle


def plan_state(mesh) -> dict:
    """The plan state stored on authors-split's annotation."""
    return json.loads(stored(mesh, AUTHORS)["metadata"]["annotations"][ANNOTATION])


async def start(pilot, app, mesh, plan_name: str) -> None:
    """R, pick a shipped plan, confirm; returns once the plan is stored on the split."""
    await pilot.press("R")
    await settle(pilot, lambda: isinstance(app.screen, PlanPicker), message="the plan picker")
    picker = app.screen
    picker.choose(str(next(p for p in shipped_plans() if p.name == plan_name)))
    await dialog(pilot, app)
    await pilot.press("y")
    await settle(pilot, lambda: ANNOTATION in (stored(mesh, AUTHORS)["metadata"].get("annotations") or {}),
                 message="the plan annotation")


async def test_start_plan_pause_and_abort(make_control_app: Callable, mesh) -> None:
    """R starts canary-basic on the unowned split (annotation stored); the timeline shows its
    steps; p pauses the plan; A aborts it and all traffic goes to stable."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await start(pilot, app, mesh, "canary-basic.yaml")
        assert plan_state(mesh)["phase"] == "Progressing"
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: timeline.status is not None and timeline.status.steps,
                     message="the timeline")
        rendered = str(timeline.render())
        assert "setWeight" in rendered and "▶ 1." in rendered, rendered
        await pilot.press("p")
        confirm = await dialog(pilot, app)
        assert "Paused" in confirm.confirmation.lines[0]
        await pilot.press("y")
        await settle(pilot, lambda: plan_state(mesh)["phase"] == "Paused", message="paused")
        await settle(pilot, lambda: timeline.status is not None and timeline.status.phase == "Paused",
                     message="the timeline paused")
        await pilot.press("A")
        await dialog(pilot, app)
        await pilot.press("y")
        await settle(pilot, lambda: plan_state(mesh)["phase"] == "Aborted", message="aborted")
    assert [int(w) for w in stored_weights(mesh, AUTHORS)] == [100, 0]


async def test_bad_plan_file_is_refused(make_control_app: Callable, mesh, tmp_path: Path) -> None:
    """A plan with an error stays in the picker with its line and field; nothing is written."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("steps:\n  - setWeight: 10\n  - analysis:\n      window: 2m\n      interval: 10s\n")
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("R")
        picker = await drawn(pilot, app, PlanPicker)
        picker.path_input.focus()
        picker.path_input.value = str(bad)
        await pilot.press("enter")
        await settle(pilot, lambda: "window" in str(picker.error.render()), message="the error")
        shown = str(picker.error.render())
        assert f"{bad}:4:" in shown and "steps[1].analysis.window" in shown, shown
        assert isinstance(app.screen, PlanPicker)
        await pilot.press("escape")
    assert len(mutating_requests(mesh)) == before
    assert ANNOTATION not in (stored(mesh, AUTHORS)["metadata"].get("annotations") or {})


async def test_approve_moves_past_the_approval_pause(make_control_app: Callable, mesh) -> None:
    """A plan waiting at an untilApproved pause is approved with v."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await start(pilot, app, mesh, "canary-approval.yaml")
        # Put the plan at its approval step, as a runner would have.
        obj = stored(mesh, AUTHORS)
        state = plan_state(mesh)
        state["step"] = 3
        obj["metadata"]["annotations"][ANNOTATION] = json.dumps(state)
        mesh.store.update(obj)
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: timeline.status is not None and timeline.status.awaiting_approval,
                     message="awaiting approval")
        await pilot.press("v")
        confirm = await dialog(pilot, app)
        line = confirm.confirmation.lines[0]
        assert re.search(r": Progressing at step 4/(\d+) → Progressing at step 4/\1, approved$", line), line
        await pilot.press("y")
        await settle(pilot, lambda: plan_state(mesh).get("approved") is True, message="approved")


async def test_timeline_names_the_runner_holding_the_lease(make_control_app: Callable, mesh,
                                                          mesh_client) -> None:
    """A runner driving the plan holds the split's Lease: the timeline names it, not "no runner"."""
    app, writer = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await start(pilot, app, mesh, "canary-basic.yaml")
        runner = Runner(mesh_client, writer, None, identity="runner-a")
        assert await asyncio.to_thread(runner.tick) >= 0
        assert runner._leases, "the runner took no Lease"
        screen.plans.read_runner()
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: "runner-a" in str(timeline.render()),
                     message=f"the runner named (shown: {timeline.runner!r})")


async def test_applied_is_replaced_when_the_plan_moves_the_weights(make_control_app: Callable, mesh,
                                                                   mesh_client) -> None:
    """After a manual change, a plan started and moved by its runner: the split's status line
    says the plan moved the weights, and "applied: ..." is gone."""
    app, writer = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("minus", "minus", "minus", "minus", "a")  # canary 25% → 5%
        await dialog(pilot, app)
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
        await start(pilot, app, mesh, "canary-basic.yaml")  # its first step: canary 10%
        await written(pilot, screen, AUTHORS, "plan start")
        runner = Runner(mesh_client, writer, None, identity="runner-a")
        before = stored_weights(mesh, AUTHORS)
        await asyncio.to_thread(runner.tick)
        assert stored_weights(mesh, AUTHORS) != before, "the runner moved nothing"
        note = await written(pilot, screen, AUTHORS, "weights moved by the plan")
        shown = str(screen.detail.query_one("#editor-note").render())
        assert "moved by the plan" in shown and "applied" not in shown, (note, shown)


async def test_plan_wording_countdown_and_skipped_steps(make_control_app: Callable, mesh,
                                                        mesh_client) -> None:
    """The start dialog does not deny the runner; a runner playing pauses 6× faster gives a
    countdown of 5 s for a 30 s pause; a setWeight below the canary's weight is shown skipped;
    approve and the dialogs name steps out of the plan's total."""
    app, writer = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)  # canary authors-v2 at 25%
        await pilot.press("R")
        await settle(pilot, lambda: isinstance(app.screen, PlanPicker), message="the plan picker")
        app.screen.choose(str(next(p for p in shipped_plans() if p.name == "canary-basic.yaml")))
        confirm = await dialog(pilot, app)
        said = " ".join(confirm.confirmation.warnings)
        assert "does not drive" not in said and "runner" in said, said
        assert confirm.confirmation.lines[0].endswith("no plan → Progressing at step 1/8")
        await pilot.press("y")
        await settle(pilot, lambda: ANNOTATION in (stored(mesh, AUTHORS)["metadata"].get("annotations")
                                                   or {}), message="the plan annotation")
        runner = Runner(mesh_client, writer, None, identity="runner-a", speed=6.0,
                        clock=lambda: mesh.traffic.now)
        await asyncio.to_thread(runner.tick)
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: timeline.status is not None and timeline.status.step == 1,
                     message="the runner's step on the timeline")
        rendered = str(timeline.render())
        assert "– 1. setWeight 10" in rendered, rendered  # 25% already: passed over, not done
        assert "pause ends in 5s" in rendered, rendered


async def test_the_analysis_that_rolled_back_is_shown_failed(make_control_app: Callable, mesh) -> None:
    """A plan rolled back by its step-3 analysis marks that step ✗, not "–" like the steps never run."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await start(pilot, app, mesh, "canary-basic.yaml")
        # Roll the plan back at its first analysis (step 3), as a runner would have.
        obj = stored(mesh, AUTHORS)
        state = plan_state(mesh)
        state.update(step=2, phase="RolledBack", weight=0)
        obj["metadata"]["annotations"][ANNOTATION] = json.dumps(state)
        mesh.store.update(obj)
        timeline = screen.query_one(PlanTimeline)
        await settle(pilot, lambda: timeline.status is not None and timeline.status.phase == "RolledBack",
                     message="the rolled-back plan")
        rendered = str(timeline.render())
        assert "✗ 3. analysis" in rendered, rendered
        assert "– 4. setWeight" in rendered, rendered
