"""The confirmation dialog in front of every write: what will change, warnings, choices.

`y` confirms, `n` or `escape` cancels. When the split's name must be typed (big changes,
production contexts) `y` does nothing: the name is typed in the input and confirmed with enter.
When a reason is asked (creating or ending a shift), it is typed and confirmed with enter too.
Keys typed before the dialog was drawn are dropped (`GuardedModal`), and nothing confirms until
`ARM_DELAY` after that: a key already on its way when the dialog appeared never writes.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import var
from textual.widgets import Button, Checkbox, Input, Static

from meshtui.ui.control.confirmation import Confirmation
from meshtui.ui.literal import MESSAGE_LIMIT, literal
from meshtui.ui.screens.guarded import GuardedModal

ARM_DELAY = 0.25
"""Seconds between drawing a confirmation and accepting its `y`, button or typed name: longer
than a burst of type-ahead takes to arrive, shorter than anyone reads the dialog."""

TOO_EARLY = "{key} in a moment: the dialog has just opened; nothing was written"
"""Said when the dialog is confirmed before it is armed (`key` is y, or enter for a typed name)."""


class ConfirmDialog(GuardedModal[bool]):
    """Asks before a write; dismisses with True to go ahead."""

    CSS_PATH = "confirm.tcss"
    BINDING_GROUP_TITLE = "Confirm"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Confirm", id="confirm.yes", tooltip="Make the write."),
        Binding("n,escape", "cancel", "Cancel", id="confirm.no", tooltip="Write nothing."),
        Binding("c", "toggle_option('c')", "Toggle option", show=False, id="confirm.option-c"),
        Binding("f", "toggle_option('f')", "Toggle option", show=False, id="confirm.option-f"),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | y | Confirm (unless the name must be typed), from `ARM_DELAY` after the dialog shows. |
    | n, escape | Cancel. |
    | c, f | Toggle the offered choice (pause the controller first; full promotion). |
    """

    arm_delay: ClassVar[float] = ARM_DELAY
    """Seconds from first drawn to armed (tests inject their own)."""

    armed: var[bool] = var(False, init=False)
    """Whether confirming is accepted yet."""

    typed_input = getters.query_one("#typed", Input)
    reason_input = getters.query_one("#reason", Input)
    error = getters.query_one("#confirm-error", Static)
    yes_button = getters.query_one("#confirm-yes", Button)

    def __init__(self, confirmation: Confirmation) -> None:
        """Create the dialog.

        Args:
            confirmation: What to show and ask.
        """
        super().__init__()
        self.confirmation = confirmation
        """What the dialog shows."""
        self.chosen: set[str] = set()
        """Ids of the options ticked when the dialog closed."""
        self.reason = ""
        """The reason typed when the dialog confirmed (when one was asked)."""
        self._told_too_early = False

    def compose(self) -> ComposeResult:
        """Title, lines, warnings, options, typed input and buttons."""
        c = self.confirmation
        with Vertical(id="confirm-dialog"):
            # Titles, lines and warnings name splits and backends: data, drawn literally.
            yield Static(literal(c.title, "bold", limit=MESSAGE_LIMIT), id="confirm-title")
            lines = Static(Text("\n").join(literal(line, limit=MESSAGE_LIMIT) for line in c.lines),
                           id="confirm-lines")
            # A whole object to create can be long: it scrolls, the reason and buttons stay.
            lines.set_class(c.reason is not None, "-object")
            yield lines
            if c.warnings:
                yield Static(Text("\n").join(Text.assemble("⚠ ", literal(w, limit=MESSAGE_LIMIT))
                                             for w in c.warnings), id="confirm-warnings")
            for option in c.options:
                yield Checkbox(Text.assemble(literal(option.label, limit=MESSAGE_LIMIT),
                                             f" ({option.key})"), id=f"option-{option.id}")
            if c.typed is not None:
                yield Static(Text.assemble("Type ", literal(c.typed, "bold", limit=MESSAGE_LIMIT),
                                           f" and press enter to {c.confirm_label}."),
                             id="confirm-typed-hint")
                yield Input(placeholder="the split's name", id="typed")
            elif c.reason is not None:
                yield Static(Text.assemble(literal(c.reason, limit=MESSAGE_LIMIT),
                                           f" Press enter to {c.confirm_label}."),
                             id="confirm-typed-hint")
                yield Input(placeholder="reason", id="reason")
            yield Static("", id="confirm-error")
            with Horizontal(id="confirm-buttons"):
                inputs = c.typed is not None or c.reason is not None
                label = f"{c.confirm_label.capitalize()}" + ("" if inputs else " (y)")
                yield Button(label, variant="warning", id="confirm-yes", classes="-unarmed")
                # The input takes `n` as a letter: only escape cancels there.
                yield Button("Cancel (esc)" if inputs else "Cancel (n)", id="confirm-no")

    def on_mount(self) -> None:
        """Focus the input when a name or a reason must be typed."""
        if self.confirmation.typed is not None:
            self.typed_input.focus()
        elif self.confirmation.reason is not None:
            self.reason_input.focus()

    def first_drawn(self) -> None:
        """Arm `ARM_DELAY` after the dialog is first on screen."""
        if self.arm_delay > 0:
            self.set_timer(self.arm_delay, self.arm)
        else:
            self.arm()

    def arm(self) -> None:
        """Accept confirmations from now on."""
        self.armed = True

    def watch_armed(self, armed: bool) -> None:
        """The confirm button stops looking disabled; a too-early hint is no longer true."""
        self.yes_button.set_class(not armed, "-unarmed")
        if armed and self._told_too_early:
            self._told_too_early = False
            self.error.update("")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`y` only works when nothing must be typed; option keys only for offered options."""
        if action == "confirm":
            return self.confirmation.typed is None and self.confirmation.reason is None
        if action == "toggle_option":
            return self._option_for_key(str(parameters[0]) if parameters else "") is not None
        return True

    def _option_for_key(self, key: str) -> str | None:
        """The option toggled by `key` (None when none is offered)."""
        for option in self.confirmation.options:
            if option.key == key:
                return option.id
        return None

    def action_confirm(self) -> None:
        """Go ahead (once armed)."""
        self._confirm()

    def action_cancel(self) -> None:
        """Write nothing."""
        self._close(False)

    def action_toggle_option(self, key: str) -> None:
        """Tick or untick the option bound to `key`."""
        option = self._option_for_key(key)
        if option is not None:
            self.toggle(option)

    def toggle(self, option_id: str) -> None:
        """Tick or untick an option by id (tests and the palette)."""
        box = self.query_one(f"#option-{option_id}", Checkbox)
        box.value = not box.value

    @on(Input.Submitted, "#typed")
    def check_typed(self, message: Input.Submitted) -> None:
        """Confirm only when exactly the split's name was typed."""
        if not self.armed:
            self._too_early()
        elif message.value.strip() == self.confirmation.typed:
            self._close(True)
        else:
            self.error.update(Text.assemble("Type ", literal(repr(self.confirmation.typed),
                                                             limit=MESSAGE_LIMIT),
                                            " exactly to confirm; nothing was written."))
            self.typed_input.value = ""

    @on(Input.Submitted, "#reason")
    def check_reason(self, message: Input.Submitted) -> None:
        """Confirm with the reason typed; an empty one is asked for again."""
        if not self.armed:
            self._too_early()
        elif not message.value.strip():
            self.error.update("Type a reason to confirm; nothing was written.")
        else:
            self.reason = " ".join(message.value.split())
            self._close(True)

    @on(Button.Pressed, "#confirm-yes")
    def confirm_clicked(self) -> None:
        """The confirm button acts like `y`, or like enter in the typed input."""
        if self.confirmation.typed is not None:
            self.typed_input.action_submit()  # type: ignore[unused-coroutine]
        elif self.confirmation.reason is not None:
            self.reason_input.action_submit()  # type: ignore[unused-coroutine]
        else:
            self._confirm()

    @on(Button.Pressed, "#confirm-no")
    def cancel_clicked(self) -> None:
        """The cancel button."""
        self._close(False)

    def _confirm(self) -> None:
        if self.armed:
            self._close(True)
        else:
            self._too_early()

    def _too_early(self) -> None:
        self._told_too_early = True
        inputs = self.confirmation.typed is not None or self.confirmation.reason is not None
        self.error.update(TOO_EARLY.format(key="enter" if inputs else "y"))

    def _close(self, result: bool) -> None:
        self.chosen = {option.id for option in self.confirmation.options
                       if self.query_one(f"#option-{option.id}", Checkbox).value}
        self.dismiss(result)
