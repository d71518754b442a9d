"""Who drives a split's weights, and where that controller is in its rollout."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.widget import Widget
from meshtui.model.ownership import CONTROLLER_NAMES
from meshtui.ui.literal import MESSAGE_LIMIT, literal
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from meshtui.model.ownership import Owner

PHASE_HEALTH = {
    "succeeded": "ok", "healthy": "ok", "initialized": "ok", "completed": "ok",
    "progressing": "active", "promoting": "active", "finalising": "active",
    "waiting": "warn", "waitingpromotion": "warn", "paused": "warn", "degraded": "bad",
    "failed": "bad", "aborted": "bad", "terminating": "warn",
}
"""How a controller phase is coloured (lower-cased phase → style name)."""
NAME_LIMIT = 120
"""Cells the owner's controller and name may take."""


def _items(value: Any) -> list[str]:
    """Names of gates, webhooks or pause conditions, whatever shape the model gives them."""
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    names = []
    for item in value:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            names.append(str(item.get("name") or item.get("reason") or item))
        else:
            names.append(str(getattr(item, "name", None) or getattr(item, "reason", None) or item))
    return names


class OwnerPanel(Widget):
    """The owner of the selected split (Flagger Canary, Argo Rollout, other, or none) and its state."""

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
            state: The owner's `CanaryState` or `RolloutState`, or None when not (yet) known.
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
        known = CONTROLLER_NAMES.get(owner.controller)
        controller = known.full if known is not None else owner.controller
        text.append_text(literal(controller, self._style("controller"), limit=NAME_LIMIT))
        text.append("  ·  ", self._style("muted"))
        text.append_text(literal(f"{owner.kind}/{owner.name or '(name not known yet)'}",
                                 limit=NAME_LIMIT))
        if known is None:
            text.append("  edits may be reverted by this owner", self._style("warn"))
        if state is None:
            text.append("\n")
            text.append("state not known yet", self._style("muted"))
            return text
        text.append("\n")
        phase = str(getattr(state, "phase", "") or "unknown")
        self._field(text, "phase", phase, self._style(PHASE_HEALTH.get(phase.lower(), "muted")))
        self._state_fields(text, state)
        return text

    def _state_fields(self, text: Text, state: Any) -> None:
        """The controller-specific fields: Flagger's weight and checks, Argo's step and pause."""
        step_index = getattr(state, "current_step_index", None)
        step_count = getattr(state, "step_count", None)
        if step_index is not None or step_count:
            shown = "—" if step_index is None else str(step_index)
            self._field(text, "step", f"{shown}/{step_count}" if step_count else shown)
        weight = getattr(state, "canary_weight", None)
        if weight is None:
            weight = getattr(state, "set_weight", None)
        if weight is not None:
            max_weight = getattr(state, "max_weight", None)
            self._field(text, "canary weight", f"{weight}%" + (f" of max {max_weight}%" if max_weight else ""))
        failed = getattr(state, "failed_checks", None)
        if failed is not None:
            self._field(text, "failed checks", str(failed), self._style("bad" if failed else "ok"))
        if getattr(state, "suspended", False):
            self._field(text, "", "suspended", self._style("warn"))
        if getattr(state, "aborted", False):
            self._field(text, "", "aborted", self._style("bad"))
        conditions = _items(getattr(state, "pause_conditions", ()))
        if getattr(state, "paused", False) or conditions:
            self._field(text, "paused", ", ".join(conditions) or "yes", self._style("warn"))
        gates = [
            f"{hook.name} ({hook.type}{': ' + self._gates[hook.type] if hook.type in self._gates else ''})"
            for hook in getattr(state, "webhooks", ()) or ()
            if str(getattr(hook, "type", "")).startswith("confirm-")
            or getattr(hook, "type", "") == "rollback"
        ]
        if gates:
            text.append("\n")
            self._field(text, "gates", ", ".join(gates))
        message = str(getattr(state, "message", "") or "")
        # Argo's message is often just the pause condition, already shown after "paused".
        if message and message != ", ".join(conditions):
            text.append("\n")
            text.append_text(literal(message, self._style("muted"), limit=MESSAGE_LIMIT))
