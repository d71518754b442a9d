"""Safety rails of traffic control: forbidden, read-only, no writer, conflicts and dry runs."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.kube.audit import read_audit
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import AUTHORS, SIZE, dialog, open_split, stored_weights, written
from tests.waiting import settle

WRITE_KEYS = ("plus", "minus", "equals_sign", "a", "u", "0", "s", "p", "P", "A")
"""Every key that leads to a write, directly or through a confirmation."""


async def test_forbidden_identity_names_verb_and_object(make_control_app: Callable, mesh,
                                                        tmp_path) -> None:
    """The readonly kubeconfig user is refused: the message says which verb on which object."""
    app, _ = make_control_app("readonly")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus", "a")
        await dialog(pilot, app)
        await pilot.press("y")
        note = await written(pilot, screen, AUTHORS, "forbidden")
        assert "cannot patch trafficsplits.split.smi-spec.io booksapp/authors-split" in note
        assert screen.control.pending is not None, "the pending set is kept"
    assert stored_weights(mesh, AUTHORS) == ["1500m", "500m"]
    assert [r["result"] for r in read_audit(tmp_path / "audit.log")] == ["forbidden"]


async def test_read_only_sends_nothing_and_dims_the_keys(make_control_app: Callable, mesh) -> None:
    """--read-only: every write key is unavailable; not one mutating request leaves the app."""
    app, _ = make_control_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        assert screen.check_action("apply_weights", ()) is None
        assert screen.check_action("shift_weight", (1,)) is None
        await pilot.press(*WRITE_KEYS)
        assert isinstance(app.screen, DashboardScreen), "no dialog opened"
        await pilot.press("y", "escape")
        assert screen.control.pending is None
        assert app.screen.query_one(StatusBar).read_only
        await screen.run_control("apply_weights")
        await settle(pilot, lambda: any("read-only mode" in n.message for n in app.said),
                     message="the reason")
        assert len(mutating_requests(mesh)) == before == 0


async def test_read_only_from_the_config_file(make_control_app: Callable, mesh) -> None:
    """`read_only = true` in config.toml has the same effect as the flag."""
    app, _ = make_control_app(settings=Settings(read_only=True))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press(*WRITE_KEYS)
        assert screen.check_action("canary_to_zero", ()) is None
        assert isinstance(app.screen, DashboardScreen)
    assert not mutating_requests(mesh)


async def test_without_a_writer_writes_are_unavailable(mesh, mesh_client) -> None:
    """No writer injected: the write keys are dimmed and the palette says "no writer"."""
    app = MeshtuiApp(mesh_client, mesh.source(), Settings(), clock=lambda: mesh.traffic.now,
                     live=False)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press(*WRITE_KEYS)
        assert screen.check_action("promote", ()) is None
        await screen.run_control("promote")
        await settle(pilot, lambda: any("no writer" in n.message for n in app.said),
                     message="the reason")
    assert not mutating_requests(mesh)


async def test_conflict_shows_the_new_state_and_asks_again(make_control_app: Callable, mesh,
                                                           tmp_path) -> None:
    """Someone else writes while the dialog is open: nothing is overwritten, the detail shows the
    new weights, and the confirmation reopens against them with the same pending set."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus", "a")
        first = await dialog(pilot, app)
        mesh.store.patch("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp", "authors-split",
                         {"spec": {"backends": [{"service": "authors", "weight": "50"},
                                                {"service": "authors-v2", "weight": "50"}]}},
                         manager="kubectl-edit")
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "conflict")
        again = await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.armed
                             and app.screen is not first and app.screen, message="asked again")
        assert any("50% →  30%" in line for line in again.confirmation.lines)
        assert screen.control.pending.pending == (70, 30)
        sliders = [s.live for s in screen.detail.query("WeightSlider")]
        assert sliders == [50, 50], "the detail shows the live state from the conflict"
        await pilot.press("n")
    assert stored_weights(mesh, AUTHORS) == ["50", "50"]
    assert [r["result"] for r in read_audit(tmp_path / "audit.log")] == ["conflict"]


async def test_dry_run_previews_and_changes_nothing(make_control_app: Callable, mesh,
                                                    tmp_path) -> None:
    """--dry-run: the server checks the write (dryRun=All); the user is told nothing changed."""
    app, _ = make_control_app(dry_run=True)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        assert screen.status.dry_run and "DRY-RUN" in screen.status.render().plain
        await pilot.press("plus", "a")
        confirm = await dialog(pilot, app)
        assert any("Dry run" in w for w in confirm.confirmation.warnings)
        await pilot.press("y")
        note = await written(pilot, screen, AUTHORS, "dry run: the server accepted")
        assert note.endswith("nothing changed")
    patches = [r for r in mutating_requests(mesh) if r.method == "PATCH"]
    assert len(patches) == 1 and patches[0].query.get("dryRun") in ("All", ["All"])
    assert stored_weights(mesh, AUTHORS) == ["1500m", "500m"]
    assert [r["result"] for r in read_audit(tmp_path / "audit.log")] == ["dry-run"]


async def test_a_write_asked_while_disconnected_says_the_figures_are_as_last_seen(
        make_control_app: Callable, mesh) -> None:
    """With the API server gone, `+ a` still asks, but says its before-figures are as last seen."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus", "a")
        connected = await dialog(pilot, app)
        assert not any("unreachable" in w for w in connected.confirmation.warnings)
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is screen, message="the dialog closed")
        status = screen.query_one(StatusBar)
        mesh.server.stop()
        try:
            await settle(pilot, lambda: status.connection == "disconnected", timeout=20,
                         message="disconnected in the status bar")
            await pilot.press("a")
            confirm = await dialog(pilot, app)
            said = confirm.confirmation.warnings
            assert said and "unreachable" in said[0] and "as last seen" in said[0], said
        finally:
            mesh.server.start()
