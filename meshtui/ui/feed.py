"""A thread-safe inbox for watch events, drained on the UI thread in batches.

Watch threads call `EventFeed.put` at any rate. The first event after a drain posts one
`MeshEventsReceived` to the target; later ones only queue, so a burst of a thousand changes
costs one message and one redraw.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any, Protocol

from meshtui.kube.events import ConnectionChanged, ObjectChanged, ObjectsListed
from meshtui.ui.messages import MeshEventsReceived


class _MessageTarget(Protocol):
    def post_message(self, message: Any) -> bool: ...


class EventFeed:
    """Collects events from any thread and notifies a message pump once per batch."""

    def __init__(self, target: _MessageTarget, *, limit: int = 100_000) -> None:
        """Create a feed.

        Args:
            target: Whatever should receive `MeshEventsReceived` (a screen or the app).
            limit: Bound on queued events; older ones are dropped past it, which only happens if
                the UI is stalled, and a later re-list repairs the state.
        """
        self._target = target
        self._events: deque[Any] = deque(maxlen=limit)
        self._lock = threading.Lock()
        self._notified = False
        self.closed = False
        """Once closed, events are dropped (the screen is gone)."""

    def put(self, event: Any) -> None:
        """Queue one event; safe from any thread. This is the `sink` given to `MeshClient.watch`."""
        if self.closed:
            return
        with self._lock:
            self._events.append(event)
            if self._notified:
                return
            self._notified = True
        self._target.post_message(MeshEventsReceived())

    def drain(self) -> list[Any]:
        """Take every queued event, oldest first; the next `put` notifies again."""
        with self._lock:
            events = list(self._events)
            self._events.clear()
            self._notified = False
        return events

    def close(self) -> None:
        """Stop accepting events."""
        self.closed = True


def apply_events(state: Any, connections: dict[str, tuple[bool, str | None]], events: list[Any]) -> None:
    """Apply drained watch events, in order, to a `MeshState` and the connection table.

    Args:
        state: The `MeshState` to update.
        connections: Resource key → (connected, error), updated in place; a full list counts as
            connected, since it can only have come from the server.
        events: `ObjectsListed`, `ObjectChanged` and `ConnectionChanged` events.
    """
    for event in events:
        if isinstance(event, ObjectsListed):
            state.replace(event.resource, list(event.objects), event.parsed)
            connections[event.resource] = (True, None)
        elif isinstance(event, ObjectChanged):
            if event.type == "DELETED":
                state.delete(event.resource, event.obj)
            else:
                state.upsert(event.resource, event.obj, event.parsed)
        elif isinstance(event, ConnectionChanged):
            connections[event.resource] = (event.connected, event.error)
