"""Discovery documents: /version, /api, /apis, API groups and resource lists."""

from __future__ import annotations

from typing import Any

from meshtui.sim.apiserver.registry import ALL_VERBS, ResourceType, version_priority

VERSION_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.4-meshtui-sim",
    "gitCommit": "0000000000000000000000000000000000000000",
    "gitTreeState": "clean",
    "buildDate": "2026-01-01T00:00:00Z",
    "goVersion": "go1.23.6",
    "compiler": "gc",
    "platform": "linux/amd64",
}

_ADDRESSES = [{"clientCIDR": "0.0.0.0/0", "serverAddress": "127.0.0.1"}]


def api_versions() -> dict[str, Any]:
    """`GET /api`: the core group's versions."""
    return {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": _ADDRESSES}


def _group(group: str, versions: list[str]) -> dict[str, Any]:
    ordered = sorted(versions, key=version_priority, reverse=True)
    entries = [{"groupVersion": f"{group}/{v}", "version": v} for v in ordered]
    return {"name": group, "versions": entries, "preferredVersion": entries[0]}


def _versions_by_group(types: list[ResourceType]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for rtype in types:
        if rtype.group:
            known = out.setdefault(rtype.group, [])
            known.extend(v for v in rtype.versions if v not in known)
    return out


def api_group_list(types: list[ResourceType]) -> dict[str, Any]:
    """`GET /apis`: every named group with its versions and preferred version."""
    groups = [_group(g, v) for g, v in _versions_by_group(types).items()]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def api_group(types: list[ResourceType], group: str) -> dict[str, Any] | None:
    """`GET /apis/{group}` (None when the group is not served)."""
    versions = _versions_by_group(types).get(group)
    if not versions:
        return None
    return {"kind": "APIGroup", "apiVersion": "v1", **_group(group, versions)}


def resource_list(types: list[ResourceType], group: str, version: str) -> dict[str, Any] | None:
    """`GET /api/v1` or `/apis/{group}/{version}` (None when nothing is served there)."""
    served = [r for r in types if r.group == group and version in r.versions]
    if not served:
        return None
    resources: list[dict[str, Any]] = []
    for rtype in served:
        entry: dict[str, Any] = {"name": rtype.plural, "singularName": rtype.singular,
                                 "namespaced": rtype.namespaced, "kind": rtype.kind,
                                 "verbs": list(ALL_VERBS)}
        if rtype.short_names:
            entry["shortNames"] = list(rtype.short_names)
        if rtype.categories:
            entry["categories"] = list(rtype.categories)
        resources.append(entry)
        if rtype.status_subresource:
            resources.append({"name": f"{rtype.plural}/status", "singularName": "",
                              "namespaced": rtype.namespaced, "kind": rtype.kind,
                              "verbs": ["get", "patch", "update"]})
    group_version = f"{group}/{version}" if group else version
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version,
            "resources": resources}
