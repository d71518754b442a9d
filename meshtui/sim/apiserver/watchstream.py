"""Watch streams: chunked, one JSON event per line, with bookmarks, timeouts and 410 in-stream."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import ResourceType
from meshtui.sim.apiserver.selectors import combine, field_selector, label_selector
from meshtui.sim.apiserver.table import table

if TYPE_CHECKING:
    from meshtui.sim.apiserver.core import StoreCore
    from meshtui.sim.apiserver.history import Watcher

# How often a quiet stream re-checks for shutdown; not a delay anyone waits on.
_POLL = 0.25


def parse_rv(value: str | None) -> int | None:
    """Parse a `resourceVersion` query value ("" or absent means none)."""
    if value in (None, ""):
        return None
    try:
        return int(value)
    except ValueError as exc:
        raise ApiError(400, f"invalid resource version: {value!r}", "BadRequest") from exc


def _line(event_type: str, obj: Mapping[str, Any]) -> bytes:
    return json.dumps({"type": event_type, "object": obj}, separators=(",", ":")).encode() + b"\n"


class WatchStream:
    """Serves one watch request over an already-started chunked response.

    Args:
        store: The store to watch.
        rtype: The watched type; `version` the version objects are served at.
        namespace: Namespace filter (None for all).
        query: The request's query parameters.
        write: Writes one chunk (raises OSError when the client went away).
        as_table: Send each object as a one-row Table.
        bookmark_interval: Seconds between bookmarks when the client allows them.
        stopping: Returns True when the server is shutting down.
    """

    def __init__(self, store: StoreCore, rtype: ResourceType, version: str, namespace: str | None,
                 query: Mapping[str, str], write: Callable[[bytes], None], *, as_table: bool,
                 bookmark_interval: float, stopping: Callable[[], bool]) -> None:
        self.store = store
        self.rtype = rtype
        self.api_version = rtype.api_version(version)
        self.namespace = namespace
        self.write = write
        self.as_table = as_table
        self.bookmarks = query.get("allowWatchBookmarks") in ("true", "1")
        self.bookmark_interval = bookmark_interval
        self.stopping = stopping
        timeout = query.get("timeoutSeconds")
        self.timeout = float(timeout) if timeout not in (None, "", "0") else None
        self.predicate = combine(label_selector(query.get("labelSelector")),
                                 field_selector(query.get("fieldSelector")))
        self.resource_version = parse_rv(query.get("resourceVersion"))

    def open(self) -> tuple[Watcher | None, list[tuple[str, dict[str, Any]]], ApiError | None]:
        """Register the watch before the response starts (410 comes back as the error)."""
        try:
            watcher, initial = self.store.open_watch(self.rtype, self.namespace, self.predicate,
                                                     self.resource_version)
        except ApiError as exc:
            if exc.code == 410:
                return None, [], exc
            raise
        return watcher, initial, None

    def _send(self, event_type: str, obj: dict[str, Any]) -> None:
        body: dict[str, Any] = {**obj, "apiVersion": self.api_version}
        if self.as_table:
            body = table(self.rtype, [body], body["metadata"].get("resourceVersion", ""),
                         self.store.clock())
        self.write(_line(event_type, body))

    def _bookmark(self, watcher: Watcher) -> None:
        rv = str(self.store.bookmark_rv(watcher))
        self.write(_line("BOOKMARK", {"kind": self.rtype.kind, "apiVersion": self.api_version,
                                      "metadata": {"resourceVersion": rv}}))

    def run(self, watcher: Watcher | None, initial: list[tuple[str, dict[str, Any]]],
            error: ApiError | None) -> None:
        """Send events until timeout, shutdown or a client disconnect (OSError propagates)."""
        if error is not None:
            self.write(_line("ERROR", error.to_status()))
            return
        assert watcher is not None
        for event_type, obj in initial:
            self._send(event_type, obj)
        now = time.monotonic()
        deadline = now + self.timeout if self.timeout else None
        next_bookmark = now + self.bookmark_interval
        while not self.stopping():
            now = time.monotonic()
            if deadline is not None and now >= deadline:
                return
            wait = _POLL
            if deadline is not None:
                wait = min(wait, deadline - now)
            if self.bookmarks:
                wait = min(wait, max(next_bookmark - now, 0.0))
            try:
                item = watcher.get(wait)
            except EOFError:
                return
            if item is not None:
                self._send(*item)
                continue
            if self.bookmarks and time.monotonic() >= next_bookmark:
                self._bookmark(watcher)
                next_bookmark = time.monotonic() + self.bookmark_interval
