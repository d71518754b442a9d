"""The routing table of the simulator: which backends an apex Service's traffic goes to.

Built from the split objects as currently stored, parsed with the product's own `parse_split` so
the simulator honours exactly the weights meshtui shows. Parsed splits are cached by
resourceVersion, so a tick costs a dictionary lookup per split unless something changed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from meshtui.model.split import Split, parse_split


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


class RoutingTable:
    """Apex ``(namespace, service)`` -> `Routing`, rebuilt only from changed split objects."""

    def __init__(self, backend_index: Mapping[tuple[str, str], int]) -> None:
        self._index = backend_index
        self._parsed: dict[tuple[str, str, str, str], tuple[str, Split]] = {}
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
                self._parsed[key] = (rv, parse_split(obj))
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
        ordered = sorted(self._parsed.values(), key=lambda item: (item[1].kind != "TrafficSplit", str(item[1].ref)))
        for _, split in ordered:
            apex = (split.namespace, split.service)
            if apex in routes or not split.service:
                continue
            routing = self._routing(split)
            if routing is not None:
                routes[apex] = routing
        self.routes = routes

    def _routing(self, split: Split) -> Routing | None:
        weights: dict[int, float] = {}
        for backend in split.backends:
            idx = self._index.get((backend.namespace, backend.name))
            # Only the first rule carries traffic here: the simulator sends no path-specific requests.
            if backend.rule != 0 or idx is None or backend.weight is None:
                continue
            weights[idx] = weights.get(idx, 0.0) + float(backend.weight)
        total = sum(weights.values())
        if total <= 0:
            return None
        route = None
        if split.kind == "HTTPRoute":
            parent_port = _parent_port(split.obj)
            route = RouteInfo(split.group, split.namespace, split.name, split.namespace, split.service, parent_port)
        shares = tuple((idx, w / total) for idx, w in weights.items() if w > 0)
        return Routing(str(split.ref), route, shares)


def _parent_port(obj: Mapping[str, Any]) -> int | None:
    for ref in (obj.get("spec") or {}).get("parentRefs") or []:
        if isinstance(ref, Mapping) and ref.get("kind", "Service") == "Service":
            port = ref.get("port")
            return port if isinstance(port, int) else None
    return None
