"""Objects cut down to the fields meshtui reads, as they arrive from the API server.

Pods are the most numerous objects meshtui lists and the largest (status, volumes, env...);
the services view needs only their labels, inject annotation, container names and readiness.
Keeping only those bounds what the cache holds per pod, whatever a pod spec carries.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

MAX_LABELS = 64
"""Labels kept per pod: selectors match on a few; a pod with thousands is no reason to hold them."""

_META_KEYS = ("name", "namespace", "resourceVersion", "uid")
_KEPT_ANNOTATIONS = ("linkerd.io/inject",)


def _named(items: Any) -> list[dict[str, Any]]:
    """Containers (or their statuses) reduced to their name and readiness."""
    if not isinstance(items, list):
        return []
    out = []
    for item in items[:MAX_LABELS]:
        if isinstance(item, dict):
            kept = {k: item[k] for k in ("name", "ready") if k in item}
            out.append(kept)
    return out


def _dict(value: Any) -> dict[str, Any]:
    """`value` when it is a dict, else an empty one."""
    return value if isinstance(value, dict) else {}


def slim_pod(obj: dict[str, Any]) -> dict[str, Any]:
    """A Pod with only what `meshtui.model._pods.pod_summary` reads."""
    meta, spec, status = _dict(obj.get("metadata")), _dict(obj.get("spec")), _dict(obj.get("status"))
    labels, annotations = _dict(meta.get("labels")), _dict(meta.get("annotations"))
    conditions = status.get("conditions")
    if not isinstance(conditions, list):
        conditions = []
    return {
        "apiVersion": obj.get("apiVersion"), "kind": obj.get("kind"),
        "metadata": {
            **{k: meta[k] for k in _META_KEYS if k in meta},
            "labels": dict(list(labels.items())[:MAX_LABELS]),
            "annotations": {k: annotations[k] for k in _KEPT_ANNOTATIONS if k in annotations},
        },
        "spec": {"containers": _named(spec.get("containers")),
                 "initContainers": _named(spec.get("initContainers"))},
        "status": {"phase": status.get("phase"),
                   "conditions": [{"type": c.get("type"), "status": c.get("status")}
                                  for c in conditions[:MAX_LABELS]
                                  if isinstance(c, dict) and c.get("type") == "Ready"],
                   "containerStatuses": _named(status.get("containerStatuses")),
                   "initContainerStatuses": _named(status.get("initContainerStatuses"))},
    }


SLIMMERS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {"pods": slim_pod}
"""Resource key → how its objects are cut down as they arrive (others are kept whole)."""


def slimmed(key: str, obj: dict[str, Any]) -> dict[str, Any]:
    """`obj` cut down if its resource has a slimmer, else unchanged."""
    slimmer = SLIMMERS.get(key)
    return slimmer(obj) if slimmer is not None else obj
