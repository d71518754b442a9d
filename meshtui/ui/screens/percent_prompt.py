"""Asks for an exact percentage for one backend; refuses anything but a whole number 0..100.

Keys typed before the prompt was drawn are dropped (`GuardedModal`): the user had not seen it.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from meshtui.model.weights import validate_percent
from meshtui.ui.screens.guarded import GuardedModal
from meshtui.ui.literal import MESSAGE_LIMIT, literal


class PercentPrompt(GuardedModal[int | None]):
    """Dismisses with the percentage typed, or None when cancelled."""

    CSS_PATH = "confirm.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="percent.cancel", tooltip="Change nothing."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape | Cancel; nothing changes. |
    """

    value_input = getters.query_one("#percent", Input)
    error = getters.query_one("#percent-error", Static)

    def __init__(self, backend: str, current: int, live: int | None = None) -> None:
        """Create the prompt.

        Args:
            backend: Name of the backend whose share is set.
            current: Its pending percentage now.
            live: Its percentage on the cluster, when known (None: the same as `current`).
        """
        super().__init__()
        self.backend = backend
        """The backend whose share is set."""
        self.current = current
        """Its pending percentage when the prompt opened."""
        self.live = current if live is None else live
        """Its percentage on the cluster when the prompt opened."""

    @property
    def shares(self) -> str:
        """``now 25%``, or ``now 25%, pending 0%`` while an unapplied change differs."""
        if self.live == self.current:
            return f"now {self.current}%"
        return f"now {self.live}%, pending {self.current}%"

    def compose(self) -> ComposeResult:
        """A title, the input and a line for errors."""
        with Vertical(id="confirm-dialog"):
            yield Static(Text.assemble(("Set ", "bold"), literal(self.backend, "bold", limit=80),
                                       f" ({self.shares}): whole percent, 0-100"),
                         id="confirm-title")
            yield Input(placeholder=str(self.current), id="percent")
            yield Static("", id="percent-error")

    def on_mount(self) -> None:
        """Type straight away."""
        self.value_input.focus()

    @on(Input.Submitted, "#percent")
    def submit(self, message: Input.Submitted) -> None:
        """Accept a valid percentage; say why anything else is refused and stay open."""
        try:
            value = validate_percent(message.value)
        except ValueError as error:
            # The message quotes what was typed: `[/]` must be shown, not parsed.
            self.error.update(Text.assemble(literal(error, limit=MESSAGE_LIMIT), "; nothing changed"))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        """Close without a value."""
        self.dismiss(None)
