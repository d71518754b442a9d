"""Watch events, per-watch queues and the ordered fan-out that feeds them."""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from meshtui.sim.apiserver.selectors import Predicate

_log = logging.getLogger(__name__)

Listener = Callable[[str, dict[str, Any]], None]


@dataclass(frozen=True)
class Event:
    """One committed change.

    Attributes:
        rv: The global resourceVersion this change produced.
        type: ``ADDED``, ``MODIFIED`` or ``DELETED``.
        key: The (group, plural) of the object's type.
        obj: The object after the change (before it, for ``DELETED``); never mutated.
        old: The object before a ``MODIFIED`` change, else None.
    """

    rv: int
    type: str
    key: tuple[str, str]
    obj: dict[str, Any]
    old: dict[str, Any] | None = None


_CLOSED = object()


class Watcher:
    """A single watch: filters events for its type, namespace and selectors into a queue."""

    def __init__(self, key: tuple[str, str], namespace: str | None, predicate: Predicate,
                 start_rv: int) -> None:
        self.key = key
        self.namespace = namespace
        self.predicate = predicate
        self.start_rv = start_rv
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.closed = False

    def _matches(self, obj: dict[str, Any] | None) -> bool:
        if obj is None:
            return False
        namespace = obj.get("metadata", {}).get("namespace")
        if self.namespace is not None and namespace != self.namespace:
            return False
        return self.predicate(obj)

    def translate(self, event: Event) -> tuple[str, dict[str, Any]] | None:
        """What this watch should see of `event` (objects leaving the selector become DELETED)."""
        if event.key != self.key:
            return None
        now = self._matches(event.obj)
        if event.type != "MODIFIED":
            return (event.type, event.obj) if now else None
        before = self._matches(event.old)
        if now and before:
            return ("MODIFIED", event.obj)
        if now:
            return ("ADDED", event.obj)
        if before:
            return ("DELETED", event.obj)
        return None

    def offer(self, event: Event) -> None:
        """Queue `event` if it is newer than the watch's start and passes its filters."""
        if self.closed or event.rv <= self.start_rv:
            return
        seen = self.translate(event)
        if seen is not None:
            self._queue.put(seen)

    def close(self) -> None:
        """Wake the reader and make it finish."""
        self.closed = True
        self._queue.put(_CLOSED)

    def get(self, timeout: float) -> tuple[str, dict[str, Any]] | None:
        """The next event, or None on timeout; raises EOFError once closed."""
        try:
            item = self._queue.get(timeout=max(timeout, 0.0))
        except queue.Empty:
            return None
        if item is _CLOSED:
            raise EOFError
        return item


class Dispatcher:
    """Delivers committed events to watchers and listeners in commit order, outside the store lock.

    Writers append under the store lock; `drain` runs afterwards under its own re-entrant lock, so
    events reach everyone in resourceVersion order even when writes race.
    """

    def __init__(self) -> None:
        self._pending: deque[Event] = deque()
        self._lock = threading.RLock()
        self._watchers: set[Watcher] = set()
        self._listeners: list[Listener] = []
        self.delivered_rv = 0
        """The newest resourceVersion already offered to every watcher."""

    def enqueue(self, event: Event) -> None:
        """Record an event for delivery (call with the store lock held)."""
        self._pending.append(event)

    def register(self, watcher: Watcher) -> None:
        """Start delivering to `watcher` (call with the store lock held)."""
        self._watchers.add(watcher)

    def unregister(self, watcher: Watcher) -> None:
        """Stop delivering to `watcher`."""
        self._watchers.discard(watcher)

    def add_listener(self, listener: Listener) -> None:
        """Call `listener(event_type, obj)` after every committed write."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Forget a listener added with `add_listener`."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def watchers(self) -> list[Watcher]:
        """A snapshot of the open watchers."""
        return list(self._watchers)

    def drain(self) -> None:
        """Deliver every pending event."""
        with self._lock:
            while self._pending:
                try:
                    event = self._pending.popleft()
                except IndexError:
                    return
                for watcher in list(self._watchers):
                    watcher.offer(event)
                self.delivered_rv = event.rv
                for listener in list(self._listeners):
                    # A copy each, so one listener cannot corrupt the store or another listener.
                    try:
                        listener(event.type, json.loads(json.dumps(event.obj)))
                    except Exception:  # noqa: BLE001 - a broken listener must not break writes
                        _log.exception("store listener %r failed", listener)
