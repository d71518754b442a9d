"""Keys, the command palette and the user keymap drive the same actions."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App
from textual.widgets import HelpPanel, Input

from meshtui.ui.app import MeshtuiApp
from meshtui.ui.commands import COMMANDS, key_hints, with_keys
from meshtui.ui.config import Settings
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.namespace_picker import NamespacePicker
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.screens.plan_picker import PlanPicker
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.ui.test_dashboard import PODINFO, SIZE
from tests.ui.test_metrics_states import rows_listed
from tests.waiting import settle


def test_every_binding_has_an_id_and_a_description() -> None:
    """Remappable and documented: no binding without an id or a description."""
    for owner in (MeshtuiApp, DashboardScreen, NamespacePicker, ConfirmDialog, PercentPrompt,
                  PlanPicker):
        for binding in owner.BINDINGS:
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"


def test_every_screen_action_is_a_palette_command() -> None:
    """Keys and palette share actions: each dashboard binding has a palette entry."""
    actions = {command.action for command in COMMANDS}
    for binding in DashboardScreen.BINDINGS + MeshtuiApp.BINDINGS:
        action = binding.action if binding.action not in ("toggle_help", "quit") else f"app.{binding.action}"
        # Escape only closes the help; the palette's "Toggle help" covers both ways.
        assert action in actions or binding.action in ("command_palette", "hide_help_panel"), \
            binding.action
    assert all(":" in command.title for command in COMMANDS)


def test_palette_keys_are_the_bound_keys() -> None:
    """Each palette entry names the keys that run it; a keymap entry changes what it names."""
    display = App().get_key_display
    hints = {**key_hints(MeshtuiApp.BINDINGS, {}, display, prefix="app."),
             **key_hints(DashboardScreen.BINDINGS, {}, display)}
    assert all(command.action in hints for command in COMMANDS)
    assert (hints["toggle_attention"], hints["shift_weight(1)"], hints["app.toggle_help"]) == \
        ("!", "+", "?")
    moved = key_hints(DashboardScreen.BINDINGS, {"dashboard.attention": "ctrl+t,a"}, display)
    attention = next(command for command in COMMANDS if command.action == "toggle_attention")
    assert with_keys(attention, moved) == "Show only splits that need attention (^t, a)"


async def test_the_detail_follows_a_cursor_move_before_the_next_frame(
        make_app: Callable[..., MeshtuiApp]) -> None:
    """`j` selects the next split within its own handler: the cursor and the detail pane are
    drawn in one frame, not the detail a frame (1/60 s at least) after the cursor."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await settle(pilot, lambda: screen.selected is not None, message="a first selection")
        first = screen.selected
        screen.split_list.action_cursor_down()
        # No await: nothing else ran, no frame was drawn.
        assert screen.selected != first and screen.selected == screen.split_list.highlighted_ref
        assert screen.selected.name in str(screen.detail.query_one("#detail-title").content)
        screen.split_list.action_cursor_up()
        assert screen.selected == first


async def test_the_list_is_filtered_before_the_next_frame(make_app: Callable[..., MeshtuiApp]) -> None:
    """A new filter value narrows the list within the key's own handling, so the typed
    character and the narrowed list are drawn in one frame."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await pilot.press("slash")
        screen.filter_input.value = "podinfo"
        # No await: nothing else ran, no frame was drawn.
        assert screen.split_list.filter == "podinfo"
        assert screen.split_list.visible_count == 1


async def test_navigation_filter_attention_window_and_scope(make_app: Callable[..., MeshtuiApp]) -> None:
    """j/k move the detail with the cursor; / filters as you type; ! toggles; w cycles; n scopes."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        split_list = app.screen.query_one(SplitList)
        await settle(pilot, lambda: screen.selected is not None, message="a first selection")
        first = screen.selected
        await pilot.press("j")
        assert screen.selected != first and screen.selected == split_list.highlighted_ref
        await pilot.press("k")
        assert screen.selected == first

        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"podinfo")
        assert split_list.visible_count == 1
        await pilot.press("enter")
        assert app.focused is split_list and split_list.highlighted_ref == PODINFO
        await pilot.press("escape")
        assert split_list.visible_count == 4 and split_list.filter == ""

        await pilot.press("exclamation_mark")
        assert split_list.attention_only
        assert split_list.visible_count == sum(row.attention for row in split_list.rows) >= 1
        await pilot.press("exclamation_mark")
        assert not split_list.attention_only

        for expected in ("5m", "15m", "1h", "1m"):
            await pilot.press("w")
            assert screen.window == expected
        assert "1m" in app.screen.query_one(StatusBar).metrics_source

        await pilot.press("n")
        await settle(pilot, lambda: isinstance(app.screen, NamespacePicker), message="picker open")
        picker = app.screen
        assert isinstance(picker, NamespacePicker) and "test" in picker.namespaces
        await pilot.press(*["down"] * (picker.namespaces.index("test") + 1), "enter")
        await settle(pilot, lambda: app.screen is screen, message="picker closed")
        assert screen.scope == "test"
        assert [row.namespace for row in split_list.rows] == ["test"]
        assert app.screen.query_one(StatusBar).scope == "test"


async def test_help_palette_and_keymap(make_app: Callable[..., MeshtuiApp]) -> None:
    """? toggles help; the palette runs the same action as "!"; the config keymap rebinds it."""
    app = make_app(settings=Settings(keymap={"dashboard.attention": "a"}))
    async with app.run_test(size=SIZE) as pilot:
        screen = await rows_listed(pilot, app)
        await pilot.press("question_mark")
        assert app.screen.query(HelpPanel)
        await pilot.press("question_mark")
        assert not app.screen.query(HelpPanel)

        await pilot.press("a")
        assert screen.attention_only, "the keymap moved the binding to 'a'"
        await pilot.press("exclamation_mark")
        assert screen.attention_only, "and '!' no longer toggles"

        await pilot.press("ctrl+p")
        await settle(pilot, lambda: app.screen is not screen, message="palette open")
        await pilot.press(*"needs-attention")
        def first_hit() -> str:
            lists = app.screen.query("CommandList")
            if not lists or not lists.first().option_count:
                return ""
            return str(lists.first().get_option_at_index(0).prompt)

        await settle(pilot, lambda: "needs-attention" in first_hit(), message="palette hit")
        prompt = str(app.screen.query("CommandList").first().get_option_at_index(0).prompt)
        assert "need attention (a)" in prompt, "the palette names the key the keymap bound"
        await pilot.press("enter")
        await settle(pilot, lambda: app.screen is screen and not screen.attention_only,
                     message="palette toggled the view back")
