"""Who drives a split's weights, and where that controller is in its rollout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget
from meshtui.model.owners import registry
from meshtui.ui.literal import MESSAGE_LIMIT, literal
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from meshtui.model.owners import DisplayField, Owner

PHASE_HEALTH = {
    "succeeded": "ok", "healthy": "ok", "initialized": "ok", "completed": "ok",
    "progressing": "active", "promoting": "active", "finalising": "active",
    "waiting": "warn", "waitingpromotion": "warn", "paused": "warn", "degraded": "bad",
    "failed": "bad", "aborted": "bad", "terminating": "warn",
}
"""How a controller phase is coloured (lower-cased phase → style name)."""
NAME_LIMIT = 120
"""Cells the owner's controller and name may take."""


class OwnerPanel(Widget):
    """The owner of the selected split (a registered controller, other, or none) and its state."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "owner-panel--controller",
        "owner-panel--label",
        "owner-panel--ok",
        "owner-panel--active",
        "owner-panel--warn",
        "owner-panel--bad",
        "owner-panel--muted",
    }
    """
    | Class | Description |
    | :- | :- |
    | `owner-panel--controller` | The controller and owner name. |
    | `owner-panel--label` | Field labels. |
    | `owner-panel--ok/active/warn/bad` | Phase colours: done, progressing, waiting, failed. |
    | `owner-panel--muted` | Secondary text and the "no controller" line. |
    """

    DEFAULT_CSS = """
    OwnerPanel {
        height: auto;
        padding: 0 1;
        & > .owner-panel--controller { color: $foreground; text-style: bold; }
        & > .owner-panel--label { color: $foreground-muted; }
        & > .owner-panel--ok { color: $success; text-style: bold; }
        & > .owner-panel--active { color: $primary; text-style: bold; }
        & > .owner-panel--warn { color: $warning; text-style: bold; }
        & > .owner-panel--bad { color: $error; text-style: bold; }
        & > .owner-panel--muted { color: $foreground-muted; }
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        """Create an empty panel (as for a split with no owner).

        Args:
            name: Widget name.
            id: Widget id.
            classes: CSS classes.
            disabled: Whether the widget starts disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._owner: Owner | None = None
        self._state: Any = None
        self._gates: dict[str, str] = {}
        self._shown = False

    @property
    def owner(self) -> Owner | None:
        """The owner last shown."""
        return self._owner

    def show(self, owner: Owner | None, state: Any, gates: Mapping[str, str] | None = None) -> None:
        """Show an owner and its rollout state.

        Args:
            owner: The owner of the split, or None for a split edited by hand.
            state: The owner's state (`CanaryState`, `RolloutState`...), or None when not (yet) known.
            gates: Flagger gate states as last read (webhook type → "open", "closed"...).
        """
        gates = dict(gates or {})
        if self._shown and (owner, state, gates) == (self._owner, self._state, self._gates):
            return  # shown again on every metrics answer; a reflow costs the whole screen
        self._shown = True
        self._owner = owner
        self._state = state
        self._gates = gates
        self.set_class(owner is None, "-unowned")
        self.refresh(layout=True)

    def _style(self, name: str) -> Style:
        """A partial component style."""
        return component_fg(self, f"owner-panel--{name}")

    def _field(self, text: Text, label: str, value: str, style: str | Style = "") -> None:
        """Append ``label value`` with a separator when the line already has content."""
        if text.plain and not text.plain.endswith("\n"):
            text.append("  ·  ", self._style("muted"))
        if label:
            text.append(f"{label} ", self._style("label"))
        text.append_text(literal(value, style, limit=MESSAGE_LIMIT))

    def render(self) -> RenderResult:
        """Draw the owner line and, when the state is known, the state line."""
        owner, state = self._owner, self._state
        text = Text(end="")
        if owner is None:
            text.append("No controller", self._style("controller"))
            text.append("  weights are set by hand", self._style("muted"))
            return text
        kind = registry.by_controller(owner.controller)
        controller = kind.names.full if kind is not None else owner.controller
        text.append_text(literal(controller, self._style("controller"), limit=NAME_LIMIT))
        text.append("  ·  ", self._style("muted"))
        text.append_text(literal(f"{owner.kind}/{owner.name or '(name not known yet)'}",
                                 limit=NAME_LIMIT))
        if kind is None:
            text.append("  edits may be reverted by this owner", self._style("warn"))
        if state is None:
            text.append("\n")
            text.append("state not known yet", self._style("muted"))
            return text
        text.append("\n")
        phase = str(getattr(state, "phase", "") or "unknown")
        tones = {**PHASE_HEALTH, **(kind.phase_tones if kind is not None else {})}
        self._field(text, "phase", phase, self._style(tones.get(phase.lower(), "muted")))
        state_kind = registry.by_state(state)
        for field in state_kind.display_fields(state, self._gates) if state_kind is not None else ():
            self._show(text, field)
        return text

    def _show(self, text: Text, field: DisplayField) -> None:
        """Append one of the owner kind's fields."""
        style = self._style(field.tone) if field.tone else ""
        if field.alone:
            text.append("\n")
            text.append_text(literal(field.value, style, limit=MESSAGE_LIMIT))
            return
        if field.new_line:
            text.append("\n")
        self._field(text, field.label, field.value, style)
