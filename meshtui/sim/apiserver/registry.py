"""The registry of resource types the emulator serves: built-ins plus CRD-defined ones."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from meshtui.sim.apiserver.errors import ApiError

ALL_VERBS = ("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")

_VERSION_RE = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")


def version_priority(version: str) -> tuple[int, int, int]:
    """Sort key giving Kubernetes version priority (GA > beta > alpha, then higher numbers).

    Args:
        version: A version string such as ``v1beta2``.

    Returns:
        A tuple that sorts higher for higher-priority versions.
    """
    match = _VERSION_RE.match(version)
    if not match:
        return (-1, 0, 0)
    major, stage, minor = match.groups()
    rank = {"alpha": 0, "beta": 1, None: 2}[stage]
    return (rank, int(major), int(minor or 0))


@dataclass(frozen=True)
class PrinterColumn:
    """An `additionalPrinterColumns` entry for Table output."""

    name: str
    json_path: str
    type: str = "string"
    description: str = ""
    priority: int = 0


@dataclass(frozen=True)
class ResourceType:
    """One served resource (all its versions share storage, conversion None).

    Attributes:
        group: API group, ``""`` for core.
        plural: Plural resource name used in URLs.
        kind: Object kind.
        versions: Served versions.
        storage_version: The version objects are stored at.
        namespaced: Whether objects live in namespaces.
        singular: Singular name.
        short_names: kubectl short names.
        categories: Discovery categories.
        status_subresource: Whether `/status` exists and the main endpoint ignores `.status`.
        builtin: Built-in types accept strategic merge patches (treated as merge).
        columns: Extra Table columns.
        schemas: OpenAPI v3 schema per version.
    """

    group: str
    plural: str
    kind: str
    versions: tuple[str, ...]
    storage_version: str
    namespaced: bool = True
    singular: str = ""
    short_names: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    status_subresource: bool = False
    builtin: bool = False
    columns: tuple[PrinterColumn, ...] = ()
    schemas: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> tuple[str, str]:
        """The storage key (group, plural)."""
        return (self.group, self.plural)

    @property
    def preferred_version(self) -> str:
        """The highest-priority served version."""
        return max(self.versions, key=version_priority)

    @property
    def qualified(self) -> str:
        """`plural.group` (or `plural` for core)."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    def api_version(self, version: str | None = None) -> str:
        """The `apiVersion` string for `version` (default: the storage version)."""
        version = version or self.storage_version
        return f"{self.group}/{version}" if self.group else version


def split_api_version(api_version: str) -> tuple[str, str]:
    """Split ``group/version`` (or ``v1``) into (group, version)."""
    if "/" in api_version:
        group, version = api_version.split("/", 1)
        return group, version
    return "", api_version


class Registry:
    """Lookup tables over the registered resource types. Not thread-safe on its own."""

    def __init__(self) -> None:
        self._by_key: dict[tuple[str, str], ResourceType] = {}
        self._by_kind: dict[tuple[str, str], ResourceType] = {}

    def add(self, rtype: ResourceType) -> None:
        """Register (or replace) a resource type."""
        old = self._by_key.get(rtype.key)
        if old is not None:
            self._by_kind.pop((old.group, old.kind), None)
        self._by_key[rtype.key] = rtype
        self._by_kind[(rtype.group, rtype.kind)] = rtype

    def remove(self, group: str, plural: str) -> ResourceType | None:
        """Unregister a resource type, returning it if it was there."""
        rtype = self._by_key.pop((group, plural), None)
        if rtype is not None:
            self._by_kind.pop((rtype.group, rtype.kind), None)
        return rtype

    def all(self) -> list[ResourceType]:
        """All registered types in registration order."""
        return list(self._by_key.values())

    def by_plural(self, group: str, version: str, plural: str) -> ResourceType:
        """Resolve a URL's group, version and plural, raising 404 when not served."""
        rtype = self._by_key.get((group, plural))
        if rtype is None or version not in rtype.versions:
            raise ApiError(404, "the server could not find the requested resource", "NotFound")
        return rtype

    def by_kind(self, api_version: str, kind: str) -> ResourceType:
        """Resolve an object's apiVersion and kind, raising 404 when not served."""
        group, version = split_api_version(api_version)
        rtype = self._by_kind.get((group, kind))
        if rtype is None or version not in rtype.versions:
            raise ApiError(404, f'no matches for kind "{kind}" in version "{api_version}"',
                           "NotFound")
        return rtype

    def groups(self) -> dict[str, list[str]]:
        """Served versions per group, highest priority first, groups in registration order."""
        out: dict[str, set[str]] = {}
        for rtype in self._by_key.values():
            out.setdefault(rtype.group, set()).update(rtype.versions)
        return {g: sorted(v, key=version_priority, reverse=True) for g, v in out.items()}

    def in_group_version(self, group: str, version: str) -> list[ResourceType]:
        """Types served at group/version."""
        return [r for r in self._by_key.values() if r.group == group and version in r.versions]
