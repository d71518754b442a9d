"""What every action object (traffic, plans, shifts) needs of the screen it works for."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol, TypeVar

if TYPE_CHECKING:
    from textual.message import Message
    from textual.notifications import SeverityLevel
    from textual.screen import Screen
    from textual.worker import Worker

__all__ = ["AnswerT", "ScreenHost"]

AnswerT = TypeVar("AnswerT")


class ScreenHost(Protocol):
    """Dialogs, notifications, thread workers and messages: the screen's side of an action."""

    def ask(self, dialog: Screen[AnswerT], answered: Callable[[AnswerT | None], None]) -> None:
        """Show `dialog`; `answered` gets its result."""
        ...

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Show a notification."""
        ...

    def run_worker(self, work: Callable[[], None], name: str | None = "", group: str = "default",
                   description: str = "", exit_on_error: bool = True, start: bool = True,
                   exclusive: bool = False, thread: bool = False) -> Worker[None]:
        """Run `work` in a worker of the screen (cancelled when it goes)."""
        ...

    def post_message(self, message: Message) -> bool:
        """Post `message` to the screen (safe from any thread)."""
        ...
