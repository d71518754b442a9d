"""`MeshClient`: what the rest of meshtui asks of a cluster (discovery, lists, splits, watches)."""

from __future__ import annotations

import builtins
import threading
import time
from collections.abc import Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from meshtui.kube.discovery import discover
from meshtui.kube.errors import translate
from meshtui.kube.resources import RESOURCES, SPLIT_KEYS, ServedResource, resource_type
from meshtui.kube.slim import slimmed
from meshtui.kube.transport import request_json, with_type
from meshtui.kube.watch import ResourceWatcher, Sink, WatchSet
from meshtui.model.owners.registry import owner_resources

if TYPE_CHECKING:
    from meshtui.kube.config import Cluster
    from meshtui.model.owners import OwnerState
    from meshtui.model.meshed import MeshedService
    from meshtui.model.split import Split

Objects = list[dict[str, Any]]
"""Objects as the API server gave them (decoded JSON)."""

PAGE_SIZE = 500
MAX_PAGES = 1000

PREFETCH_MAX_AGE = 30.0
"""Seconds a prefetched list stays usable as a watch's first list; older ones are listed again
(the watch would otherwise replay everything that happened since, or meet a 410)."""


class MeshClient:
    """Reads meshtui's resources from one cluster.

    Args:
        cluster: The loaded kubeconfig context.
    """

    def __init__(self, cluster: Cluster) -> None:
        self.cluster = cluster
        self._served: dict[str, ServedResource] | None = None
        self._partial: dict[str, ServedResource | None] = {}
        """Keys found by a narrower discovery (`served_for`), None for unserved ones."""
        self._prefetched: dict[tuple[str, str | None], tuple[float, Future[tuple[Objects, str]]]] = {}
        """Lists started by `prefetch`, by (resource key, namespace), with their start time."""
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MeshClient({self.cluster!r})"

    def discover(self, refresh: bool = False) -> dict[str, ServedResource]:
        """Return the served resources by key, asking the server once (or again if `refresh`).

        Raises:
            KubeError: When discovery fails.
        """
        with self._lock:
            if self._served is None or refresh:
                self._served = discover(self.cluster.api_client, self.cluster.server)
                self._partial = {}
            return dict(self._served)

    def served_for(self, keys: Iterable[str]) -> dict[str, ServedResource]:
        """Return how each of `keys` is served, discovering only what those keys need.

        A full `discover` already made answers at once; otherwise only the API groups of
        `keys` are asked about (``meshtui get splits`` needs three of the nine resources).

        Raises:
            KubeError: When discovery fails.
        """
        keys = list(keys)
        for key in keys:
            resource_type(key)
        with self._lock:
            if self._served is not None:
                return {k: self._served[k] for k in keys if k in self._served}
            missing = [k for k in keys if k not in self._partial]
            if missing:
                found = discover(self.cluster.api_client, self.cluster.server, missing)
                self._partial.update({k: found.get(k) for k in missing})
            return {k: v for k in keys if (v := self._partial[k]) is not None}

    def served(self, resource: str) -> ServedResource | None:
        """Return how `resource` is served, or None when the cluster does not serve it."""
        resource_type(resource)
        return self.discover().get(resource)

    def list(self, resource: str, namespace: str | None = None) -> tuple[Objects, str]:
        """List one resource type.

        Args:
            resource: A resource key (see `meshtui.kube.resources.RESOURCES`).
            namespace: A namespace, or None for all namespaces.

        Returns:
            ``(objects, resource_version)``; an unserved resource gives ``([], "")``.

        Raises:
            KubeError: On any failure.
        """
        served = self.served(resource)
        if served is None:
            return [], ""
        return self._list_served(served, namespace)

    def _list_served(self, served: ServedResource, namespace: str | None) -> tuple[Objects, str]:
        """List a served resource, following ``continue`` tokens (bounded)."""
        items: Objects = []
        rv = ""
        token = ""
        ns = namespace if served.type.namespaced else None
        try:
            for _ in range(MAX_PAGES):
                query = {"limit": str(PAGE_SIZE)}
                if token:
                    query["continue"] = token
                body = request_json(self.cluster.api_client, "GET", served.path(ns), query)
                meta = body.get("metadata") or {}
                rv = rv or str(meta.get("resourceVersion") or "")
                items.extend(slimmed(served.key, with_type(i, served.type.kind, served.api_version))
                             for i in body.get("items") or [] if isinstance(i, dict))
                token = meta.get("continue") or ""
                if not token:
                    break
        except Exception as exc:  # noqa: BLE001 - every client failure is translated into a KubeError
            raise translate(exc, verb="list", resource=served.key,
                            server=self.cluster.server) from None
        return items, rv

    def list_splits(self, namespace: str | None = None) -> builtins.list[Split]:
        """List every traffic split: TrafficSplits and HTTPRoutes of both groups, owners resolved.

        Owners are resolved as the dashboard resolves them (`meshtui.model.owners`): the owning
        objects of every served owner kind are listed in the same scope (across namespaces too
        when a split's mark names a controller but no owner was found: Argo's plugin edits routes
        in other namespaces), and a list that fails (forbidden, say) leaves its owners as the
        split objects alone tell them.

        Args:
            namespace: A namespace, or None for all namespaces.

        Returns:
            The parsed splits, by namespace, name and kind. Malformed objects are included with
            their problems; objects that are not splits at all are skipped.
        """
        from meshtui.kube.errors import KubeError
        from meshtui.model._owner_index import resolve_owners

        owner_keys = [resource.key for resource in owner_resources()]
        served = self.served_for([*SPLIT_KEYS, *owner_keys])
        kinds = [served[key] for key in SPLIT_KEYS if key in served]
        owners = [served[key] for key in owner_keys if key in served]
        splits: builtins.list[Split] = []
        owner_objects: dict[str, Sequence[dict[str, Any]]] = {}
        # The lists are independent: the server answers one while another thread parses another.
        with ThreadPoolExecutor(max(1, len(kinds) + len(owners)), thread_name_prefix="meshtui-list") as pool:
            futures = [pool.submit(self._list_splits_of, s, namespace) for s in kinds]
            owner_futures = {s.key: pool.submit(self._list_served, s, namespace) for s in owners}
            for future in futures:
                splits.extend(future.result())
            for key, owner_future in owner_futures.items():
                try:
                    owner_objects[key] = owner_future.result()[0]
                except KubeError:
                    continue
        resolved = resolve_owners(splits, owner_objects)
        found = self._resolve_across(resolved) if namespace is not None else resolved
        return sorted(found, key=lambda s: (s.namespace, s.name, s.kind, s.group))

    def _list_splits_of(self, served: ServedResource, namespace: str | None) -> builtins.list[Split]:
        """The splits among one resource's objects, parsed in the thread that listed them."""
        from meshtui.model.split import is_split_object, parse_split

        objects, _ = self._list_served(served, namespace)
        return [parse_split(o) for o in objects if is_split_object(o)]

    def _resolve_across(self, splits: Sequence[Split]) -> Sequence[Split]:
        """Resolve owners still unnamed through the owning objects of every namespace.

        Only splits that carry a controller's mark are looked for; a cluster-wide list that
        fails (a namespaced identity) leaves them as they are.
        """
        from meshtui.kube.errors import KubeError
        from meshtui.model._owner_index import resolve_owners

        if not any(split.owner is not None and not split.owner.name for split in splits):
            return splits
        objects: dict[str, Sequence[dict[str, Any]]] = {}
        for resource in owner_resources():
            try:
                objects[resource.key] = self.list(resource.key, None)[0]
            except KubeError:
                continue
        return resolve_owners(splits, objects) if objects else splits

    def resolve_owner(self, split: Split) -> Split:
        """The split with its owner resolved through the owning objects of its namespace (and of
        every namespace when only a controller's mark was found).

        Resolved exactly as `list_splits` and the dashboard do; an owner list that fails leaves
        the owner as the object alone tells it.
        """
        from meshtui.kube.errors import KubeError
        from meshtui.model._owner_index import resolve_owners

        if split.owner is not None and split.owner.name:
            return split
        objects: dict[str, Sequence[dict[str, Any]]] = {}
        for resource in owner_resources():
            try:
                objects[resource.key] = self.list(resource.key, split.namespace)[0]
            except KubeError:
                continue
        (resolved,) = self._resolve_across(resolve_owners([split], objects))
        return resolved

    def owner_state(self, split: Split) -> OwnerState | None:
        """Read the state of the split's (resolved) owner: its owning object, or the split itself
        for a controller without objects of its own; None when unknown or gone."""
        from meshtui.kube.errors import NotFound
        from meshtui.model.owners.registry import by_controller

        owner = split.owner
        kind = by_controller(owner.controller) if owner is not None else None
        if owner is None or kind is None or not owner.name:
            return None
        state: OwnerState
        if kind.resource is None:
            state = kind.parse(split.obj)
            return state
        if self.served(kind.resource.key) is None:
            return None
        try:
            state = kind.parse(self.get(kind.resource.key, owner.namespace or split.namespace, owner.name))
        except NotFound:
            return None
        return state

    def list_services(self, namespace: str | None = None) -> builtins.list[MeshedService]:
        """List every Service with its mesh state, pods, splits and multicluster mirror.

        Namespaces, Services, Pods, Deployments and the three split kinds are listed in
        parallel. Namespaces are cluster-scoped: a user who may not list them still gets the
        services (the namespace's own inject annotation is then read from that one namespace
        when it can be, else not known).

        Args:
            namespace: A namespace, or None for all namespaces.

        Raises:
            KubeError: When a list other than the namespaces fails.
        """
        from meshtui.kube.errors import KubeError
        from meshtui.model.meshed import meshed_services
        from meshtui.model.split import is_split_object, parse_split

        keys = ["services", "pods", "deployments", *SPLIT_KEYS]
        served = self.served_for([*keys, "namespaces"])
        with ThreadPoolExecutor(len(keys) + 1, thread_name_prefix="meshtui-list") as pool:
            futures = {key: pool.submit(self._list_served, served[key], namespace)
                       for key in keys if key in served}
            namespaces = pool.submit(self._namespaces, served.get("namespaces"), namespace)
            lists = {key: future.result()[0] for key, future in futures.items()}
            try:
                namespace_objects = namespaces.result()
            except KubeError:
                namespace_objects = []
        splits = [parse_split(o) for key in SPLIT_KEYS for o in lists.get(key, [])
                  if is_split_object(o)]
        return meshed_services(lists.get("services", []), namespace_objects, lists.get("pods", []),
                               lists.get("deployments", []), splits)

    def _namespaces(self, served: ServedResource | None, namespace: str | None) -> Objects:
        """Every Namespace, or only `namespace` (read alone: listing may be forbidden)."""
        if served is None:
            return []
        if namespace is None:
            return self._list_served(served, None)[0]
        return [self.get("namespaces", None, namespace)]

    def prefetch(self, namespace: str | None, resources: builtins.list[str] | None = None) -> None:
        """Start listing what `watch` will list, so the lists arrive while the caller does
        other work (the dashboard imports and builds its UI meanwhile).

        The next `watch` of the same namespace uses each list as its first one, then watches from
        that list's resourceVersion: the same sequence as a list made at watch time, started
        sooner. A failed or stale (`PREFETCH_MAX_AGE`) prefetch is simply listed again.

        Args:
            namespace: The namespace `watch` will be given (None for all namespaces).
            resources: Resource keys; default every served one.

        Raises:
            KubeError: When discovery fails.
        """
        served = self.discover()
        keys = [k for k in (resources if resources is not None else list(RESOURCES)) if k in served]
        if not keys:
            return
        pool = ThreadPoolExecutor(len(keys), thread_name_prefix="meshtui-prefetch")
        now = time.monotonic()
        with self._lock:
            for key in keys:
                ns = namespace if served[key].type.namespaced else None
                self._prefetched[(key, ns)] = (now, pool.submit(self._list_served, served[key], ns))
        pool.shutdown(wait=False)

    def _first_list(self, served: ServedResource, namespace: str | None
                    ) -> tuple[Objects, str]:
        """List `served`, using (once) a fresh prefetched list of it when there is one."""
        with self._lock:
            entry = self._prefetched.pop((served.key, namespace), None)
        if entry is not None and time.monotonic() - entry[0] <= PREFETCH_MAX_AGE:
            try:
                return entry[1].result()
            except Exception:  # noqa: BLE001 - a failed prefetch is retried as a plain list
                pass
        return self._list_served(served, namespace)

    def watch(self, namespace: str | None, sink: Sink,
              resources: builtins.list[str] | None = None) -> WatchSet:
        """Start one list-and-watch thread per served resource type.

        Args:
            namespace: A namespace, or None for all namespaces (cluster-scoped types ignore it).
            sink: Called from the worker threads with `ObjectsListed`, `ObjectChanged` and
                `ConnectionChanged` events.
            resources: Resource keys to watch; default every served one.

        Returns:
            The running `WatchSet`; call `.stop()` before the server goes away.
        """
        served = self.discover()
        keys = resources if resources is not None else list(RESOURCES)
        watchers = [
            ResourceWatcher(self.cluster.api_client, served[key], namespace, sink,
                            self._first_list, server=self.cluster.server)
            for key in keys if key in served
        ]
        for watcher in watchers:
            watcher.start()
        return WatchSet(watchers)

    def get(self, resource: str, namespace: str | None, name: str) -> dict[str, Any]:
        """Read one object.

        Raises:
            NotFound: When the object (or its resource type) does not exist.
            KubeError: On any other failure.
        """
        from meshtui.kube.errors import NotFound

        served = self.served(resource)
        if served is None:
            raise NotFound(f"{resource} is not served by this cluster")
        try:
            obj = request_json(self.cluster.api_client, "GET", f"{served.path(namespace)}/{name}")
        except Exception as exc:  # noqa: BLE001 - every client failure is translated into a KubeError
            raise translate(exc, verb="get", resource=resource, name=name,
                            server=self.cluster.server) from None
        return with_type(obj, served.type.kind, served.api_version)
