"""Weight keys against the simulated mesh: pending edits, confirmation, exactly one write."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable

import pytest
from textual.widgets import Button

from meshtui.kube.audit import read_audit
from meshtui.model.roles import STABLE_ANNOTATION
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.weight_slider import WeightSlider
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import (
    AUTHORS,
    SIZE,
    VOTING,
    dialog,
    drawn,
    open_split,
    stored,
    stored_weights,
    written,
)
from tests.waiting import settle


async def test_plus_apply_confirm_writes_one_patch(make_control_app: Callable, mesh, tmp_path) -> None:
    """`+` edits the canary's pending share only; `a` then `y` sends exactly one PATCH."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus")
        assert screen.control.pending is not None
        assert screen.control.pending.pending == (70, 30)
        sliders = list(screen.detail.query(WeightSlider))
        assert [(s.live, s.pending) for s in sliders] == [(75, 70), (25, 30)]
        assert len(mutating_requests(mesh)) == before, "moving a slider never writes"
        await pilot.press("a")
        confirm = await dialog(pilot, app)
        assert any("25% →  30%" in line for line in confirm.confirmation.lines)
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
    requests = mutating_requests(mesh)[before:]
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in requests] == [("PATCH", "authors-split")]
    obj = stored(mesh, AUTHORS)
    assert stored_weights(mesh, AUTHORS) == ["70", "30"]
    assert obj["metadata"]["annotations"][STABLE_ANNOTATION] == "authors"
    records = read_audit(tmp_path / "audit.log")
    assert [(r["action"], r["result"]) for r in records] == [("set-weights", "ok")]


async def test_escape_discards_without_writing(make_control_app: Callable, mesh) -> None:
    """escape drops the pending set; `a` then has nothing to apply; nothing is sent."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "plus")
        assert screen.control.pending.pending == (65, 35)
        await pilot.press("escape")
        assert screen.control.pending is None
        await pilot.press("a")
        assert isinstance(app.screen, DashboardScreen)
        assert len(mutating_requests(mesh)) == before
    assert stored_weights(mesh, AUTHORS) == ["1500m", "500m"]


async def test_plus_minus_round_trips(make_control_app: Callable) -> None:
    """+5 then -5 comes back to the live weights (the stable backend is the partner)."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus", "plus", "minus", "minus")
        assert screen.control.pending.pending == (75, 25)
        assert not screen.control.pending.changed


async def test_equals_sets_an_exact_percentage(make_control_app: Callable, mesh) -> None:
    """`=` 40 gives the selected backend (the canary) 40%, the stable the rest; then written."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("equals_sign")
        await drawn(pilot, app, PercentPrompt)
        await pilot.press("4", "0", "enter")
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="prompt closed")
        assert screen.control.pending.pending == (60, 40)
        await pilot.press("a")
        await dialog(pilot, app)
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
    assert stored_weights(mesh, AUTHORS) == ["60", "40"]


@pytest.mark.parametrize(("typed", "reason"), [("-5", "negative"), ("abc", "not a percentage"),
                                               ("101", "exceed 100")])
async def test_equals_refuses_invalid_input(make_control_app: Callable, mesh, typed: str,
                                            reason: str) -> None:
    """Negative, non-numeric and >100 are refused with a clear message; nothing changes."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("equals_sign")
        prompt = await drawn(pilot, app, PercentPrompt)
        await pilot.press(*typed, "enter")
        await settle(pilot, lambda: reason in str(prompt.error.render()), message="the refusal")
        assert app.screen is prompt, "the prompt stays open"
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="prompt closed")
        assert screen.control.pending is None or not screen.control.pending.changed
        assert len(mutating_requests(mesh)) == before


async def test_zero_sends_the_canary_to_zero(make_control_app: Callable, mesh, tmp_path) -> None:
    """The incident button goes straight to the confirmation; confirmed, the canary gets 0%."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("0")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.typed is None, "25 points: y is enough"
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
    assert stored_weights(mesh, AUTHORS) == ["100", "0"]
    if shutil.which("kubectl"):
        kubeconfig = mesh.write_kubeconfig(tmp_path / "kubectl.kubeconfig")
        out = subprocess.run(["kubectl", "--kubeconfig", str(kubeconfig), "get", "trafficsplits",
                              "-n", "booksapp", "authors-split", "-o", "json"],
                             capture_output=True, text=True, timeout=30, check=True).stdout
        assert [b["weight"] for b in json.loads(out)["spec"]["backends"]] == ["100", "0"]


async def typed_name_dialog(pilot, app) -> ConfirmDialog:
    """`=75` on authors-split (25% now: a 50-point move), then `a`: the dialog asking for the name."""
    await pilot.press("equals_sign")
    await drawn(pilot, app, PercentPrompt)
    await pilot.press("7", "5", "enter")
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="prompt closed")
    await pilot.press("a")
    confirm = await dialog(pilot, app)
    assert confirm.confirmation.typed == "authors-split"
    return confirm


async def test_fifty_points_need_the_name_typed(make_control_app: Callable, mesh) -> None:
    """A 50-point change needs the split's name: a wrong name writes nothing, the right one writes."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        confirm = await typed_name_dialog(pilot, app)
        await pilot.press("y")
        assert app.screen is confirm, "y alone does not confirm"
        await pilot.press(*"authors", "enter")
        await settle(pilot, lambda: "exactly" in str(confirm.error.render()), message="the refusal")
        assert len(mutating_requests(mesh)) == before
        await pilot.press(*"authors-split", "enter")
        await written(pilot, screen, AUTHORS, "applied")
    assert stored_weights(mesh, AUTHORS) == ["25", "75"]


async def test_equals_prompt_tells_the_live_share_from_a_pending_one(make_control_app: Callable) -> None:
    """After `+` the prompt says the cluster's 25% and the pending 30%, not "now 30%"."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        await pilot.press("equals_sign")
        prompt = await drawn(pilot, app, PercentPrompt)
        assert "(now 25%)" in str(prompt.query_one("#confirm-title").render())
        await pilot.press("escape")
        await pilot.press("plus", "equals_sign")
        prompt = await drawn(pilot, app, PercentPrompt)
        title = str(prompt.query_one("#confirm-title").render())
        assert "(now 25%, pending 30%)" in title, title


async def test_a_typed_name_dialog_names_the_cancel_key_that_works(
        make_control_app: Callable, mesh) -> None:
    """The name input takes `n` as a letter, so the cancel button names escape, which closes it."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        confirm = await typed_name_dialog(pilot, app)
        label = str(confirm.query_one("#confirm-no", Button).label)
        assert "(n)" not in label and "esc" in label, label
        await pilot.press("n")
        assert app.screen is confirm and confirm.typed_input.value == "n", "n is typed, not a cancel"
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen, message="escape cancelled")
        assert mutating_requests(mesh)[before:] == []


async def test_undo_writes_the_weights_before(make_control_app: Callable, mesh, tmp_path) -> None:
    """`u` proposes the weights before the last applied change, through the same confirmation."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus", "a")
        await dialog(pilot, app)
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
        await settle(pilot, lambda: stored_weights(mesh, AUTHORS) == ["70", "30"], message="written")
        await pilot.press("u")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.title.startswith("Undo")
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "undid")
        await pilot.press("u")
        assert isinstance(app.screen, DashboardScreen), "nothing left to undo"
    assert stored_weights(mesh, AUTHORS) == ["75", "25"]
    assert [r["result"] for r in read_audit(tmp_path / "audit.log")] == ["ok", "ok"]


def shown_roles(screen) -> dict[str, str]:
    """Backend → ROLE, as the backend table shows them."""
    table = screen.detail.query_one(BackendTable)
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return {row[0]: row[1] for row in rows}


async def test_mark_stable_is_a_confirmed_write_and_zero_follows_role(make_control_app: Callable,
                                                                     mesh) -> None:
    """voting-split at 100/0, ▸ on voting-v2-svc: `s` asks first; Escape changes nothing, so `0`
    still moves traffic away from the canary ROLE shows; confirmed, the annotation is written,
    ROLE shows voting-v2-svc as stable and `0` sends everything to it."""
    mesh.store.patch("policy.linkerd.io/v1beta3", "HTTPRoute", "emojivoto", "voting-split",
                     [{"op": "replace", "path": "/spec/rules/0/backendRefs/0/weight", "value": 100},
                      {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 0}],
                     patch_type="json")
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, VOTING)
        await settle(pilot, lambda: shown_roles(screen).get("voting-svc") == "stable",
                     message=f"ROLE shown (now {shown_roles(screen)})")
        while screen.control.selected_index(screen.current_split()) != 1:
            await pilot.press("b")
        before = len(mutating_requests(mesh))
        await pilot.press("s")
        confirm = await dialog(pilot, app)
        assert any("voting-v2-svc" in line for line in confirm.confirmation.warnings)
        await pilot.press("escape")
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="dialog closed")
        assert screen.control.pending is None and len(mutating_requests(mesh)) == before
        await pilot.press("0")
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                     and any("equal the live" in n.message for n in app.said),
                     message="0: nothing to do, all traffic already on voting-svc (stable)")
        await pilot.press("s")
        await dialog(pilot, app)
        await pilot.press("y")
        await settle(pilot, lambda: shown_roles(screen).get("voting-v2-svc") == "stable",
                     message=f"ROLE follows the mark (now {shown_roles(screen)})")
        assert stored(mesh, VOTING)["metadata"]["annotations"][STABLE_ANNOTATION] == "voting-v2-svc"
        await pilot.press("0")
        confirm = await dialog(pilot, app)
        assert screen.control.pending.pending == (0, 100), confirm.confirmation.lines


async def test_a_confirmed_write_reaches_the_api_server_before_the_event_loop_comes_round(
        make_control_app: Callable, mesh, monkeypatch) -> None:
    """`y` starts the write's thread at once: its PATCH reaches the API server while the UI
    thread is still in the answer's callback, before the repaint that closing the dialog causes
    (a thread worker would start only once the event loop came round, and wait for that)."""
    from meshtui.ui.dashboard._traffic_writes import TrafficWrites
    from tests.waiting import wait_for

    reached: list[bool] = []
    start = TrafficWrites.write_weights

    def write_weights(self: TrafficWrites, *args: object) -> None:
        start(self, *args)
        # Blocks the event loop: only a thread already started can send the PATCH now.
        try:
            wait_for(lambda: len(mutating_requests(mesh)) > before, timeout=10,
                     message="the PATCH, with the event loop held")
        except AssertionError:
            reached.append(False)
        else:
            reached.append(True)

    monkeypatch.setattr(TrafficWrites, "write_weights", write_weights)
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "a")
        await dialog(pilot, app)
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
    assert reached == [True], "the PATCH waited for the event loop"
    assert stored_weights(mesh, AUTHORS) == ["70", "30"]
