"""A small modal that picks the namespace scope (or every namespace)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from meshtui.ui.literal import literal

ALL_NAMESPACES = "*"
"""What the picker returns for "every namespace" (not a valid namespace name)."""


class NamespacePicker(ModalScreen[str | None]):
    """Choose a namespace; dismisses with its name, `ALL_NAMESPACES`, or None when cancelled."""

    CSS_PATH = "namespace_picker.tcss"
    BINDING_GROUP_TITLE = "Namespace scope"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="namespace-picker.cancel",
                tooltip="Keep the current scope."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape | Keep the current scope. |
    """

    def __init__(self, namespaces: Sequence[str], *, current: str | None) -> None:
        """Create the picker.

        Args:
            namespaces: Namespaces to offer, in display order.
            current: The scope now in force (highlighted), None for all.
        """
        super().__init__()
        self.namespaces = list(namespaces)
        """Namespaces offered."""
        self.current = current
        """The scope in force when the picker opened."""

    def compose(self) -> ComposeResult:
        """A title and the list of choices."""
        with Vertical(id="picker"):
            yield Static("Namespace scope", id="picker-title")
            options = [Option("all namespaces", id=ALL_NAMESPACES)]
            options += [Option(literal(name, limit=80), id=name) for name in self.namespaces]
            yield OptionList(*options)

    def on_mount(self) -> None:
        """Highlight the scope in force."""
        option_list = self.query_one(OptionList)
        target = self.current or ALL_NAMESPACES
        option_list.highlighted = option_list.get_option_index(target) if (
            target == ALL_NAMESPACES or target in self.namespaces) else 0

    @on(OptionList.OptionSelected)
    def choose(self, message: OptionList.OptionSelected) -> None:
        """Answer with the chosen namespace."""
        self.dismiss(message.option.id)

    def action_cancel(self) -> None:
        """Answer None: the scope does not change."""
        self.dismiss(None)
