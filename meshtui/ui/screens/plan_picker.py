"""Chooses a plan file for a split: a shipped plan, or any path typed; invalid plans are refused.

The picker only reads and validates: it dismisses with a `PlanChoice`, and writing starts after
the confirmation that follows. A plan with an error stays on screen with the error's file, line
and field, and nothing is written.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from meshtui.model.plan import PlanError
from meshtui.ui.control.plans import PlanChoice, load_plan_file, shipped_plans
from meshtui.ui.screens.guarded import GuardedModal
from meshtui.ui.literal import MESSAGE_LIMIT, literal


class PlanPicker(GuardedModal[PlanChoice | None]):
    """Dismisses with the chosen, validated plan, or None when cancelled."""

    DEFAULT_CSS = """
    PlanPicker {
        align: center middle;
        & > #plan-dialog {
            width: 84;
            max-width: 100%;
            height: auto;
            max-height: 90%;
            border: thick $primary;
            background: $surface;
            padding: 1 2;
        }
        & #plan-title { margin-bottom: 1; }
        & #plan-shipped { height: auto; max-height: 8; margin-bottom: 1; }
        & #plan-error { color: $error; height: auto; }
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="plan-picker.cancel", tooltip="Start nothing."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | escape | Cancel; nothing is written. |
    """

    path_input = getters.query_one("#plan-path", Input)
    error = getters.query_one("#plan-error", Static)

    def __init__(self, split_name: str) -> None:
        """Create the picker.

        Args:
            split_name: The split the plan would run on (shown in the title).
        """
        super().__init__()
        self.split_name = split_name
        """The split the plan is for."""

    def compose(self) -> ComposeResult:
        """Title, the shipped plans, a path input and a line for errors."""
        with Vertical(id="plan-dialog"):
            yield Static(Text.assemble(("Start a plan on ", "bold"),
                                       literal(self.split_name, "bold", limit=80),
                                       ": pick a shipped plan or type a path"), id="plan-title")
            yield OptionList(*[Option(literal(path.name), id=str(path)) for path in shipped_plans()],
                             id="plan-shipped")
            yield Input(placeholder="path/to/plan.yaml", id="plan-path")
            yield Static("", id="plan-error")

    def on_mount(self) -> None:
        """Start on the shipped plans."""
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#plan-shipped")
    def pick_shipped(self, message: OptionList.OptionSelected) -> None:
        """A shipped plan was chosen."""
        self.choose(str(message.option.id))

    @on(Input.Submitted, "#plan-path")
    def pick_path(self, message: Input.Submitted) -> None:
        """A path was typed."""
        if message.value.strip():
            self.choose(message.value.strip())

    def choose(self, path: str) -> None:
        """Validate `path`; dismiss with it, or show why it is refused and stay open."""
        try:
            choice = load_plan_file(path)
        except PlanError as error:
            self.error.update(Text.assemble(literal(error, limit=MESSAGE_LIMIT), "\nnothing written"))
            return
        self.dismiss(choice)

    def action_cancel(self) -> None:
        """Close without a plan."""
        self.dismiss(None)
