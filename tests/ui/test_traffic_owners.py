"""Owner-aware actions: Flagger and Argo Rollouts pause/promote/abort, and reverts announced."""

from __future__ import annotations

import re
from collections.abc import Callable

from meshtui.kube.audit import read_audit
from meshtui.model.weight_writes import rule_percents
from meshtui.ui.control.confirmation import FULL_PROMOTION, PAUSE_FIRST
from meshtui.ui.dashboard import DashboardScreen
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import (AUTHORS, BOOKS, PODINFO, SIZE, dialog, open_split,
                                      stored_weights, written)
from tests.waiting import settle, wait_for


def rollout(mesh) -> dict:
    """The Argo Rollout books as stored."""
    return mesh.store.get("argoproj.io/v1alpha1", "Rollout", "booksapp", "books")


async def test_flagger_pause_sets_suspend(make_control_app: Callable, mesh, tmp_path) -> None:
    """`p` on the Flagger-owned split lists the planned write, then sets the Canary's spec.suspend."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, PODINFO)
        await pilot.press("p")
        confirm = await dialog(pilot, app)
        assert any("suspend" in line for line in confirm.confirmation.lines), confirm.confirmation.lines
        await pilot.press("y")
        await written(pilot, screen, PODINFO, "done:")
    canary = mesh.store.get("flagger.app/v1beta1", "Canary", "test", "podinfo")
    assert canary["spec"]["suspend"] is True
    assert [(r["action"], r["result"]) for r in read_audit(tmp_path / "audit.log")] == [("pause", "ok")]


async def test_argo_pause_and_abort(make_control_app: Callable, mesh) -> None:
    """`p` sets the Rollout's spec.paused; `A` sets status.abort through the status subresource."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, BOOKS)
        await pilot.press("p")
        await dialog(pilot, app)
        await pilot.press("y")
        await written(pilot, screen, BOOKS, "done:")
        assert rollout(mesh)["spec"]["paused"] is True
        before = len(mutating_requests(mesh))
        await pilot.press("A")
        confirm = await dialog(pilot, app)
        assert any("abort" in line for line in confirm.confirmation.lines)
        await pilot.press("y")
        await settle(pilot, lambda: len(mutating_requests(mesh)) > before, message="the abort")
        await settle(pilot, lambda: rollout(mesh).get("status", {}).get("abort") is True,
                     message="status.abort stored")
    paths = [r.path for r in mutating_requests(mesh)[before:]]
    assert paths and all(path.endswith("/rollouts/books/status") for path in paths), paths


async def test_argo_promote_offers_full_promotion(make_control_app: Callable, mesh) -> None:
    """Promote on a Rollout offers full promotion in the dialog (`f`); ticked, promoteFull is set."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, BOOKS)
        await pilot.press("P")
        confirm = await dialog(pilot, app)
        assert [o.id for o in confirm.confirmation.options] == [FULL_PROMOTION]
        await pilot.press("f", "y")
        await settle(pilot, lambda: rollout(mesh).get("status", {}).get("promoteFull") is True,
                     message="promoteFull stored")


async def test_unavailable_action_says_why(make_control_app: Callable, mesh) -> None:
    """Pause on a split no controller drives is unavailable: the reason is shown, nothing sent."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        await pilot.press("p")
        assert isinstance(app.screen, DashboardScreen)
        await settle(pilot, lambda: any("no progressive plan" in n.message for n in app.said),
                     message="the reason")
    assert not mutating_requests(mesh)


async def test_manual_change_on_argo_split_is_announced_as_reverted(make_control_app: Callable,
                                                                    mesh) -> None:
    """A manual change on the Argo-owned split warns first; when Argo sets the weights back, the
    notification and the split detail say who did it and when."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, BOOKS)
        await pilot.press("plus", "a")
        confirm = await dialog(pilot, app)
        assert any("even while it is paused" in w for w in confirm.confirmation.warnings)
        assert confirm.confirmation.options == ()
        await pilot.press("y")
        await written(pilot, screen, BOOKS, "applied")
        mesh.controllers.step(1.0)
        note = await written(pilot, screen, BOOKS, "⚠ weights reverted")
        assert re.search(r"reverted by argo-rollouts after \d+ s", note), note
        await settle(pilot, lambda: any("reverted by argo-rollouts" in n.message
                                        for n in app.said), message="the notification")
        shown = str(screen.detail.query_one("#editor-note").render())
        assert "reverted by argo-rollouts" in shown


async def test_pause_controller_first_then_apply(make_control_app: Callable, mesh) -> None:
    """On the Flagger-owned split, "suspend Flagger first" (c) writes the Canary's spec.suspend,
    then the weights; suspended, Flagger leaves them alone."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, PODINFO)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "a")
        confirm = await dialog(pilot, app)
        assert [o.id for o in confirm.confirmation.options] == [PAUSE_FIRST]
        await pilot.press("c", "y")
        await written(pilot, screen, PODINFO, "applied")
    paths = [r.path.rsplit("/", 2)[-2:] for r in mutating_requests(mesh)[before:]]
    assert paths == [["canaries", "podinfo"], ["httproutes", "podinfo"]]
    canary = mesh.store.get("flagger.app/v1beta1", "Canary", "test", "podinfo")
    assert canary["spec"]["suspend"] is True


async def test_argo_split_offers_no_pause_first(make_control_app: Callable, mesh) -> None:
    """On the Argo-owned split, `c` in the dialog does nothing: only the weights are written, and
    the dialog says the Rollout sets them back even when paused."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, BOOKS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "a")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.options == ()
        assert any("promote or abort the Rollout" in w for w in confirm.confirmation.warnings)
        await pilot.press("c", "y")
        await written(pilot, screen, BOOKS, "applied")
    paths = [r.path.rsplit("/", 2)[-2:] for r in mutating_requests(mesh)[before:]]
    assert paths == [["trafficsplits", "books"]]
    assert not rollout(mesh)["spec"].get("paused")

async def test_revert_before_the_write_is_seen_is_reported(make_control_app: Callable, mesh) -> None:
    """Argo setting the weights back before the dashboard has handled its own write's result
    (the same second, as in a real cluster: the watch events come first) is reported with the
    manager's name, and the split shows the weights Argo set, not the ones written."""
    app, writer = make_control_app()
    set_weights = writer.set_weights

    def write_then_revert(*args, **kwargs):
        result = set_weights(*args, **kwargs)
        mesh.controllers.step(1.0)
        # The watch events of the write and of the revert reach the dashboard first.
        wait_for(lambda: rule_percents(app.dashboard.state.split(BOOKS), 0) == before
                 and app.dashboard.state.split(BOOKS).resource_version != result.obj["metadata"][
                     "resourceVersion"], message="the revert seen")
        return result

    writer.set_weights = write_then_revert
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, BOOKS)
        before = [int(w) for w in stored_weights(mesh, BOOKS)]
        await pilot.press("plus", "a")
        await dialog(pilot, app)
        await pilot.press("y")
        note = await written(pilot, screen, BOOKS, "⚠ weights reverted")
        assert re.search(r"reverted by argo-rollouts after \d+ s", note), note
        assert rule_percents(screen.state.split(BOOKS), 0) == before
        shown = str(screen.detail.query_one("#editor-note").render())
        assert "reverted by argo-rollouts" in shown and "applied" not in shown


def set_canary(mesh, *, suspend: bool, phase: str) -> None:
    """Store the Canary podinfo suspended or not, in `phase`."""
    canary = mesh.store.get("flagger.app/v1beta1", "Canary", "test", "podinfo")
    canary["spec"]["suspend"] = suspend
    canary.setdefault("status", {})["phase"] = phase
    mesh.store.apply(canary)


async def test_gates_shown_and_promote_refused_where_flagger_reads_no_gate(
        make_control_app: Callable, mesh) -> None:
    """The owner panel shows each load tester gate's state; on a Failed, suspended Canary promote
    and abort say why opening a gate would change nothing and send nothing; on a progressing one
    promote opens the gate, and the panel then shows it open."""
    set_canary(mesh, suspend=True, phase="Failed")
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, PODINFO)
        panel = screen.detail.query_one("#owner")

        def writes() -> list:
            return [r for r in mutating_requests(mesh) if not r.path.endswith("/check")]

        before = len(writes())
        for key in ("P", "A"):
            await pilot.press(key)
            await settle(pilot, lambda: any("suspended" in n.message and "changes nothing" in n.message
                                            for n in app.said), message="why not")
            assert isinstance(app.screen, DashboardScreen)
        await settle(pilot, lambda: "confirm-promotion: closed" in str(panel.render())
                     and "rollback: closed" in str(panel.render()),
                     message=f"the gate states (shown: {str(panel.render())!r})")
        assert len(writes()) == before
        set_canary(mesh, suspend=False, phase="WaitingPromotion")
        await settle(pilot, lambda: not screen.state.owner_state(screen.current_split()).suspended,
                     message="the resumed Canary")
        await pilot.press("P")
        await dialog(pilot, app)
        await pilot.press("y")
        await settle(pilot, lambda: "confirm-promotion: open" in str(panel.render()),
                     message=f"the gate open (shown: {str(panel.render())!r})")
        assert mesh.controllers.loadtester.gate_open("podinfo", "test")
