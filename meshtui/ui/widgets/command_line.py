"""The `:` command line at the bottom of the dashboard, with tab completion (k9s habits)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Input

from meshtui.ui.command_mode import MAX_COMMAND, Command, CommandError, complete, parse


class CommandLine(Input):
    """A one-line input for `:` commands; tab completes command words, namespaces and contexts.

    Hidden until shown (the `-visible` class); enter posts `CommandEntered` or `CommandRefused`,
    escape posts `CommandCancelled`.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: tab would otherwise move the focus.
        Binding("tab", "complete", "Complete", priority=True, id="command-line.complete",
                tooltip="Complete the command, namespace or context name."),
        Binding("escape", "cancel", "Cancel", id="command-line.cancel",
                tooltip="Leave command mode."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | tab | Complete the command word, namespace or context. |
    | enter | Run the command. |
    | escape | Leave command mode. |
    """

    DEFAULT_CSS = """
    CommandLine {
        display: none;
        height: 1;
        border: none;
        padding: 0 1;
        background: $panel;
        &.-visible { display: block; }
    }
    """

    class CommandEntered(Message):
        """Posted when a valid command is entered."""

        def __init__(self, command: Command) -> None:
            super().__init__()
            self.command = command

    class CommandRefused(Message):
        """Posted when the line entered is no command; `error` says why."""

        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    class CommandCancelled(Message):
        """Posted when command mode is left without a command."""

    def __init__(self, names: Callable[[], tuple[Sequence[str], Sequence[str]]], *,
                 id: str | None = None) -> None:
        """Create the line.

        Args:
            names: Returns the (namespaces, contexts) completion offers, asked at each tab.
            id: Widget id.
        """
        super().__init__(placeholder=":svc  :splits  :ns NAME  :ctx NAME  :q", max_length=MAX_COMMAND,
                         id=id, select_on_focus=False)
        self._names = names

    def action_complete(self) -> None:
        """Complete what was typed as far as it is unambiguous."""
        namespaces, contexts = self._names()
        completed = complete(self.value, namespaces, contexts)
        if completed != self.value:
            self.value = completed
            self.cursor_position = len(completed)

    def action_cancel(self) -> None:
        """Leave command mode."""
        self.value = ""
        self.post_message(self.CommandCancelled())

    async def action_submit(self) -> None:
        """Parse the line and post the command, or why it is none."""
        text, self.value = self.value, ""
        try:
            command = parse(text)
        except CommandError as error:
            self.post_message(self.CommandRefused(str(error)))
            return
        self.post_message(self.CommandEntered(command))
