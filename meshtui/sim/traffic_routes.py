"""The routing table of the simulator: which backends an apex Service's traffic goes to.

Built from the split objects as currently stored, read here as the data plane reads them and
independently of meshtui's own parser (`meshtui.model.split`): an end-to-end test then catches a
weight meshtui misreads, instead of the simulator repeating the mistake. Read splits are cached
by resourceVersion, so a tick costs a dictionary lookup per split unless something changed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class RouteInfo:
    """The HTTPRoute a request went through (labels of the ``outbound_http_route_*`` family)."""

    group: str
    namespace: str
    name: str
    parent_namespace: str
    parent_name: str
    parent_port: int | None


@dataclass(frozen=True)
class Routing:
    """Where requests for one apex go: backend indexes with their shares (summing to 1)."""

    split: str
    route: RouteInfo | None
    backends: tuple[tuple[int, float], ...]


@dataclass(frozen=True)
class SimSplit:
    """What the data plane takes from one split object: its apex and first rule's weights."""

    kind: str
    group: str
    namespace: str
    name: str
    service: str
    backends: tuple[tuple[str, str, Fraction], ...]
    """(namespace, Service, weight) of each backend of the first rule, in object order."""
    obj: Mapping[str, Any]


_QUANTITY = re.compile(r"^\+?(\d+(?:\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_SUFFIX = {None: Fraction(1), "m": Fraction(1, 1000), "k": Fraction(10**3), "M": Fraction(10**6),
           "G": Fraction(10**9), "T": Fraction(10**12), "P": Fraction(10**15), "E": Fraction(10**18),
           "Ki": Fraction(2**10), "Mi": Fraction(2**20), "Gi": Fraction(2**30), "Ti": Fraction(2**40),
           "Pi": Fraction(2**50), "Ei": Fraction(2**60)}


def sim_weight(raw: Any, default: int | None = None) -> Fraction | None:
    """A weight as the data plane takes it: an int, or a Kubernetes quantity string (`"500m"`);
    None when missing (and no default) or unreadable. Booleans and negatives are no weights."""
    if raw is None:
        return None if default is None else Fraction(default)
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Fraction(raw) if raw >= 0 else None
    if isinstance(raw, float):
        return Fraction(raw) if raw >= 0 and raw == raw and raw != float("inf") else None
    if not isinstance(raw, str) or len(raw) > 64:
        return None
    match = _QUANTITY.match(raw)
    if match is None:
        return None
    return Fraction(match.group(1)) * _SUFFIX[match.group(2)]


def read_split(obj: Mapping[str, Any]) -> SimSplit:
    """The apex and first rule's weights of a TrafficSplit or HTTPRoute object.

    TrafficSplit: `spec.service` and every backend's quantity weight (linkerd-smi's
    ServiceProfile). HTTPRoute: the first Service parentRef and the first rule's Service
    backendRefs, a missing weight counting 1 (the Gateway API default).
    """
    meta = _mapping(obj.get("metadata"))
    spec = _mapping(obj.get("spec"))
    namespace = str(meta.get("namespace") or "")
    kind = str(obj.get("kind") or "")
    group = str(obj.get("apiVersion") or "").rpartition("/")[0]
    backends: list[tuple[str, str, Fraction]] = []
    service = ""
    if kind == "TrafficSplit":
        service = str(spec.get("service") or "")
        for entry in _items(spec.get("backends")):
            weight = sim_weight(entry.get("weight"))
            if isinstance(entry.get("service"), str) and weight is not None:
                backends.append((namespace, entry["service"], weight))
    else:
        for ref in _items(spec.get("parentRefs")):
            if _is_service(ref, "Gateway") and isinstance(ref.get("name"), str):
                service = ref["name"]
                break
        rules = _items(spec.get("rules"))
        for ref in _items(rules[0].get("backendRefs")) if rules else []:
            weight = sim_weight(ref.get("weight"), default=1)
            if _is_service(ref, "Service") and isinstance(ref.get("name"), str) and weight is not None:
                backends.append((str(ref.get("namespace") or namespace), ref["name"], weight))
    return SimSplit(kind, group, namespace, str(meta.get("name") or ""), service, tuple(backends), obj)


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Mapping[str, Any]]:
    return [item for item in value if isinstance(item, Mapping)] if isinstance(value, list) else []


def _is_service(ref: Mapping[str, Any], default_kind: str) -> bool:
    return ref.get("kind", default_kind) == "Service" and ref.get("group") in (None, "", "core")


class RoutingTable:
    """Apex ``(namespace, service)`` -> `Routing`, rebuilt only from changed split objects."""

    def __init__(self, backend_index: Mapping[tuple[str, str], int]) -> None:
        self._index = backend_index
        self._parsed: dict[tuple[str, str, str, str], tuple[str, SimSplit]] = {}
        self.routes: dict[tuple[str, str], Routing] = {}

    def update(self, objects: Iterable[dict[str, Any]]) -> bool:
        """Refresh from the current split objects; returns whether anything changed."""
        seen: set[tuple[str, str, str, str]] = set()
        changed = False
        for obj in objects:
            meta = obj.get("metadata") or {}
            group = str(obj.get("apiVersion", "")).rpartition("/")[0]
            key = (group, str(obj.get("kind")), str(meta.get("namespace")), str(meta.get("name")))
            seen.add(key)
            rv = str(meta.get("resourceVersion", ""))
            cached = self._parsed.get(key)
            if cached is None or cached[0] != rv or not rv:
                self._parsed[key] = (rv, read_split(obj))
                changed = True
        for gone in set(self._parsed) - seen:
            del self._parsed[gone]
            changed = True
        if changed:
            self._rebuild()
        return changed

    def _rebuild(self) -> None:
        routes: dict[tuple[str, str], Routing] = {}
        # A TrafficSplit becomes a ServiceProfile, which beats an HTTPRoute on the same Service.
        ordered = sorted(self._parsed.values(),
                         key=lambda item: (item[1].kind != "TrafficSplit", item[1].namespace, item[1].name))
        for _, split in ordered:
            apex = (split.namespace, split.service)
            if apex in routes or not split.service:
                continue
            routing = self._routing(split)
            if routing is not None:
                routes[apex] = routing
        self.routes = routes

    def _routing(self, split: SimSplit) -> Routing | None:
        weights: dict[int, float] = {}
        # Only the first rule carries traffic here: the simulator sends no path-specific requests.
        for namespace, name, weight in split.backends:
            idx = self._index.get((namespace, name))
            if idx is not None:
                weights[idx] = weights.get(idx, 0.0) + float(weight)
        total = sum(weights.values())
        if total <= 0:
            return None
        route = None
        if split.kind == "HTTPRoute":
            parent_port = _parent_port(split.obj)
            route = RouteInfo(split.group, split.namespace, split.name, split.namespace, split.service, parent_port)
        shares = tuple((idx, w / total) for idx, w in weights.items() if w > 0)
        return Routing(f"{split.kind.lower()}/{split.namespace}/{split.name}", route, shares)


def _parent_port(obj: Mapping[str, Any]) -> int | None:
    for ref in (obj.get("spec") or {}).get("parentRefs") or []:
        if isinstance(ref, Mapping) and ref.get("kind", "Service") == "Service":
            port = ref.get("port")
            return port if isinstance(port, int) else None
    return None
