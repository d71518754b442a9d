"""The store's typed core: objects per resource type, resourceVersion, history, CRD registry."""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from meshtui.sim.apiserver import errors
from meshtui.sim.apiserver.crds import builtin_types
from meshtui.sim.apiserver.history import Dispatcher, Event, Listener, Watcher
from meshtui.sim.apiserver.registry import Registry, ResourceType
from meshtui.sim.apiserver.selectors import Predicate

CRD_KEY = ("apiextensions.k8s.io", "customresourcedefinitions")
NS_KEY = ("", "namespaces")


def clone(obj: Any, api_version: str | None = None) -> Any:
    """A deep copy (JSON round trip: faster than `copy.deepcopy`), optionally re-versioned."""
    out = json.loads(json.dumps(obj))
    if api_version is not None:
        out["apiVersion"] = api_version
    return out


class Stored:
    """An immutable stored object with its JSON encoding cached per served apiVersion."""

    __slots__ = ("obj", "_cache")

    def __init__(self, obj: dict[str, Any]) -> None:
        self.obj = obj
        self._cache: dict[str, bytes] = {}

    def encoded(self, api_version: str) -> bytes:
        """The object as compact JSON bytes, at `api_version`."""
        data = self._cache.get(api_version)
        if data is None:
            obj = self.obj if self.obj["apiVersion"] == api_version else {
                **self.obj, "apiVersion": api_version}
            data = json.dumps(obj, separators=(",", ":")).encode()
            self._cache[api_version] = data
        return data


class StoreCore:
    """All objects of the simulated cluster behind one lock, addressed by resource type: reads,
    the commit log and watches (writes live in `WritableStore`).

    Listeners and watch fan-out run after the lock is released, in commit order.

    Args:
        history: How many events to retain for watches that resume from a resourceVersion.
        clock: Source of wall-clock time for timestamps.
    """

    def __init__(self, history: int = 1000, *, clock: Callable[[], float] = time.time) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self._registry = Registry()
        self._objects: dict[tuple[str, str], dict[tuple[str, str], Stored]] = {}
        self._rv = 0
        self._history: deque[Event] = deque(maxlen=max(history, 0))
        self._compacted_rv = 0
        self._dispatcher = Dispatcher()
        for rtype in builtin_types():
            self._registry.add(rtype)

    @property
    def resource_version(self) -> int:
        """The current global resourceVersion."""
        with self.lock:
            return self._rv

    def add_listener(self, fn: Listener) -> None:
        """Call `fn(event_type, obj)` after every committed write, outside the lock."""
        self._dispatcher.add_listener(fn)

    def remove_listener(self, fn: Listener) -> None:
        """Forget a listener."""
        self._dispatcher.remove_listener(fn)

    def compact(self) -> None:
        """Forget the event history, so watches from any older resourceVersion get 410."""
        with self.lock:
            self._history.clear()
            self._compacted_rv = self._rv

    def served_types(self) -> list[ResourceType]:
        """A snapshot of every served resource type."""
        with self.lock:
            return self._registry.all()

    def type_for(self, group: str, version: str, plural: str) -> ResourceType:
        """Resolve a URL's group/version/plural (404 when not served)."""
        with self.lock:
            return self._registry.by_plural(group, version, plural)

    def type_of(self, api_version: str, kind: str) -> ResourceType:
        """Resolve an apiVersion and kind (404 when not served)."""
        with self.lock:
            return self._registry.by_kind(api_version, kind)

    def _bucket(self, rtype: ResourceType) -> dict[tuple[str, str], Stored]:
        return self._objects.setdefault(rtype.key, {})

    def _entry(self, rtype: ResourceType, namespace: str | None, name: str) -> Stored:
        entry = self._bucket(rtype).get((namespace or "", name))
        if entry is None:
            raise errors.not_found(rtype.plural, rtype.group, name)
        return entry

    def _commit(self, rtype: ResourceType, obj: dict[str, Any], event_type: str,
                old: dict[str, Any] | None = None) -> dict[str, Any]:
        """Store a change and record its event; the caller holds the lock."""
        self._rv += 1
        obj["metadata"]["resourceVersion"] = str(self._rv)
        meta = obj["metadata"]
        key = (meta.get("namespace") or "", meta["name"])
        if event_type == "DELETED":
            self._bucket(rtype).pop(key, None)
        else:
            stored = Stored(obj)
            # Encode now, so the first list after a burst of writes is as fast as later ones.
            stored.encoded(obj["apiVersion"])
            self._bucket(rtype)[key] = stored
        event = Event(self._rv, event_type, rtype.key, obj, old)
        if self._history.maxlen == 0:
            self._compacted_rv = self._rv
        elif len(self._history) == self._history.maxlen:
            self._compacted_rv = self._history[0].rv
        self._history.append(event)
        self._dispatcher.enqueue(event)
        return obj

    def _deliver(self) -> None:
        self._dispatcher.drain()

    def get_in(self, rtype: ResourceType, namespace: str | None, name: str) -> Stored:
        """The stored entry (never mutate its object); 404 when absent."""
        with self.lock:
            return self._entry(rtype, namespace, name)

    def list_in(self, rtype: ResourceType, namespace: str | None,
                predicate: Predicate | None = None) -> tuple[int, list[Stored]]:
        """Current resourceVersion and matching entries in namespace/name order."""
        with self.lock:
            bucket = self._bucket(rtype)
            keys = sorted(k for k in bucket if namespace is None or k[0] == namespace)
            entries = [bucket[k] for k in keys]
            rv = self._rv
        if predicate is not None:
            entries = [e for e in entries if predicate(e.obj)]
        return rv, entries

    def open_watch(self, rtype: ResourceType, namespace: str | None, predicate: Predicate,
                   resource_version: int | None
                   ) -> tuple[Watcher, list[tuple[str, dict[str, Any]]]]:
        """Register a watch; return it and the events it must send first.

        Raises:
            ApiError: 410 Expired when `resource_version` is older than the retained history.
        """
        with self.lock:
            watcher = Watcher(rtype.key, namespace, predicate, self._rv)
            if not resource_version:
                _, entries = self.list_in(rtype, namespace, predicate)
                initial = [("ADDED", e.obj) for e in entries]
            else:
                if resource_version < self._compacted_rv:
                    raise errors.expired(resource_version, self._rv)
                initial = []
                for event in self._history:
                    if event.rv > resource_version:
                        seen = watcher.translate(event)
                        if seen is not None:
                            initial.append(seen)
            self._dispatcher.register(watcher)
            return watcher, initial

    def close_watch(self, watcher: Watcher) -> None:
        """Unregister a watch and wake its reader."""
        self._dispatcher.unregister(watcher)
        watcher.close()

    def bookmark_rv(self, watcher: Watcher) -> int:
        """A resourceVersion a watch has seen everything up to, once its queue is drained."""
        return max(self._dispatcher.delivered_rv, watcher.start_rv)

    def watchers(self) -> list[Watcher]:
        """The open watches."""
        return self._dispatcher.watchers()
