"""The services view: a title, its own filter box and the services table, full width.

The pane draws what it is given (`show`); the dashboard decides the rows (scope, signals).
"""

from __future__ import annotations

from collections.abc import Sequence
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Static

from meshtui.ui.literal import literal
from meshtui.ui.panes._static import update_text
from meshtui.ui.widgets._service_rows import COLUMNS, ServiceRow
from meshtui.ui.widgets.filter_input import FilterInput
from meshtui.ui.widgets.service_table import ServiceTable

_TITLES = {column.id: column.title for column in COLUMNS}


class ServicesPane(Vertical):
    """Every service in scope, filterable and sortable; Enter opens a service's split(s)."""

    DEFAULT_CSS = """
    ServicesPane {
        height: 1fr;
        border: round $panel;
        &:focus-within { border: round $primary; }
        #services-title { padding: 0 1; height: 1; text-wrap: nowrap; text-overflow: ellipsis; }
        #service-filter { display: none; height: 3; border: tall $panel; }
        #service-filter.-visible { display: block; }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        """Create the pane (rows arrive through `show`)."""
        super().__init__(id=id)
        self._scope: str | None = None
        self._window = ""

    @property
    def table(self) -> ServiceTable:
        """The services table."""
        return self.query_one(ServiceTable)

    @property
    def filter_input(self) -> FilterInput:
        """The pane's filter box."""
        return self.query_one("#service-filter", FilterInput)

    def compose(self) -> ComposeResult:
        """Title, filter box, table."""
        yield Static("Services", id="services-title")
        yield FilterInput(placeholder="filter: namespace, name, split, cluster", id="service-filter")
        yield ServiceTable(empty_text="No services found")

    def show(self, rows: Sequence[ServiceRow], *, scope: str | None, window: str) -> None:
        """Draw `rows` (only changed rows are redrawn) and the title for this scope and window."""
        self._scope, self._window = scope, window
        self.table.set_rows(rows)
        self.refresh_title()

    def refresh_title(self) -> None:
        """"Services (ns) · shown/total · sorted by … · window"."""
        table = self.table
        where = literal(self._scope, limit=40) if self._scope else Text("all namespaces")
        shown, total = len(table.shown), len(table.rows)
        count = f"{shown}/{total}" if shown != total else f"{total}"
        arrow = "▼" if table.descending else "▲"
        sort = f"sorted by {_TITLES.get(table.sort_column, table.sort_column).lower()} {arrow}"
        flags = " · needs attention only" if table.attention_only else ""
        window = f" · signals over {self._window}" if self._window else ""
        update_text(self.query_one("#services-title", Static), Text.assemble(
            ("Services", "bold"), " · ", where, f" · {count} · {sort}{window}{flags}"))

    def open_filter(self) -> None:
        """Show the filter box and focus it."""
        self.filter_input.add_class("-visible")
        self.screen.set_focus(self.filter_input)

    def clear_filter(self) -> None:
        """Clear and hide the filter box, back to the table."""
        self.filter_input.value = ""
        self.filter_input.remove_class("-visible")
        self.table.filter = ""
        self.table.focus()
        self.refresh_title()

    @on(Input.Changed, "#service-filter")
    def _filtered(self, message: Input.Changed) -> None:
        message.stop()
        self.table.filter = message.value
        self.refresh_title()

    @on(Input.Submitted, "#service-filter")
    def _filter_done(self, message: Input.Submitted) -> None:
        message.stop()
        self.table.focus()

    @on(ServiceTable.Sorted)
    def _sorted(self) -> None:
        self.refresh_title()
