"""`Table` output (meta.k8s.io/v1) for kubectl get, with printer columns and a server-side Age."""

from __future__ import annotations

import re
from typing import Any

from meshtui.sim.apiserver.objects import parse_timestamp
from meshtui.sim.apiserver.registry import ResourceType

_TOKEN = re.compile(r"\.([A-Za-z0-9_-]+)|\[(\d+)\]")


def wants_table(accept: str | None) -> bool:
    """Whether an Accept header asks for Table output."""
    return accept is not None and "as=Table" in accept


def json_path(obj: Any, path: str) -> Any:
    """Evaluate the simple JSONPath subset printer columns use (`.a.b`, `.a[0].b`)."""
    node = obj
    for field, index in _TOKEN.findall(path):
        if field:
            node = node.get(field) if isinstance(node, dict) else None
        else:
            node = node[int(index)] if isinstance(node, list) and int(index) < len(node) else None
        if node is None:
            return None
    return node


def human_duration(seconds: float) -> str:
    """Kubernetes' short duration format (`45s`, `5m`, `3h10m`, `12d`)."""
    seconds = max(int(seconds), 0)
    minutes, hours, days = seconds // 60, seconds // 3600, seconds // 86400
    if seconds < 120:
        return f"{seconds}s"
    if minutes < 10:
        return f"{minutes}m{seconds % 60}s" if seconds % 60 else f"{minutes}m"
    if minutes < 180:
        return f"{minutes}m"
    if hours < 8:
        return f"{hours}h{minutes % 60}m" if minutes % 60 else f"{hours}h"
    if hours < 48:
        return f"{hours}h"
    if hours < 192:
        return f"{days}d{hours % 24}h" if hours % 24 else f"{days}d"
    if days < 730:
        return f"{days}d"
    return f"{days // 365}y"


def _cell(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if isinstance(value, (dict, list)):
        return str(value)
    if kind == "string" and not isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else str(value)
    return value


def _column(name: str, kind: str, description: str = "", priority: int = 0,
            fmt: str = "") -> dict[str, Any]:
    return {"name": name, "type": kind, "format": fmt, "description": description,
            "priority": priority}


def _row(rtype: ResourceType, obj: dict[str, Any], now: float) -> dict[str, Any]:
    meta = obj.get("metadata") or {}
    cells: list[Any] = [meta.get("name")]
    cells += [_cell(json_path(obj, c.json_path), c.type) for c in rtype.columns]
    created = parse_timestamp(meta.get("creationTimestamp", ""))
    cells.append(human_duration(now - created) if created is not None else "<unknown>")
    return {"cells": cells, "object": {"kind": "PartialObjectMetadata",
                                       "apiVersion": "meta.k8s.io/v1", "metadata": meta}}


def table(rtype: ResourceType, objects: list[dict[str, Any]], resource_version: str, now: float,
          continue_token: str | None = None) -> dict[str, Any]:
    """Build a Table of `objects` with Name, the type's printer columns and Age."""
    columns = [_column("Name", "string", "Name must be unique within a namespace.", 0, "name")]
    columns += [_column(c.name, c.type, c.description, c.priority) for c in rtype.columns]
    columns.append(_column("Age", "date", "CreationTimestamp is the time the object was created."))
    metadata: dict[str, Any] = {"resourceVersion": resource_version}
    if continue_token:
        metadata["continue"] = continue_token
    return {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": metadata,
            "columnDefinitions": columns, "rows": [_row(rtype, o, now) for o in objects]}
