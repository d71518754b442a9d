"""Reading and writing the weights of a router object (SMI TrafficSplit or Gateway API HTTPRoute).

Both controllers drive two named backends (Flagger: ``<apex>-primary``/``<apex>-canary``; Argo:
``stableService``/``canaryService``). Weights read back go through `meshtui.model.split` so
quantities such as ``"500m"`` mean what they mean to the product.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from meshtui.model.split import parse_split
from meshtui.model.weights import to_percents

TRAFFICSPLIT = "TrafficSplit"
HTTPROUTE = "HTTPRoute"


@dataclass(frozen=True)
class RouterRef:
    """The router object a controller drives."""

    api_version: str
    kind: str
    namespace: str
    name: str

    def __str__(self) -> str:
        return f"{self.kind.lower()}/{self.namespace}/{self.name}"


def read_percents(obj: dict[str, Any]) -> dict[str, int]:
    """Backend service name to whole percent, from the first rule (HTTPRoute) or the backends."""
    split = parse_split(obj)
    first = split.rules[0] if split.rules else ()
    percents = to_percents([b.weight for b in first]) if first else []
    result: dict[str, int] = {}
    for backend, percent in zip(first, percents):
        result[backend.name] = result.get(backend.name, 0) + percent
    return result


def _uses_strings(obj: dict[str, Any]) -> bool:
    """Whether the TrafficSplit's weights are written as quantity strings.

    The existing form wins (the store serves one object at every version); an empty split
    follows the version: v1alpha1 weights are quantities.
    """
    backends = (obj.get("spec") or {}).get("backends") or []
    weights = [b.get("weight") for b in backends if isinstance(b, dict) and b.get("weight") is not None]
    if weights:
        return any(isinstance(w, str) for w in weights)
    return str(obj.get("apiVersion", "")).endswith("/v1alpha1")


def with_weights(obj: dict[str, Any], weights: dict[str, int]) -> dict[str, Any] | None:
    """A copy of `obj` whose named backends carry `weights`, or None when it already does.

    TrafficSplit backends that are missing are appended; for an HTTPRoute every rule's backendRefs
    with those names are set (the Argo Gateway API plugin does this), and a rule lacking one of
    them is left alone.
    """
    new = copy.deepcopy(obj)
    spec = new.setdefault("spec", {})
    if new.get("kind") == TRAFFICSPLIT:
        strings = _uses_strings(obj)
        backends = spec.setdefault("backends", [])
        for service, weight in weights.items():
            value: int | str = str(weight) if strings else int(weight)
            entry = next((b for b in backends if isinstance(b, dict) and b.get("service") == service), None)
            if entry is None:
                backends.append({"service": service, "weight": value})
            else:
                entry["weight"] = value
    else:
        for rule in spec.get("rules") or []:
            for ref in (rule or {}).get("backendRefs") or []:
                if isinstance(ref, dict) and ref.get("name") in weights:
                    ref["weight"] = int(weights[ref["name"]])
    return None if new == obj else new


def has_backends(obj: dict[str, Any], names: tuple[str, ...]) -> bool:
    """Whether every name in `names` is a backend of the object (any rule for an HTTPRoute)."""
    spec = obj.get("spec") or {}
    if obj.get("kind") == TRAFFICSPLIT:
        present = {b.get("service") for b in spec.get("backends") or [] if isinstance(b, dict)}
    else:
        present = {r.get("name") for rule in spec.get("rules") or [] for r in (rule or {}).get("backendRefs") or []
                   if isinstance(r, dict)}
    return all(name in present for name in names)


def set_label(obj: dict[str, Any], key: str, value: str | None) -> None:
    """Set (or with None remove) a label on `obj` in place."""
    labels = obj.setdefault("metadata", {}).setdefault("labels", {}) if value is not None else \
        (obj.get("metadata") or {}).get("labels")
    if labels is None:
        return
    if value is None:
        labels.pop(key, None)
    else:
        labels[key] = value
