"""The one-line status bar: where we are connected, how fresh the data is, read-only or not."""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from meshtui.ui.widgets._format import format_duration

CONNECTION_GLYPHS = {"connected": "●", "connecting": "◌", "disconnected": "✕"}
"""Glyph per cluster connection state."""
METRICS_GLYPHS = {"ok": "●", "stale": "◐", "unavailable": "✕", "none": "○"}
"""Glyph per metrics state."""


class StatusBar(Widget):
    """Context, scope, cluster connection, metrics source and freshness, and the read-only badge."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--context",
        "status-bar--label",
        "status-bar--separator",
        "status-bar--ok",
        "status-bar--warn",
        "status-bar--bad",
        "status-bar--muted",
        "status-bar--read-only",
    }
    """
    | Class | Description |
    | :- | :- |
    | `status-bar--context` | The kube context. |
    | `status-bar--label` / `--separator` | Field labels and the separators between fields. |
    | `status-bar--ok/warn/bad/muted` | States: connected, connecting/stale, down, no data. |
    | `status-bar--read-only` | The READ-ONLY badge. |
    """

    DEFAULT_CSS = """
    StatusBar {
        height: 1;
        background: $panel;
        color: $foreground;
        & > .status-bar--context { color: $secondary; text-style: bold; }
        & > .status-bar--label { color: $foreground-muted; }
        & > .status-bar--separator { color: $foreground-muted; }
        & > .status-bar--ok { color: $success; }
        & > .status-bar--warn { color: $warning; }
        & > .status-bar--bad { color: $error; text-style: bold; }
        & > .status-bar--muted { color: $foreground-muted; }
        & > .status-bar--read-only { color: $background; background: $warning; text-style: bold; }
    }
    """

    context: reactive[str] = reactive("")
    """The kube context name (or "simulated")."""
    scope: reactive[str] = reactive("")
    """What is shown: "all namespaces" or a namespace."""
    connection: reactive[str] = reactive("connecting")
    """``"connected"``, ``"connecting"`` or ``"disconnected"``."""
    connection_detail: reactive[str] = reactive("")
    """Why we are disconnected, or the server address."""
    metrics_source: reactive[str] = reactive("")
    """The metrics source name, e.g. "prometheus 127.0.0.1:9090"."""
    metrics_state: reactive[str] = reactive("none")
    """``"ok"``, ``"stale"``, ``"unavailable"`` or ``"none"`` (no source configured)."""
    data_age: reactive[float | None] = reactive(None)
    """Seconds since the last metrics sample, or None when there was none."""
    read_only: reactive[bool] = reactive(False)
    """Whether writes are disabled (shows a badge)."""

    def _style(self, name: str) -> Style:
        """A partial component style."""
        return self.get_component_rich_style(f"status-bar--{name}", partial=True)

    def render(self) -> RenderResult:
        """Draw the fields left to right and the read-only badge on the right."""
        separator = (" │ ", self._style("separator"))
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        text.append(" ⎈ ", self._style("label"))
        text.append(self.context or "no context", self._style("context"))
        if self.scope:
            text.append(*separator)
            text.append(self.scope)
        text.append(*separator)
        state = {"connected": "ok", "connecting": "warn"}.get(self.connection, "bad")
        glyph = CONNECTION_GLYPHS.get(self.connection, "✕")
        text.append(f"{glyph} {self.connection}", self._style(state))
        if self.connection_detail:
            detail_style = self._style("bad" if self.connection == "disconnected" else "muted")
            text.append(f" {self.connection_detail}", detail_style)
        text.append(*separator)
        metrics_style = {"ok": "ok", "stale": "warn", "unavailable": "bad"}.get(self.metrics_state, "muted")
        text.append(f"{METRICS_GLYPHS.get(self.metrics_state, '○')} ", self._style(metrics_style))
        text.append(self.metrics_source or "no metrics", self._style("muted") if not self.metrics_source else "")
        if self.metrics_state in ("stale", "unavailable"):
            text.append(f" {self.metrics_state}", self._style(metrics_style))
        if self.data_age is not None:
            text.append(*separator)
            age_style = self._style("warn" if self.metrics_state == "stale" else "muted")
            text.append(f"{format_duration(self.data_age)} ago", age_style)
        badge = Text(" READ-ONLY ", self._style("read-only"), end="") if self.read_only else Text("")
        width = self.size.width
        room = max(0, width - badge.cell_len)
        if text.cell_len > room:
            text.truncate(room, overflow="ellipsis")
        text.append(" " * (room - text.cell_len))
        text.append_text(badge)
        return text
