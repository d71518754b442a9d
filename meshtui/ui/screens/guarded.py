"""Dialogs that only take keys typed after they were drawn.

Over SSH keys arrive in bursts: the `y` of a fast `a y` can reach the app after `a` pushed the
confirmation but before anyone could have seen it. A guarded dialog notes when it was first
drawn, and `MeshtuiApp.on_event` drops every key event older than that while it is on top.
"""

from __future__ import annotations

from typing import TypeVar

from textual import events
from textual._time import get_time
from textual.screen import ModalScreen

ResultType = TypeVar("ResultType")


class GuardedModal(ModalScreen[ResultType]):
    """A modal screen that refuses keys which arrived before it was first drawn."""

    drawn_at: float | None = None
    """When the dialog was first drawn (Textual's clock, as `Message.time`), None before."""

    def _on_mount(self, event: events.Mount) -> None:
        self.call_after_refresh(self._note_drawn)

    def _note_drawn(self) -> None:
        if self.drawn_at is None:
            self.drawn_at = get_time()
            self.first_drawn()

    def first_drawn(self) -> None:
        """Called once, right after the first refresh that showed the dialog."""

    def refuses(self, event: events.Key) -> bool:
        """True for a key that arrived before the dialog was drawn: the user had not seen it."""
        return self.drawn_at is None or event.time < self.drawn_at
