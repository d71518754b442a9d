"""Pilot tests of the services table: sorting, filter, attention, enter, in-place redraws."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.message import Message

from meshtui.model.signals import BackendKey
from meshtui.ui.themes import MESHTUI_THEME
from meshtui.ui.widgets._service_rows import ServiceRow
from meshtui.ui.widgets.service_table import ServiceTable
from tests.ui.widgets.harness import ref


class TableApp(App[None]):
    """Hosts one services table and records what it posts."""

    def __init__(self, rows: list[ServiceRow]) -> None:
        super().__init__()
        self.rows = rows
        self.messages: list[Message] = []

    def on_load(self) -> None:
        self.register_theme(MESHTUI_THEME)
        self.theme = MESHTUI_THEME.name

    def compose(self) -> ComposeResult:
        yield ServiceTable(self.rows)

    def on_mount(self) -> None:
        self.query_one(ServiceTable).focus()

    def on_service_table_service_selected(self, message: ServiceTable.ServiceSelected) -> None:
        self.messages.append(message)


def srow(namespace: str, name: str, **overrides: Any) -> ServiceRow:
    """A service row with sensible defaults (meshed, 2/2 proxies, healthy)."""
    values: dict[str, Any] = dict(key=BackendKey(namespace, name), namespace=namespace, name=name,
                                  meshed=True, injected_by="namespace", proxies_ready=2, pods=2,
                                  success_rate=0.999, rps=10.0, p99_ms=40.0, health="ok")
    values.update(overrides)
    return ServiceRow(**values)


def sample_services() -> list[ServiceRow]:
    """A small mesh: services with and without splits, an unmeshed one with traffic, a mirror."""
    return [
        srow("booksapp", "authors", splits=(ref("booksapp", "authors-split"),),
             split_labels=("TrafficSplit/authors-split",), rps=6.0, p99_ms=70.0),
        srow("booksapp", "webapp", rps=10.0, p99_ms=120.0, success_rate=0.995),
        srow("emojivoto", "emoji-svc", rps=12.0, p99_ms=12.0, success_rate=1.0),
        srow("emojivoto", "legacy-db", meshed=False, injected_by="", proxies_ready=0, pods=1, rps=3.0,
             p99_ms=5.0, success_rate=1.0, attention=True, note="unmeshed, receives meshed traffic"),
        srow("emojivoto", "voting-svc", success_rate=0.93, rps=20.0, p99_ms=250.0, health="bad",
             attention=True, note="success 93.0%",
             splits=(ref("emojivoto", "voting-split", "httproute"),),
             split_labels=("HTTPRoute/voting-split",)),
        srow("emojivoto", "web-east", injected_by="mirror", proxies_ready=0, pods=0, mirror="east",
             success_rate=None, rps=None, p99_ms=None, health="none"),
    ]


async def test_sorting_cycles_columns_and_reverses() -> None:
    """o moves the sort to the next column, O reverses; no-data rows stay last."""
    app = TableApp(sample_services())
    async with app.run_test(size=(140, 12)) as pilot:
        table = app.query_one(ServiceTable)
        assert [r.name for r in table.shown][:2] == ["authors", "webapp"]
        table.sort_by("rps")
        await pilot.pause()
        assert table.descending
        assert [r.name for r in table.shown] == ["voting-svc", "emoji-svc", "webapp", "authors",
                                                 "legacy-db", "web-east"]
        await pilot.press("O")
        assert [r.name for r in table.shown] == ["legacy-db", "authors", "webapp", "emoji-svc",
                                                 "voting-svc", "web-east"]
        await pilot.press("o")
        assert table.sort_column == "p99"
        assert table.shown[0].name == "voting-svc" and table.shown[-1].name == "web-east"
        table.sort_by("success")
        await pilot.pause()
        assert [r.name for r in table.shown][:2] == ["voting-svc", "webapp"]


async def test_filter_attention_and_enter() -> None:
    """Filter and attention narrow the rows; enter posts the highlighted service with its splits."""
    app = TableApp(sample_services())
    async with app.run_test(size=(140, 12)) as pilot:
        table = app.query_one(ServiceTable)
        table.filter = "voting"
        await pilot.pause()
        assert [r.name for r in table.shown] == ["voting-svc"]
        await pilot.press("enter")
        assert app.messages[-1].row.splits == (ref("emojivoto", "voting-split", "httproute"),)
        table.filter = ""
        table.attention_only = True
        await pilot.pause()
        assert [r.name for r in table.shown] == ["legacy-db", "voting-svc"]
        assert table.highlighted is not None and table.highlighted.name == "voting-svc"


async def test_changed_rows_redrawn_alone_unless_they_move() -> None:
    """A changed figure redraws its row only; a change that reorders lays the table out again,
    and the cursor stays on its service."""
    rows = sample_services()
    app = TableApp(rows)
    async with app.run_test(size=(140, 12)) as pilot:
        table = app.query_one(ServiceTable)
        await pilot.press("down", "down")
        assert table.highlighted is not None and table.highlighted.name == "emoji-svc"
        changed = list(rows)
        changed[1] = srow("booksapp", "webapp", rps=11.0, p99_ms=120.0, success_rate=0.995)
        table.set_rows(changed)
        assert table.redrawn_rows == 1
        table.set_rows(list(changed))
        assert table.redrawn_rows == 0
        table.sort_by("rps")
        await pilot.pause()
        moved = list(changed)
        moved[1] = srow("booksapp", "webapp", rps=100.0, p99_ms=120.0, success_rate=0.995)
        table.set_rows(moved)
        assert table.redrawn_rows == -1
        assert table.shown[0].name == "webapp"
        assert table.highlighted is not None and table.highlighted.name == "emoji-svc"


async def test_hostile_names_are_drawn_literally() -> None:
    """Markup and control characters in names are drawn as text, never interpreted."""
    app = TableApp([srow("prod", "[@click=app.quit]x\x1b[31m", split_labels=("HTTPRoute/[b]r",))])
    async with app.run_test(size=(140, 6)) as pilot:
        await pilot.pause()
        line = "".join(s.text for s in app.query_one(ServiceTable).render_line(1))
        assert "[@click=app.quit]x\\x1b[31m" in line and "HTTPRoute/[b]r" in line
        assert app.is_running


def test_every_binding_has_an_id_and_a_description() -> None:
    """Remappable and documented, like the dashboard's."""
    from meshtui.ui.screens.split_picker import SplitPicker
    from meshtui.ui.widgets.command_line import CommandLine

    for owner in (ServiceTable, CommandLine, SplitPicker):
        for binding in owner.BINDINGS:
            assert binding.id and binding.description, f"{owner.__name__}: {binding.key}"  # type: ignore[union-attr]


async def test_narrow_table_keeps_name_and_figures() -> None:
    """At 80 columns the splits, then the namespace give way; name and figures stay whole."""
    app = TableApp(sample_services())
    async with app.run_test(size=(80, 8)) as pilot:
        await pilot.pause()
        table = app.query_one(ServiceTable)
        header = "".join(s.text for s in table.render_line(0))
        assert all(title in header for title in ("NAME", "SUCCESS", "RPS", "P99", "PROXIES"))
        assert "SPLITS" not in header
        row = "".join(s.text for s in table.render_line(5))
        assert "voting-svc" in row and "93.00%" in row and "250ms" in row
