"""The weight slider with the mouse and the remapped keys; the palette runs the same actions."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.widgets.weight_slider import LABEL_WIDTH, WeightSlider, track_cell, track_percent
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import AUTHORS, SIZE, VOTING, dialog, open_split
from tests.waiting import settle


async def test_click_and_drag_on_the_track_set_the_pending_share(make_control_app: Callable,
                                                                 mesh) -> None:
    """A click on authors-v2's track halfway makes it pending about 50/50; a drag follows."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        slider = list(screen.detail.query(WeightSlider))[1]
        width = slider.track_width
        half = track_percent(track_cell(50, width), width)
        assert abs(half - 50) <= 2
        assert await pilot.click(slider, offset=(LABEL_WIDTH + track_cell(50, width), 0)), \
            "the click landed on the track (the pane was laid out before the click)"
        await settle(pilot, lambda: screen.control.pending is not None
                     and screen.control.pending.pending == (100 - half, half), message="~50% pending")
        assert await pilot.mouse_down(slider, offset=(LABEL_WIDTH + track_cell(50, width), 0))
        await pilot.hover(slider, offset=(LABEL_WIDTH + track_cell(10, width), 0))
        await pilot.mouse_up(slider, offset=(LABEL_WIDTH + track_cell(10, width), 0))
        tenth = track_percent(track_cell(10, width), width)
        await settle(pilot, lambda: screen.control.pending.pending == (100 - tenth, tenth),
                     message="dragged to ~10%")
        assert (slider.live, slider.pending) == (25, tenth)
        assert not mutating_requests(mesh), "the slider never writes"


async def test_remapped_apply_key_and_palette_commands(make_control_app: Callable, mesh) -> None:
    """The keymap moves `a` (control.apply); the palette's traffic commands run the same actions."""
    app, _ = make_control_app(settings=Settings(keymap={"control.apply": "ctrl+y"}, step=10))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        await screen.run_control("shift_weight(1)")
        assert screen.control.pending.pending == (65, 35), "the configured step is 10"
        await pilot.press("a")
        assert not isinstance(app.screen, ConfirmDialog), "a no longer applies"
        await pilot.press("ctrl+y")
        await dialog(pilot, app)
        await pilot.press("n")
        await settle(pilot, lambda: not isinstance(app.screen, ConfirmDialog), message="closed")
        await screen.run_control("discard")
        assert screen.control.pending is None
    assert not mutating_requests(mesh)


async def test_backend_table_cursor_and_b_select_the_backend(make_control_app: Callable) -> None:
    """`b` cycles the backend the keys act on; the focused backend table's cursor selects it too."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        split = screen.current_split()
        assert screen.control.selected_index(split) == 1, "the canary by default"
        await pilot.press("b")
        assert screen.control.selected_index(split) == 0
        await pilot.press("plus")
        assert screen.control.pending.pending == (80, 20)
        await pilot.press("escape")
        screen.detail.focus_backends()
        await pilot.press("down")
        await settle(pilot, lambda: screen.control.selected_index(split) == 1,
                     message="the table cursor selected authors-v2")


async def test_the_next_split_relabels_the_sliders_and_plus_acts_on_it(make_control_app: Callable,
                                                                        mesh) -> None:
    """From authors-split to voting-split (two backends each) the sliders stay, relabelled (no
    remount, so no layout pass per key), and `+` then shifts voting-split, never authors."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        sliders = list(screen.detail.query(WeightSlider))
        assert [s.backend for s in sliders] == ["authors", "authors-v2"]
        screen.split_list.focus()
        screen.select_split(VOTING)
        await settle(pilot, lambda: [s.backend for s in screen.detail.query(WeightSlider)]
                     == ["voting-svc", "voting-v2-svc"], message="voting-split's sliders")
        assert list(screen.detail.query(WeightSlider)) == sliders, "relabelled, not remounted"
        assert [(s.live, s.pending) for s in sliders] == [(90, 90), (10, 10)]
        await pilot.press("plus")
        await settle(pilot, lambda: screen.control.pending is not None, message="pending")
        assert screen.control.pending.ref == VOTING
        assert [s.pending for s in sliders] == [85, 15]
        await pilot.press("escape")
        assert not mutating_requests(mesh)


async def test_a_focused_slider_is_not_handed_to_another_split(make_control_app: Callable,
                                                               mesh) -> None:
    """The slider the user is on is remounted, not relabelled, when another split shows."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        focused = list(screen.detail.query(WeightSlider))[1]
        focused.focus()
        await settle(pilot, lambda: focused.has_focus, message="slider focused")
        screen.select_split(VOTING)
        await settle(pilot, lambda: [s.backend for s in screen.detail.query(WeightSlider)]
                     == ["voting-svc", "voting-v2-svc"], message="voting-split's sliders")
        assert focused not in list(screen.detail.query(WeightSlider))
        assert focused.backend == "authors-v2"
