"""Type-ahead never writes: keys arriving in one burst (as over SSH) go where the user meant them.

`burst` posts every key before the app handles the first, so no message cycle passes between
them: what a fast typist's keys look like once they have crossed a slow link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events
from textual.keys import _character_to_key
from textual.widgets import HelpPanel

from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ARM_DELAY, ConfirmDialog
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.screens.plan_picker import PlanPicker
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import AUTHORS, SIZE, VOTING, dialog, open_split, written
from tests.ui.test_metrics_states import rows_listed
from tests.waiting import settle


def burst(app: MeshtuiApp, text: str) -> None:
    """Post one key event per character of `text` at once, the way Pilot would press each."""
    for character in text:
        key = character if character.isalnum() else _character_to_key(character)
        app.post_message(events.Key(key, character))


async def settled_writes(pilot: Any, app: MeshtuiApp) -> None:
    """Let every worker (a write started by a stray key included) finish."""
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_burst_slash_a_y_goes_into_the_filter_and_writes_nothing(
        make_control_app: Callable, mesh) -> None:
    """`+` then `/ a y` in one burst: the filter reads "ay"; no dialog opens; no PATCH is sent."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("plus")
        assert screen.control.pending is not None and screen.control.pending.changed
        before = len(mutating_requests(mesh))
        burst(app, "/ay")
        await settle(pilot, lambda: screen.filter_input.value == "ay"
                     or len(mutating_requests(mesh)) > before or app.screen is not screen,
                     message="the burst handled")
        await settled_writes(pilot, app)
        writes = [(r.method, r.path) for r in mutating_requests(mesh)[before:]]
        assert writes == [], "type-ahead after / reached the API server"
        assert app.screen is screen, f"a dialog opened: {app.screen!r}"
        assert screen.filter_input.value == "ay"
        assert screen.split_list.filter == "ay"
        assert app.focused is screen.filter_input


async def test_burst_slash_roll_filters_and_opens_nothing(make_control_app: Callable, mesh) -> None:
    """`/Roll` in one burst filters for "Roll": `R` does not open the start-plan dialog."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        burst(app, "/Roll")
        await settle(pilot, lambda: screen.filter_input.value == "Roll" or app.screen is not screen,
                     message="the burst handled")
        await pilot.pause()
        assert not isinstance(app.screen, PlanPicker)
        assert app.screen is screen and screen.filter_input.value == "Roll"


async def test_a_slash_typed_in_the_filter_stays_in_the_filter(make_control_app: Callable) -> None:
    """Once the filter has focus, `/` is a character like any other."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await pilot.press("slash", "b", "slash")
        assert screen.filter_input.value == "b/"


async def test_keys_before_the_confirmation_was_drawn_are_ignored(
        make_control_app: Callable, mesh, monkeypatch) -> None:
    """`+ a y` in one burst, arming immediate: the `y` predates the dialog and writes nothing."""
    monkeypatch.setattr(ConfirmDialog, "arm_delay", 0.0, raising=False)
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        burst(app, "+ay")
        await settle(pilot, lambda: len(mutating_requests(mesh)) > before or (
            isinstance(app.screen, ConfirmDialog) and getattr(app.screen, "armed", True)),
            message="the dialog armed (or a write)")
        await settled_writes(pilot, app)
        assert mutating_requests(mesh)[before:] == [], "a y typed before the dialog was drawn wrote"
        assert isinstance(app.screen, ConfirmDialog), "the dialog is still asking"
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
        assert [r.method for r in mutating_requests(mesh)[before:]] == ["PATCH"]


async def test_a_y_in_the_same_burst_does_nothing_with_the_default_delay(
        make_control_app: Callable, mesh) -> None:
    """With the real arming delay, `+ a y` in one burst leaves the dialog open and unwritten."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        burst(app, "+ay")
        await settle(pilot, lambda: len(mutating_requests(mesh)) > before
                     or isinstance(app.screen, ConfirmDialog), message="the dialog (or a write)")
        await settled_writes(pilot, app)
        assert mutating_requests(mesh)[before:] == []
        confirm = await dialog(pilot, app)
        await settled_writes(pilot, app)
        assert app.screen is confirm and mutating_requests(mesh)[before:] == []
    assert ConfirmDialog.arm_delay == ARM_DELAY == 0.25


async def test_y_and_the_button_wait_for_arming(make_control_app: Callable, mesh,
                                                monkeypatch) -> None:
    """Before it is armed the dialog says "y in a moment" and neither `y` nor a click confirms."""
    monkeypatch.setattr(ConfirmDialog, "arm_delay", 3600.0)
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "a")
        confirm = await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                               and app.screen.drawn_at is not None and app.screen,
                               message="the dialog drawn")
        assert not confirm.armed
        assert confirm.yes_button.has_class("-unarmed"), "the button looks disabled"
        assert await pilot.click("#confirm-yes"), "the click reached the button"
        await settle(pilot, lambda: "y in a moment" in str(confirm.error.render()),
                     message="the arming hint after a click")
        confirm.error.update("")
        await pilot.press("y")
        await settle(pilot, lambda: "y in a moment" in str(confirm.error.render()),
                     message="the arming hint after y")
        await settled_writes(pilot, app)
        assert app.screen is confirm and mutating_requests(mesh)[before:] == []

        confirm.arm()
        await pilot.pause()
        assert not confirm.yes_button.has_class("-unarmed")
        assert "y in a moment" not in str(confirm.error.render())
        # A button ignores clicks while it still shows the last one (`-active`, 0.2 s).
        await settle(pilot, lambda: not confirm.yes_button.has_class("-active"),
                     message="the first click's effect over")
        await pilot.click("#confirm-yes")
        await written(pilot, screen, AUTHORS, "applied")


async def test_arming_follows_the_delay(make_control_app: Callable, mesh, monkeypatch) -> None:
    """A short injected delay arms the dialog by itself; `y` then writes once."""
    monkeypatch.setattr(ConfirmDialog, "arm_delay", 0.05)
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "a")
        confirm = await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog)
                               and app.screen.armed and app.screen, message="armed", timeout=5)
        assert app.screen is confirm
        await pilot.press("y")
        await written(pilot, screen, AUTHORS, "applied")
        assert [r.method for r in mutating_requests(mesh)[before:]] == ["PATCH"]


async def test_keys_before_the_percent_prompt_was_drawn_are_ignored(
        make_control_app: Callable, mesh) -> None:
    """`= 0` in one burst: the `0` neither lands in the prompt nor sends the canary to 0%."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        burst(app, "=0")
        prompt = await settle(pilot, lambda: isinstance(app.screen, PercentPrompt)
                              and getattr(app.screen, "drawn_at", 0) is not None and app.screen,
                              message="the prompt drawn")
        await pilot.pause()
        assert app.screen is prompt and prompt.value_input.value == ""
        await pilot.press("escape")
        await settle(pilot, lambda: app.screen is screen, message="prompt closed")
        assert screen.control.pending is None or not screen.control.pending.changed


async def test_percent_prompt_opens_centred(make_control_app: Callable) -> None:
    """The `=` prompt sits in the middle of the screen, like every other dialog."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        await pilot.press("equals_sign")
        prompt = await settle(pilot, lambda: isinstance(app.screen, PercentPrompt) and app.screen,
                              message="the prompt")
        box = await settle(pilot, lambda: prompt.query_one("#confirm-dialog").region or None,
                           message="the prompt laid out")
        width, height = SIZE
        assert abs(box.x - (width - box.right)) <= 1, box
        assert abs(box.y - (height - box.bottom)) <= 1, box


async def test_escape_closes_help(make_app: Callable[..., MeshtuiApp]) -> None:
    """`?` shows the keys; escape hides them again (and only that: the filter stays)."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await pilot.press("slash", "p", "enter")
        assert screen.split_list.filter == "p"
        await pilot.press("question_mark")
        assert app.screen.query(HelpPanel)
        await pilot.press("escape")
        assert not app.screen.query(HelpPanel)
        assert screen.split_list.filter == "p", "escape closed the help, not the filter"
        await pilot.press("escape")
        assert screen.split_list.filter == ""


async def test_q_with_a_pending_change_asks_first(make_control_app: Callable, mesh) -> None:
    """`q` with a pending change asks; `n` keeps the app and the change; `y` quits, writing nothing."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        await pilot.press("plus", "q")
        await settle(pilot, lambda: not app.is_running or isinstance(app.screen, ConfirmDialog),
                     message="a question (or the app gone)")
        assert app.is_running and app.return_code is None, "q quit with a pending change"
        confirm = await dialog(pilot, app)
        assert "Discard" in confirm.confirmation.title and AUTHORS.name in confirm.confirmation.title
        await pilot.press("n")
        await settle(pilot, lambda: app.screen is screen, message="the question closed")
        assert app.is_running and screen.control.pending is not None
        await pilot.press("ctrl+q")
        await dialog(pilot, app)
        await pilot.press("y")
        await settle(pilot, lambda: app.return_code is not None or not app.is_running,
                     message="y to quit")
    assert mutating_requests(mesh)[before:] == []


async def test_q_without_a_pending_change_quits_at_once(make_control_app: Callable) -> None:
    """Nothing pending: `q` quits straight away, as before."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_split(pilot, app, AUTHORS)
        await pilot.press("q")
        await settle(pilot, lambda: app.return_code is not None or not app.is_running,
                     message="q to quit")


async def test_a_remapped_filter_key_is_typed_once_in_the_filter(
        make_app: Callable[..., MeshtuiApp]) -> None:
    """The filter key remapped to a letter opens the filter, and inside it is just that letter."""
    app = make_app(settings=Settings(keymap={"dashboard.filter": "f"}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        burst(app, "fof")
        await settle(pilot, lambda: screen.filter_input.value == "of", message="'of' typed")
        assert app.focused is screen.filter_input



async def test_an_action_after_a_filter_acts_on_the_split_the_list_highlights(
        make_control_app: Callable, mesh) -> None:
    """A filter moves the highlight to voting-split: the detail follows a frame after the list is
    drawn, but an action asking for the current split before that frame gets voting-split, never
    authors-split (shown before the filter); `+` then shifts voting-split."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        screen.split_list.filter = "voting"
        assert screen.split_list.highlighted_ref == VOTING
        # As the list's message would, but handled here with no frame in between.
        screen.follow_cursor(SplitList.SplitHighlighted(screen.split_list, VOTING, relisted=True))
        assert screen.selected == AUTHORS, "the detail waits for the list's frame"
        split = screen.current_split()
        assert split is not None and split.ref == VOTING
        assert screen.selected == VOTING
        screen.split_list.focus()
        await pilot.press("plus")
        await settle(pilot, lambda: screen.control.pending is not None, message="a pending change")
        assert screen.control.pending.ref == VOTING
        await settle(pilot, lambda: "voting-split" in str(screen.query_one("#detail-title").render()),
                     message="the detail on voting-split")
        assert not mutating_requests(mesh)
