"""A small modal that picks one of the splits a service takes part in."""

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

from meshtui.model.split import SplitRef
from meshtui.ui.literal import literal


class SplitPicker(ModalScreen[SplitRef | None]):
    """Choose a split; dismisses with its reference, or None when cancelled."""

    BINDING_GROUP_TITLE = "Open split"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="split-picker.cancel", tooltip="Open no split."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape | Open no split. |
    """

    DEFAULT_CSS = """
    SplitPicker {
        align: center middle;
        #split-picker { width: 64; height: auto; max-height: 80%; border: round $primary;
                        background: $surface; padding: 0 1; }
        #split-picker-title { text-style: bold; color: $primary; padding-bottom: 1; }
        OptionList { height: auto; max-height: 20; border: none; }
    }
    """

    def __init__(self, service: str, refs: Sequence[SplitRef], labels: Sequence[str]) -> None:
        """Create the picker.

        Args:
            service: The service's name, for the title.
            refs: The splits to offer.
            labels: What to show for each (``kind/name``).
        """
        super().__init__()
        self.service = service
        self.refs = list(refs)
        self.labels = list(labels)

    def compose(self) -> ComposeResult:
        """A title and the list of splits."""
        with Vertical(id="split-picker"):
            yield Static(literal(f"Splits of {self.service}", limit=60), id="split-picker-title")
            yield OptionList(*[Option(literal(label, limit=60), id=str(index))
                               for index, label in enumerate(self.labels)])

    @on(OptionList.OptionSelected)
    def choose(self, message: OptionList.OptionSelected) -> None:
        """Answer with the chosen split."""
        self.dismiss(self.refs[int(message.option.id or 0)])

    def action_cancel(self) -> None:
        """Answer None: nothing opens."""
        self.dismiss(None)
