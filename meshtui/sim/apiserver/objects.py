"""Metadata bookkeeping for stored objects: names, uids, timestamps, generation, defaults."""

from __future__ import annotations

import random
import re
import time
import uuid
from datetime import datetime, UTC
from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import ResourceType

_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_SUFFIX_CHARS = "bcdfghjklmnpqrstvwxz2456789"

# Metadata the server owns: clients cannot set these through a create or update.
SERVER_FIELDS = ("uid", "creationTimestamp", "resourceVersion", "generation", "deletionTimestamp")


def timestamp(now: float | None = None) -> str:
    """RFC 3339 UTC timestamp with second precision, as Kubernetes writes them."""
    moment = datetime.fromtimestamp(time.time() if now is None else now, tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_timestamp(value: str) -> float | None:
    """Parse a Kubernetes timestamp back to epoch seconds (None when malformed)."""
    try:
        return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(
            tzinfo=UTC).timestamp()
    except (TypeError, ValueError):
        return None


def validate_name(rtype: ResourceType, name: str) -> None:
    """Reject names the real server would reject (RFC 1123 subdomain; label for namespaces).

    Raises:
        ApiError: 422 Invalid.
    """
    pattern = _LABEL if rtype.plural == "namespaces" else _SUBDOMAIN
    if not name or len(name) > 253 or not pattern.match(name):
        raise ApiError(
            422, f'{rtype.kind} "{name}" is invalid: metadata.name: Invalid value: "{name}": '
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
            "'-' or '.', and must start and end with an alphanumeric character", "Invalid",
            {"name": name, "group": rtype.group, "kind": rtype.kind})


def generated_name(prefix: str) -> str:
    """`generateName` semantics: the prefix plus five random characters."""
    return prefix + "".join(random.choice(_SUFFIX_CHARS) for _ in range(5))


def spec_part(obj: dict[str, Any]) -> dict[str, Any]:
    """Everything but metadata and status: a change here bumps `generation`."""
    return {k: v for k, v in obj.items() if k not in ("metadata", "status", "apiVersion", "kind")}


def new_metadata(meta: dict[str, Any], namespace: str | None, now: float) -> dict[str, Any]:
    """Fill in the server-owned metadata of a created object."""
    meta = {k: v for k, v in meta.items() if k not in SERVER_FIELDS}
    if namespace is not None:
        meta["namespace"] = namespace
    meta["uid"] = str(uuid.uuid4())
    meta["creationTimestamp"] = timestamp(now)
    meta["generation"] = 1
    return meta


def record_manager(meta: dict[str, Any], manager: str, operation: str, api_version: str,
                   subresource: str | None, now: float) -> None:
    """Note in `meta.managedFields` that `manager` just wrote the object.

    The real server tracks which fields each manager owns; meshtui only needs who wrote last
    and when (to say "reverted by argo-rollouts"), so one entry per manager, operation and
    subresource carries the time of its latest write.
    """
    entries = [e for e in meta.get("managedFields") or [] if isinstance(e, dict)]
    entry: dict[str, Any] = {"manager": manager, "operation": operation,
                             "apiVersion": api_version, "time": timestamp(now),
                             "fieldsType": "FieldsV1", "fieldsV1": {}}
    if subresource:
        entry["subresource"] = subresource
    same = (manager, operation, subresource or "")
    meta["managedFields"] = [e for e in entries
                             if (e.get("manager"), e.get("operation"), e.get("subresource", ""))
                             != same] + [entry]


def carry_metadata(new_meta: dict[str, Any], old_meta: dict[str, Any]) -> dict[str, Any]:
    """Keep the server-owned metadata of `old_meta` on an updated object."""
    meta = {k: v for k, v in new_meta.items() if k not in SERVER_FIELDS}
    for key in SERVER_FIELDS:
        if key in old_meta:
            meta[key] = old_meta[key]
    return meta


class Defaulter:
    """Server-side defaults for built-in kinds (namespace phase, service cluster IPs)."""

    def __init__(self) -> None:
        self._next_ip = 1

    def apply(self, rtype: ResourceType, obj: dict[str, Any]) -> None:
        """Default `obj` in place on create."""
        if rtype.builtin and rtype.plural == "namespaces":
            name = obj["metadata"]["name"]
            labels = obj["metadata"].setdefault("labels", {})
            labels.setdefault("kubernetes.io/metadata.name", name)
            obj.setdefault("spec", {"finalizers": ["kubernetes"]})
            obj["status"] = {"phase": "Active"}
        elif rtype.builtin and rtype.plural == "services":
            spec = obj.setdefault("spec", {})
            spec.setdefault("type", "ClusterIP")
            if spec["type"] != "ExternalName" and "clusterIP" not in spec:
                index = self._next_ip
                self._next_ip += 1
                spec["clusterIP"] = f"10.96.{index // 250}.{index % 250 + 1}"
                spec["clusterIPs"] = [spec["clusterIP"]]
            spec.setdefault("sessionAffinity", "None")
            obj.setdefault("status", {"loadBalancer": {}})
        elif rtype.builtin and rtype.plural == "customresourcedefinitions":
            names = (obj.get("spec") or {}).get("names") or {}
            versions = (obj.get("spec") or {}).get("versions") or []
            obj["status"] = {
                "acceptedNames": names,
                "storedVersions": [v["name"] for v in versions if v.get("storage")],
                "conditions": [{"type": "NamesAccepted", "status": "True", "reason": "NoConflicts"},
                               {"type": "Established", "status": "True",
                                "reason": "InitialNamesAccepted"}]}
