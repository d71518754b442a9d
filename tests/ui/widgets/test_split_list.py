"""SplitList behaviour through a harness app: keys, mouse, filtering, row updates, messages."""

from __future__ import annotations

from meshtui.ui.widgets.split_list import SplitList
from tests.ui.widgets.harness import WidgetApp, many_rows, ref, row, sample_rows
from tests.waiting import settle


def make_app(rows=None) -> WidgetApp:
    """An app with one focused SplitList holding `rows` (the sample mesh by default)."""
    rows = sample_rows() if rows is None else rows
    return WidgetApp(lambda: [SplitList(rows, id="list")], lambda app: app.query_one(SplitList).focus())


def line_text(widget: SplitList, y: int) -> str:
    """The plain text of visible line `y`."""
    return "".join(segment.text for segment in widget.render_line(y))


async def test_groups_by_namespace_and_highlights_first_split() -> None:
    """Rows are grouped under namespace headers and the first split is highlighted."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        split_list = app.query_one(SplitList)
        await settle(pilot, until=lambda: app.messages, message="first highlight")
        assert split_list.highlighted_ref == ref("auth", "login-split")
        assert isinstance(app.messages[0], SplitList.SplitHighlighted)
        headers = [line_text(split_list, y).strip() for y in (0, 2, 5)]
        assert headers == ["▾ auth  1", "▾ checkout  2", "▾ web  2"]
        assert "login-split" in line_text(split_list, 1)
        assert "99/1" in line_text(split_list, 1)


async def test_keys_move_cursor_and_skip_headers() -> None:
    """Navigation keys move between splits, never onto headers, and stop at the ends."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        split_list = app.query_one(SplitList)
        await pilot.press("down")
        assert split_list.highlighted_ref == ref("checkout", "cart-split")
        await pilot.press("j", "j")
        assert split_list.highlighted_ref == ref("web", "frontend", "httproute")
        await pilot.press("k")
        assert split_list.highlighted_ref == ref("checkout", "payments-split")
        await pilot.press("end")
        assert split_list.highlighted_ref == ref("web", "static-split")
        await pilot.press("down")
        assert split_list.highlighted_ref == ref("web", "static-split")
        await pilot.press("home")
        assert split_list.highlighted_ref == ref("auth", "login-split")
        await pilot.press("pagedown")
        assert split_list.highlighted_ref == ref("web", "static-split")
        await pilot.press("pageup")
        assert split_list.highlighted_ref == ref("auth", "login-split")
        highlighted = [m.ref for m in app.messages if isinstance(m, SplitList.SplitHighlighted)]
        assert highlighted[-2:] == [ref("web", "static-split"), ref("auth", "login-split")]


async def test_enter_and_click_select() -> None:
    """Enter and a click open a split; a click on a header does nothing."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        await pilot.press("down", "enter")
        await settle(pilot, until=lambda: any(isinstance(m, SplitList.SplitSelected) for m in app.messages))
        selected = [m for m in app.messages if isinstance(m, SplitList.SplitSelected)]
        assert selected[-1].ref == ref("checkout", "cart-split")
        assert selected[-1].control is app.query_one(SplitList)
        await pilot.click(SplitList, offset=(10, 6))
        await settle(pilot, until=lambda: len([m for m in app.messages if isinstance(m, SplitList.SplitSelected)]) == 2)
        assert app.messages[-1].ref == ref("web", "frontend", "httproute")
        assert app.query_one(SplitList).highlighted_ref == ref("web", "frontend", "httproute")
        await pilot.click(SplitList, offset=(10, 5))  # a namespace header: nothing happens
        await pilot.pause()
        assert len([m for m in app.messages if isinstance(m, SplitList.SplitSelected)]) == 2


async def test_filter_matches_namespace_name_service_and_owner() -> None:
    """The filter is a case-insensitive substring over namespace, name, service and owner."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        split_list = app.query_one(SplitList)
        split_list.filter = "CHECKOUT"
        assert split_list.visible_count == 2
        split_list.filter = "argo"
        assert split_list.visible_count == 1
        assert split_list.highlighted_ref == ref("checkout", "payments-split")
        split_list.filter = "login"
        assert [r.name for r in split_list.rows if r.name == "login-split"]
        assert split_list.visible_count == 1
        split_list.filter = "no-such-thing"
        assert split_list.visible_count == 0
        assert split_list.highlighted_ref is None
        await pilot.pause()
        assert "No splits match “no-such-thing”" in line_text(split_list, 1)
        split_list.filter = ""
        assert split_list.visible_count == 5


async def test_attention_only() -> None:
    """The attention toggle keeps only flagged splits and says when there are none."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        split_list = app.query_one(SplitList)
        split_list.attention_only = True
        assert split_list.visible_count == 2
        assert split_list.highlighted_ref == ref("checkout", "payments-split")
        split_list.set_rows([row("a", "calm-split")])
        await pilot.pause()
        assert "Nothing needs attention" in line_text(split_list, 1)


async def test_set_rows_keeps_cursor_on_same_split() -> None:
    """New rows keep the cursor on its split, or nearby when the split is gone."""
    app = make_app()
    async with app.run_test(size=(100, 20)) as pilot:
        split_list = app.query_one(SplitList)
        await pilot.press("down", "down")
        assert split_list.highlighted_ref == ref("checkout", "payments-split")
        rows = [row("aaa", "new-split")] + sample_rows()
        split_list.set_rows(list(reversed(rows)))
        assert split_list.highlighted_ref == ref("checkout", "payments-split")
        split_list.set_rows([r for r in rows if r.name != "payments-split"])
        assert split_list.highlighted_ref is not None
        assert split_list.highlighted_ref != ref("checkout", "payments-split")


async def test_empty_list_says_so() -> None:
    """An empty list shows its empty text and ignores keys."""
    app = WidgetApp(lambda: [SplitList(empty_text="No traffic splits found")])
    async with app.run_test(size=(60, 6)) as pilot:
        await pilot.pause()
        split_list = app.query_one(SplitList)
        assert split_list.highlighted_ref is None
        assert "No traffic splits found" in line_text(split_list, 1)
        await pilot.press("down", "enter")
        assert app.messages == []


async def test_five_thousand_rows_filter_and_navigate() -> None:
    """Benchmark-style: 5,000 rows work end to end (no timing asserted)."""
    rows = many_rows(5000)
    app = make_app(rows)
    async with app.run_test(size=(120, 40)) as pilot:
        split_list = app.query_one(SplitList)
        assert split_list.visible_count == 5000
        assert split_list.virtual_size.height == 5050
        split_list.filter = "svc-0499"
        assert split_list.visible_count == 10
        split_list.filter = "team-07"
        split_list.attention_only = True
        assert split_list.visible_count == len([r for r in rows if r.namespace == "team-07" and r.attention])
        split_list.attention_only = False
        split_list.filter = ""
        await pilot.press("end")
        assert split_list.highlighted_ref == rows[-1].ref
        await settle(pilot, until=lambda: split_list.scroll_y > 5000 - 40, message="scrolled to the end")
        assert rows[-1].name in line_text(split_list, split_list.size.height - 1)
