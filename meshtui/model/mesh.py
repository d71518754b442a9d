"""Provides `MeshState`, a pure cache of the cluster objects meshtui shows, fed by watch events.

The state never does I/O: the kube layer hands it full lists (`replace`) and single changes
(`upsert`, `delete`), and the UI asks it for splits, services and checks. `version` grows on every
change, so a view redraws only when something it shows may have changed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from meshtui.model._fields import as_str
from meshtui.model._owner_index import OwnerIndex
from meshtui.model.checks import Check, mesh_checks
from meshtui.model.owners import OwnerKind, OwnerState, registry
from meshtui.model.ownership import Owner
from meshtui.model.meshed import MeshedService, meshed_services
from meshtui.model.services import ServiceInfo, service_infos
from meshtui.model.split import TRAFFICSPLIT_GROUP, Split, SplitRef, is_split_object, parse_split

__all__ = ["BASE_RESOURCES", "SPLIT_RESOURCES", "MeshState", "Parsed", "parse_objects", "resources"]

SPLIT_RESOURCES = (
    "trafficsplits",
    "httproutes.gateway.networking.k8s.io",
    "httproutes.policy.linkerd.io",
    "grpcroutes.gateway.networking.k8s.io",
)
"""Resource keys whose objects are splits."""

BASE_RESOURCES = (
    "namespaces",
    "services",
    "deployments",
    "pods",
    *SPLIT_RESOURCES,
    "serviceprofiles",
)
"""Resource keys MeshState interprets besides the owner kinds' (see `resources`)."""


def resources() -> tuple[str, ...]:
    """Every resource key MeshState knows, the registered owner kinds' included."""
    return BASE_RESOURCES + tuple(resource.key for resource in registry.owner_resources())


_Key = tuple[str, str]

Parsed = Split | OwnerState
"""What `parse_objects` makes of one object: a split, or the state of an owning object."""

_MESHED_INPUTS = ("services", "namespaces", "pods", "deployments", *SPLIT_RESOURCES)
"""Resource keys `meshed_services` reads."""


def _key(obj: Any) -> _Key:
    """(namespace, name) of an object; cluster-scoped objects have namespace ""."""
    # Read in place: copying every object's metadata (`metadata()`) only to read two fields
    # was a fifth of a 3,000-service re-list.
    meta = obj.get("metadata") if isinstance(obj, dict) else None
    if not isinstance(meta, Mapping):
        return "", ""
    return as_str(meta.get("namespace")), as_str(meta.get("name"))


class MeshState:
    """A pure cache of cluster objects by resource key, with parsed splits and derived views."""

    def __init__(self) -> None:
        """Start empty, at version 0."""
        self.version = 0
        """Grows by one on every change that alters what is stored."""
        self._objects: dict[str, dict[_Key, dict[str, Any]]] = {}
        """Objects per resource key, by (namespace, name)."""
        self._loaded: set[str] = set()
        """Resource keys that have had a full list (absence then means absence)."""
        self._parsed: dict[tuple[str, _Key], Split] = {}
        """Parsed splits, dropped whenever their object changes."""
        self._states: dict[tuple[str, _Key], tuple[dict[str, Any], OwnerState]] = {}
        """Parsed owning objects (Canaries, Rollouts) with the object each was parsed from."""
        self._splits_at: tuple[int, list[Split]] = (-1, [])
        """splits() result with owners resolved, for the version it was computed at."""
        self._by_ref: tuple[int, dict[SplitRef, Split]] = (-1, {})
        """split() lookups, for the version they were indexed at."""
        self._changes: dict[str, int] = {}
        """Change count per resource key, so derived views rebuild only when their inputs change."""
        self._owners_at: tuple[tuple[tuple[str, int], ...], OwnerIndex] = ((("", -1),), OwnerIndex())
        """Owning objects indexed by the splits they drive, for the changes it was built at."""
        self._meshed_at: tuple[tuple[int, ...], list[MeshedService]] = ((), [])
        """meshed_services() result, for the change counts of its inputs it was computed at."""

    def replace(self, resource: str, objects: Iterable[dict[str, Any]],
                parsed: Mapping[_Key, Parsed] | None = None) -> None:
        """Replace every object of one resource type (after a full list or re-list).

        `parsed` is `parse_objects(resource, objects)` when the caller parsed them already (in
        a watch thread): those splits and owner states are taken as they are instead of parsed here.
        """
        fresh = {_key(obj): obj for obj in objects if isinstance(obj, dict)}
        first_list = resource not in self._loaded
        self._loaded.add(resource)
        if fresh == self._objects.get(resource, {}) and not first_list:
            return
        self._objects[resource] = fresh
        self._parsed = {k: v for k, v in self._parsed.items()
                        if k[0] != resource or fresh.get(k[1]) == v.obj}
        # An unchanged owning object keeps its state, now held with the object stored in its place.
        self._states = {k: v if k[0] != resource else (fresh[k[1]], v[1])
                        for k, v in self._states.items() if k[0] != resource or fresh.get(k[1]) == v[0]}
        for key, item in (parsed or {}).items():
            # An unchanged object keeps its split (views reuse what they built by its identity).
            if key not in fresh:
                continue
            if isinstance(item, Split):
                self._parsed.setdefault((resource, key), item)
            else:
                self._states.setdefault((resource, key), (fresh[key], item))
        self._changed(resource)

    def upsert(self, resource: str, obj: dict[str, Any], parsed: Parsed | None = None) -> None:
        """Add or replace one object (an ADDED or MODIFIED watch event).

        `parsed` is the object's split or owner state from `parse_objects`, when the caller
        parsed it already.
        """
        if not isinstance(obj, dict):
            return
        key = _key(obj)
        objects = self._objects.setdefault(resource, {})
        if objects.get(key) == obj:
            return
        objects[key] = obj
        self._parsed.pop((resource, key), None)
        self._states.pop((resource, key), None)
        if isinstance(parsed, Split):
            self._parsed[(resource, key)] = parsed
        elif parsed is not None:
            self._states[(resource, key)] = (obj, parsed)
        self._changed(resource)

    def delete(self, resource: str, obj: dict[str, Any]) -> None:
        """Remove one object (a DELETED watch event); unknown objects are ignored."""
        key = _key(obj)
        if self._objects.get(resource, {}).pop(key, None) is None:
            return
        self._parsed.pop((resource, key), None)
        self._states.pop((resource, key), None)
        self._changed(resource)

    def objects(self, resource: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Return the stored objects of one resource, sorted by namespace and name."""
        stored = self._objects.get(resource, {})
        return [stored[key] for key in sorted(stored) if namespace is None or key[0] == namespace]

    def get(self, resource: str, namespace: str, name: str) -> dict[str, Any] | None:
        """Return one stored object, or None."""
        return self._objects.get(resource, {}).get((namespace, name))

    def loaded(self, resource: str) -> bool:
        """True once a full list of `resource` has arrived."""
        return resource in self._loaded

    def splits(self, namespace: str | None = None) -> list[Split]:
        """Return every split (owners resolved), sorted by namespace, name and kind."""
        if self._splits_at[0] != self.version:
            found = [self._resolved(split) for split in self._parsed_splits()]
            found.sort(key=lambda s: (s.namespace, s.name, s.kind, s.group))
            self._splits_at = (self.version, found)
        splits = self._splits_at[1]
        return [s for s in splits if namespace is None or s.namespace == namespace]

    def split(self, ref: SplitRef) -> Split | None:
        """Return the split with this identity, or None."""
        if self._by_ref[0] != self.version:
            # Every refresh and key asks for the selected split: a scan of a thousand was ~1 ms.
            found: dict[SplitRef, Split] = {}
            for split in self.splits():
                found.setdefault(split.ref, split)
            self._by_ref = (self.version, found)
        return self._by_ref[1].get(ref)

    def namespaces(self) -> list[str]:
        """Return the names of the known namespaces, including those only seen on other objects."""
        names = {key[1] for key in self._objects.get("namespaces", {})}
        for resource, objects in self._objects.items():
            if resource != "namespaces":
                names.update(key[0] for key in objects if key[0])
        return sorted(names)

    def services(self, namespace: str | None = None) -> list[ServiceInfo]:
        """Return the services, sorted, each with whether the mesh injects its pods."""
        return service_infos(self.objects("services", namespace), self.objects("namespaces"),
                             self.objects("deployments", namespace))

    def meshed_services(self, namespace: str | None = None) -> list[MeshedService]:
        """Return every service with its mesh state, pods, splits and mirror, sorted.

        Worked out again only when services, namespaces, pods, deployments or splits changed:
        the view asks on every redraw.
        """
        stamp = tuple(self._changes.get(key, 0) for key in _MESHED_INPUTS)
        if self._meshed_at[0] != stamp:
            self._meshed_at = (stamp, meshed_services(
                self.objects("services"), self.objects("namespaces"), self.objects("pods"),
                self.objects("deployments"), self.splits()))
        found = self._meshed_at[1]
        return found if namespace is None else [s for s in found if s.namespace == namespace]

    def owner_of(self, split: Split) -> Owner | None:
        """Find who drives a split, naming the Canary or Rollout when the object alone could not."""
        return self._owner_index().resolve(split)

    def owner_object(self, split: Split) -> dict[str, Any] | None:
        """The object that records the state of the split's owner, if it is known.

        That is the owning object (a Canary, a Rollout), or the split itself for a controller
        without objects of its own (linkerd-failover).
        """
        owner = self.owner_of(split)
        kind = registry.by_controller(owner.controller) if owner is not None else None
        if owner is None or kind is None or not owner.name:
            return None
        if kind.resource is None:
            return split.obj
        return self.get(kind.resource.key, owner.namespace or split.namespace, owner.name)

    def owner_state(self, split: Split) -> OwnerState | None:
        """Return the state of the split's owner (`CanaryState`, `RolloutState`...), if it is known."""
        owner = self.owner_of(split)
        obj = self.owner_object(split)
        if owner is None or obj is None:
            return None
        kind = registry.by_controller(owner.controller)
        if kind is None:
            return None
        return kind.parse(obj) if kind.resource is None else self._state(kind.resource.key, obj)

    def checks(self) -> list[Check]:
        """Return configuration problems across the mesh (shadowed routes, missing extensions...)."""
        service_names = None
        if self.loaded("services"):
            service_names = set(self._objects.get("services", {}))
        namespace_names = None
        if self.loaded("namespaces"):
            namespace_names = {key[1] for key in self._objects.get("namespaces", {})}
        profiles = [_key(obj) for obj in self.objects("serviceprofiles")]
        return mesh_checks(self.splits(), profiles, service_names, namespace_names)

    def _parsed_splits(self) -> list[Split]:
        """Parse split objects not parsed since they last changed."""
        result = []
        for resource in SPLIT_RESOURCES:
            for key, obj in self._objects.get(resource, {}).items():
                cached = self._parsed.get((resource, key))
                if cached is None:
                    obj = _with_kind(resource, obj)
                    if not is_split_object(obj):
                        continue
                    cached = parse_split(obj)
                    self._parsed[(resource, key)] = cached
                result.append(cached)
        return result

    def _owner_index(self) -> OwnerIndex:
        """The owner index for the current version, rebuilt only after a change."""
        keys = [resource.key for resource in registry.owner_resources()]
        stamp = tuple((key, self._changes.get(key, 0)) for key in keys)
        if self._owners_at[0] != stamp:
            self._owners_at = (stamp, OwnerIndex.build({key: self.objects(key) for key in keys},
                                                       self._state))
        return self._owners_at[1]

    def _state(self, resource: str, obj: dict[str, Any]) -> OwnerState:
        """The state of an owning object, parsed here only when no watch thread parsed it."""
        key = (resource, _key(obj))
        cached = self._states.get(key)
        if cached is None or cached[0] is not obj:
            kind = registry.by_resource(resource)
            assert kind is not None, resource
            cached = self._states[key] = (obj, _owner_state(kind, obj))
        return cached[1]

    def _resolved(self, split: Split) -> Split:
        """The split with its owner resolved through the owning objects."""
        owner = self.owner_of(split)
        return split if owner == split.owner else dataclasses.replace(split, owner=owner)

    def _changed(self, resource: str) -> None:
        """Record a change to one resource type."""
        self.version += 1
        self._changes[resource] = self._changes.get(resource, 0) + 1


def _kind_and_group(resource: str) -> tuple[str, str]:
    """The kind and API group of a split resource key (one of `SPLIT_RESOURCES`)."""
    if resource == "trafficsplits":
        return "TrafficSplit", TRAFFICSPLIT_GROUP
    plural, _, group = resource.partition(".")
    return ("GRPCRoute" if plural == "grpcroutes" else "HTTPRoute"), group


def _with_kind(resource: str, obj: dict[str, Any]) -> dict[str, Any]:
    """Fill in kind and apiVersion, which some list responses leave out of their items."""
    if obj.get("kind") and obj.get("apiVersion"):
        return obj
    kind, group = _kind_and_group(resource)
    default_version = {"split.smi-spec.io": "v1alpha1", "policy.linkerd.io": "v1beta3"}.get(group, "v1")
    return {**obj, "kind": obj.get("kind") or kind,
            "apiVersion": obj.get("apiVersion") or f"{group}/{default_version}"}


def parse_objects(resource: str, objects: Iterable[Any]) -> dict[_Key, Parsed]:
    """Parse the splits or owning objects among `objects` of one resource, by (namespace, name).

    Pure and safe in any thread: the kube layer parses in its watch threads and hands the result
    to `MeshState.replace` / `upsert`, so the UI thread only swaps splits and owner states in.
    Objects of other resources, and objects that are not splits, give nothing (MeshState then
    skips them). Never raises: an object whose parsing fails becomes a split whose problem, or an
    owner state whose phase, says so.
    """
    found: dict[_Key, Parsed] = {}
    owner_kind = registry.by_resource(resource)
    if owner_kind is not None:
        for obj in objects:
            if isinstance(obj, dict):
                found[_key(obj)] = _owner_state(owner_kind, obj)
        return found
    if resource not in SPLIT_RESOURCES:
        return found
    for obj in objects:
        if not isinstance(obj, dict):
            continue
        try:
            full = _with_kind(resource, obj)
            if not is_split_object(full):
                continue
            split = parse_split(full)
        except Exception as exc:  # noqa: BLE001 - one object must never stop the watch of all
            split = _unreadable(resource, obj, exc)
        found[_key(obj)] = split
    return found


def _unreadable(resource: str, obj: dict[str, Any], exc: Exception) -> Split:
    """A split with no backends whose one problem says its object could not be read."""
    namespace, name = _key(obj)
    kind, group = _kind_and_group(resource)
    return Split(ref=SplitRef(kind=kind, group=group, namespace=namespace, name=name),
                 api_version="", service="", backends=(), owner=None, resource_version="",
                 generation=0, problems=(f"the object could not be read ({type(exc).__name__})",),
                 obj=obj)


def _owner_state(kind: OwnerKind, obj: dict[str, Any]) -> OwnerState:
    """`kind.parse(obj)`, or when that fails, the state of its name alone, its phase saying why."""
    try:
        state: OwnerState = kind.parse(obj)
    except Exception as exc:  # noqa: BLE001 - one object must never stop the watch of all
        namespace, name = _key(obj)
        state = dataclasses.replace(kind.parse({"metadata": {"namespace": namespace, "name": name}}),
                                    phase=f"unreadable ({type(exc).__name__})")
    return state
