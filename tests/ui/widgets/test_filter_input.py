"""The navigator's filter field: typing repaints it without reflowing the screen, and long text
still scrolls so the cursor stays in view."""

from __future__ import annotations

from textual.screen import Screen

from meshtui.ui.widgets.filter_input import FilterInput
from tests.ui.widgets.harness import WidgetApp
from tests.waiting import settle


async def test_typing_does_not_reflow_and_long_text_scrolls(monkeypatch) -> None:
    app = WidgetApp(lambda: [FilterInput(id="filter")])
    async with app.run_test(size=(30, 5)) as pilot:
        field = app.query_one(FilterInput)
        field.focus()
        await pilot.pause()
        reflows: list[object] = []
        original = Screen._refresh_layout

        def counted(self, *args, **kwargs):
            reflows.append(self)
            return original(self, *args, **kwargs)

        monkeypatch.setattr(Screen, "_refresh_layout", counted)
        typed = "booksapp-authors-split-canary-v2"
        await pilot.press(*typed)
        await settle(pilot, lambda: field.value == typed, message="the text typed")
        assert reflows == [], "a keystroke in the filter reflowed the screen"
        assert field.scroll_offset.x > 0, "text longer than the field scrolls"
        line = "".join(segment.text for segment in field.render_line(0))
        assert "v2" in line, line
