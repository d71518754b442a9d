"""The one-line status bar: where we are connected, how fresh the data is, read-only or dry run."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from meshtui.model.durations import format_duration
from meshtui.ui.literal import visible
from meshtui.ui.widgets._styles import component_fg

CONNECTION_GLYPHS = {"connected": "●", "connecting": "◌", "disconnected": "✕"}
"""Glyph per cluster connection state."""
METRICS_GLYPHS = {"ok": "●", "stale": "◐", "unavailable": "✕", "none": "○"}
"""Glyph per metrics state."""
FIELD_LIMIT = 200
"""Characters kept of a free-form field (context, scope, detail, source) before it is fitted."""


class StatusBar(Widget):
    """Context, scope, cluster connection, metrics source and freshness, and the mode badges."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-bar--context",
        "status-bar--label",
        "status-bar--separator",
        "status-bar--ok",
        "status-bar--warn",
        "status-bar--bad",
        "status-bar--muted",
        "status-bar--read-only",
        "status-bar--dry-run",
        "status-bar--insecure",
    }
    """
    | Class | Description |
    | :- | :- |
    | `status-bar--context` | The kube context. |
    | `status-bar--label` / `--separator` | Field labels and the separators between fields. |
    | `status-bar--ok/warn/bad/muted` | States: connected, connecting/stale, down, no data. |
    | `status-bar--read-only` | The READ-ONLY badge. |
    | `status-bar--dry-run` | The DRY-RUN badge. |
    | `status-bar--insecure` | The INSECURE-TLS badge. |
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
        & > .status-bar--dry-run { color: $background; background: $warning; text-style: bold; }
        & > .status-bar--insecure { color: $background; background: $error; text-style: bold; }
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
    data_age: reactive[float | None] = reactive(None, repaint=False)
    """Seconds since the last metrics sample, or None when there was none (repainted only when
    the age as written changes: it is set on every redraw, and 4.2 s and 4.4 s both read "4s")."""
    read_only: reactive[bool] = reactive(False)
    """Whether writes are disabled (shows a badge)."""
    dry_run: reactive[bool] = reactive(False)
    """Whether writes are only previewed by the server (shows a badge)."""
    insecure: reactive[bool] = reactive(False)
    """Whether the API server's TLS certificate goes unverified (shows a badge)."""

    def watch_data_age(self, old: float | None, new: float | None) -> None:
        if _age_text(old) != _age_text(new):
            self.refresh()

    def _style(self, name: str) -> Style:
        """A partial component style."""
        if name in ("read-only", "dry-run", "insecure"):
            return self.get_component_rich_style(f"status-bar--{name}")
        return component_fg(self, f"status-bar--{name}")

    def _pieces(self) -> list[tuple[str, Style | str, int]]:
        """The bar's text pieces with a shrink priority (0 fixed, higher shrinks first)."""
        sep: tuple[str, Style | str, int] = (" │ ", self._style("separator"), 0)
        pieces: list[tuple[str, Style | str, int]] = [
            (" ⎈ ", self._style("label"), 0),
            (visible(self.context, FIELD_LIMIT) or "no context", self._style("context"), 1),
        ]
        if self.scope:
            pieces += [sep, (visible(self.scope, FIELD_LIMIT), "", 1)]
        state = {"connected": "ok", "connecting": "warn"}.get(self.connection, "bad")
        glyph = CONNECTION_GLYPHS.get(self.connection, "✕")
        pieces += [sep, (f"{glyph} {self.connection}", self._style(state), 0)]
        if self.connection_detail:
            detail_style = self._style("bad" if self.connection == "disconnected" else "muted")
            pieces.append((f" {visible(self.connection_detail, FIELD_LIMIT)}", detail_style, 3))
        metrics_style = {"ok": "ok", "stale": "warn", "unavailable": "bad"}.get(self.metrics_state, "muted")
        pieces += [sep, (f"{METRICS_GLYPHS.get(self.metrics_state, '○')} ", self._style(metrics_style), 0)]
        if self.metrics_source:
            pieces.append((visible(self.metrics_source, FIELD_LIMIT), "", 2))
        else:
            pieces.append(("no metrics", self._style("muted"), 0))
        if self.metrics_state in ("stale", "unavailable"):
            pieces.append((f" {self.metrics_state}", self._style(metrics_style), 0))
        if self.data_age is not None:
            age_style = self._style("warn" if self.metrics_state == "stale" else "muted")
            pieces += [sep, (_age_text(self.data_age), age_style, 0)]
        return pieces

    def render(self) -> RenderResult:
        """Draw the fields left to right and the insecure, read-only and dry-run badges on the
        right.

        When space is short, the free-form parts (connection detail, then metrics source, then
        context and scope) are shortened before any state is hidden.
        """
        badge = Text(end="")
        if self.insecure:
            badge.append(" INSECURE-TLS ", self._style("insecure"))
        if self.dry_run:
            badge.append(" DRY-RUN ", self._style("dry-run"))
        if self.read_only:
            badge.append(" READ-ONLY ", self._style("read-only"))
        room = max(0, self.size.width - badge.cell_len)
        pieces: list[list[Any]] = [list(piece) for piece in self._pieces()]
        overflow = sum(len(text) for text, _, _ in pieces) - room
        for priority in (3, 2, 1):
            for piece in pieces:
                if overflow <= 0:
                    break
                if piece[2] == priority and len(piece[0]) > 4:
                    cut = min(overflow, len(piece[0]) - 4)
                    piece[0] = piece[0][: len(piece[0]) - cut - 1] + "…"
                    overflow -= cut
        text = Text(no_wrap=True, overflow="ellipsis", end="")
        for piece_text, style, _ in pieces:
            text.append(piece_text, style)
        if text.cell_len > room:
            text.truncate(room, overflow="ellipsis")
        text.append(" " * (room - text.cell_len))
        text.append_text(badge)
        return text


def _age_text(age: float | None) -> str:
    return "" if age is None else f"{format_duration(age)} ago"
