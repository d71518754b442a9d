"""Picks the fallback backends of an incident shift and their percentages.

The Services of the apex's namespace are listed, its mirrors from other clusters first; space
picks one. Percentages are typed beside them (nothing typed shares 100 evenly); what they leave
stays on the apex. Enter reviews the whole object in a confirmation; nothing is written here.
Keys typed before the dialog was drawn are dropped (`GuardedModal`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, SelectionList, Static
from textual.widgets.selection_list import Selection

from meshtui.model.shift import Fallback, ShiftRefused, picked_percents, shift_percents
from meshtui.ui.literal import MESSAGE_LIMIT, literal
from meshtui.ui.screens.guarded import GuardedModal

NAME_LIMIT = 60
"""Characters of a Service name listed."""


class ShiftPicker(GuardedModal[dict[str, int] | None]):
    """Dismisses with ``{backend: percent}`` for the fallbacks picked, or None when cancelled."""

    CSS_PATH = "shift_picker.tcss"
    BINDING_GROUP_TITLE = "Shift traffic"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="shift.cancel", tooltip="Shift nothing."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | space | Pick or unpick the highlighted Service. |
    | tab | Between the list and the percentages. |
    | enter (in the percentages) | Review the split to be created. |
    | escape | Cancel; nothing is written. |
    """

    choices = getters.query_one("#fallbacks", SelectionList)
    percents_input = getters.query_one("#percents", Input)
    error = getters.query_one("#shift-error", Static)

    def __init__(self, namespace: str, service: str, fallbacks: Sequence[Fallback]) -> None:
        """Create the picker.

        Args:
            namespace: Namespace of the apex.
            service: The apex Service whose traffic moves.
            fallbacks: Services that can receive it, in display order.
        """
        super().__init__()
        self.namespace = namespace
        """Namespace of the apex."""
        self.service = service
        """The apex Service."""
        self.fallbacks = list(fallbacks)
        """What is offered."""

    def compose(self) -> ComposeResult:
        """Title, the Services, the percentages, errors and buttons."""
        with Vertical(id="shift-dialog"):
            yield Static(Text.assemble(("Shift traffic of ", "bold"),
                                       literal(f"{self.namespace}/{self.service}", "bold",
                                               limit=MESSAGE_LIMIT)),
                         id="shift-title")
            if not self.fallbacks:
                yield Static("No other Service in this namespace to shift to.", id="shift-none")
            yield SelectionList[str](*(self._selection(f) for f in self.fallbacks),
                                     id="fallbacks")
            yield Static(Text.assemble("Percentages, in the order picked (empty: evenly); the "
                                       "rest stays on ", literal(self.service, limit=NAME_LIMIT),
                                       "."), id="shift-hint")
            yield Input(placeholder="e.g. 100, or 60 40", id="percents")
            yield Static("", id="shift-error")
            with Horizontal(id="shift-buttons"):
                yield Button("Review (enter)", variant="warning", id="shift-review")
                yield Button("Cancel (esc)", id="shift-cancel")

    @staticmethod
    def _selection(fallback: Fallback) -> Selection[str]:
        label = literal(fallback.name, limit=NAME_LIMIT)
        if fallback.note:
            label = Text.assemble(label, "  ", literal(fallback.note, "dim", limit=NAME_LIMIT))
        return Selection(label, fallback.name)

    def on_mount(self) -> None:
        """Start in the list."""
        self.choices.focus()

    @property
    def picked(self) -> list[str]:
        """The Services picked, in the order they were picked."""
        return list(self.choices.selected)

    def pick(self, *names: str) -> None:
        """Pick Services by name (the palette and tests; space does it from the list)."""
        for name in names:
            self.choices.select(name)

    @on(Input.Submitted, "#percents")
    def review(self) -> None:
        """Dismiss with the percentages, or say why they are refused and stay open."""
        try:
            percents = picked_percents(self.picked, self.percents_input.value)
            shift_percents(self.service, percents)
        except ShiftRefused as error:
            # What was typed is quoted back: shown literally, never parsed as markup.
            self.error.update(literal(str(error), limit=MESSAGE_LIMIT))
            return
        self.dismiss(percents)

    @on(Button.Pressed, "#shift-review")
    def review_clicked(self) -> None:
        """The review button acts like enter in the percentages."""
        self.review()

    @on(Button.Pressed, "#shift-cancel")
    def action_cancel(self) -> None:
        """Shift nothing."""
        self.dismiss(None)
