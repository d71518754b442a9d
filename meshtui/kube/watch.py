"""List-then-watch threads, one per resource type, resilient to restarts, 410s and outages.

Each `ResourceWatcher` lists its type (`ObjectsListed`), then watches from the list's
resourceVersion with bookmarks, emitting `ObjectChanged`. A stream that ends is resumed from the
last resourceVersion seen (events or bookmarks), so nothing is delivered twice. A 410 means that
version left the server's history: re-list. A stream silent for `STALL_SECONDS` (no event, no
bookmark) is dropped and the type re-listed. A connection failure is reported once
(`ConnectionChanged(False)`), retried with capped, jittered exponential backoff, and followed by a
re-list and `ConnectionChanged(True)` once the server answers again. There is no periodic re-list.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from urllib3.exceptions import ReadTimeoutError

from meshtui.kube.errors import KubeError, translate
from meshtui.kube.events import ConnectionChanged, ObjectChanged, ObjectsListed, WatchEvent
from meshtui.kube.resources import ServedResource
from meshtui.kube.slim import slimmed
from meshtui.kube.transport import (
    CONNECT_TIMEOUT,
    decode_object,
    iter_lines,
    open_response,
    with_type,
)

if TYPE_CHECKING:
    from meshtui.model.split import Split

log = logging.getLogger(__name__)

Sink = Callable[[WatchEvent], None]
Lister = Callable[[ServedResource, "str | None"], "tuple[list[dict[str, Any]], str]"]

WATCH_TIMEOUT_SECONDS = 290
"""Asked of the server per stream; the read timeout is a little longer, so a silent hang ends."""

STALL_SECONDS = 150.0
"""A stream silent this long (no event, no bookmark) is stalled: it is dropped and the type
re-listed. Kubernetes sends a bookmark about once a minute to watches that allow them."""

RECONNECT_CAP = 4.0
"""Largest wait between reconnection attempts, seconds: below 5 s, so recovery after an outage
never takes longer than that once the server answers again."""


class _Expired(Exception):
    """The resourceVersion we watch from is gone from the server's history (410)."""


class _Stalled(Exception):
    """The stream went silent for `STALL_SECONDS`: events may be held somewhere, so re-list."""


class Backoff:
    """Capped exponential backoff with full jitter.

    Args:
        first: The first delay's upper bound, seconds.
        cap: The largest delay, seconds.
    """

    def __init__(self, first: float = 0.2, cap: float = 5.0) -> None:
        self.first = first
        self.cap = cap
        self._attempt = 0

    def next(self) -> float:
        """Return the next delay and advance."""
        ceiling = min(self.cap, self.first * (2 ** self._attempt))
        self._attempt += 1
        return random.uniform(self.first / 2, max(self.first, ceiling))

    def reset(self) -> None:
        """Start again from the first delay."""
        self._attempt = 0


class ResourceWatcher:
    """A daemon thread that lists and watches one resource type and feeds a sink.

    Args:
        api_client: The cluster's client.
        served: The resource and version to watch.
        namespace: A namespace, or None for all namespaces.
        sink: Called (from this thread) with every event.
        lister: Lists the resource: ``(served, namespace) -> (objects, resourceVersion)``.
        server: The API server URL, for messages.
    """

    def __init__(self, api_client: Any, served: ServedResource, namespace: str | None, sink: Sink,
                 lister: Lister, server: str | None = None) -> None:
        self.api_client = api_client
        self.served = served
        self.namespace = namespace if served.type.namespaced else None
        self.sink = sink
        self.lister = lister
        self.server = server
        self.backoff = Backoff(0.2, RECONNECT_CAP)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._response: Any = None
        self._thread = threading.Thread(target=self._run, daemon=True,
                                        name=f"meshtui-watch-{served.key}")

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def stop(self) -> None:
        """Ask the thread to end, waking it if it is blocked reading a stream."""
        self._stop.set()
        with self._lock:
            response = self._response
        if response is not None:
            _wake(response)

    def join(self, timeout: float) -> bool:
        """Wait up to `timeout` seconds for the thread; return whether it ended."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def alive(self) -> bool:
        """Whether the thread is still running."""
        return self._thread.is_alive()

    def _emit(self, event: WatchEvent) -> None:
        if self._stop.is_set():
            return
        try:
            self.sink(event)
        except Exception:  # a faulty sink must not kill the watch
            log.exception("watch sink failed on %s", type(event).__name__)

    def _run(self) -> None:
        key = self.served.key
        rv: str | None = None
        need_list = True
        disconnected = False
        while not self._stop.is_set():
            try:
                if need_list:
                    objects, rv = self.lister(self.served, self.namespace)
                    # The server answers again: the next outage starts from short waits, even
                    # when the streams in between were too short to reset the backoff.
                    self.backoff.reset()
                    if disconnected:
                        disconnected = False
                        self._emit(ConnectionChanged(key, True, None))
                    self._emit(ObjectsListed(key, tuple(objects), rv, _parsed(key, objects)))
                    need_list = False
                started = time.monotonic()
                rv = self._watch_once(rv)
                if time.monotonic() - started < 1.0:
                    # A stream that ends at once, again and again, must not spin the CPU.
                    self._stop.wait(self.backoff.next())
                else:
                    self.backoff.reset()
            except _Expired:
                log.debug("watch of %s expired at %s: re-listing", key, rv)
                need_list = True
            except _Stalled:
                log.debug("watch of %s silent for %ss: re-listing", key, STALL_SECONDS)
                need_list = True
            except Exception as exc:  # noqa: BLE001 - translated below; a watch thread must not die
                if self._stop.is_set():
                    break
                error = translate(exc, verb="watch", resource=key, server=self.server)
                log.debug("watch of %s failed: %s", key, error.message)
                if not disconnected:
                    disconnected = True
                    self._emit(ConnectionChanged(key, False, error.message))
                need_list = True
                self._stop.wait(self.backoff.next())
        log.debug("watch of %s stopped", key)

    def _watch_once(self, rv: str | None) -> str | None:
        """Follow one watch stream to its end; return the last resourceVersion seen."""
        query = {"watch": "true", "allowWatchBookmarks": "true",
                 "timeoutSeconds": str(WATCH_TIMEOUT_SECONDS)}
        if rv:
            query["resourceVersion"] = rv
        try:
            raw = open_response(self.api_client, "GET", self.served.path(self.namespace), query,
                                timeout=(CONNECT_TIMEOUT,
                                         min(WATCH_TIMEOUT_SECONDS + 30, STALL_SECONDS)))
        except Exception as exc:
            if getattr(exc, "status", None) == 410:
                raise _Expired() from None
            raise
        with self._lock:
            self._response = raw
        finished = False
        try:
            if self._stop.is_set():
                return rv
            try:
                for line in iter_lines(raw):
                    if self._stop.is_set():
                        return rv
                    rv = self._handle(line, rv)
            except ReadTimeoutError:
                raise _Stalled() from None
            finished = True
        finally:
            with self._lock:
                self._response = None
            if not finished:
                # A half-read stream must not go back to the pool as a reusable connection.
                raw.close()
            raw.release_conn()
        return rv

    def _handle(self, line: str, rv: str | None) -> str | None:
        """Process one event line; return the resourceVersion to resume from."""
        try:
            event = decode_object(line)
        except (ValueError, RecursionError):
            raise KubeError(f"malformed watch event for {self.served.key}") from None
        kind = event.get("type")
        obj = event.get("object") or {}
        if not isinstance(obj, dict):
            raise KubeError(f"malformed watch event for {self.served.key}")
        new_rv = ((obj.get("metadata") or {}).get("resourceVersion")) or rv
        if kind == "BOOKMARK":
            return new_rv
        if kind == "ERROR":
            if obj.get("code") == 410:
                raise _Expired()
            raise KubeError(obj.get("message") or f"watch error for {self.served.key}")
        if kind in ("ADDED", "MODIFIED", "DELETED"):
            with_type(obj, self.served.type.kind, self.served.api_version)
            obj = slimmed(self.served.key, obj)
            parsed = None if kind == "DELETED" else next(iter(_parsed(self.served.key, [obj]).values()), None)
            self._emit(ObjectChanged(self.served.key, kind, obj, parsed))
            return new_rv
        return rv


def _parsed(key: str, objects: list[dict[str, Any]]) -> dict[tuple[str, str], Split]:
    """The splits among `objects`, parsed here so that the UI thread only swaps them in."""
    # Imported when first needed: `meshtui get` lists without watching, and without this import.
    from meshtui.model.mesh import parse_objects

    return parse_objects(key, objects)


def _wake(response: Any) -> None:
    """Unblock a thread reading `response` by shutting its socket's read side."""
    try:
        response.shutdown()
    except Exception:  # noqa: BLE001 - already released or closed: nothing is blocked on it
        pass


class WatchSet:
    """The watchers of one `MeshClient.watch` call.

    Args:
        watchers: The started watchers.
    """

    def __init__(self, watchers: list[ResourceWatcher]) -> None:
        self.watchers = watchers

    @property
    def resources(self) -> list[str]:
        """The resource keys being watched."""
        return [w.served.key for w in self.watchers]

    def stop(self, timeout: float = 3.0) -> bool:
        """Stop every watcher and wait for them, at most `timeout` seconds in all.

        Returns:
            True when every thread ended in time (stragglers are daemons and die with the process).
        """
        for watcher in self.watchers:
            watcher.stop()
        deadline = time.monotonic() + timeout
        ended = True
        for watcher in self.watchers:
            ended = watcher.join(max(0.0, deadline - time.monotonic())) and ended
        return ended

    def __enter__(self) -> WatchSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
