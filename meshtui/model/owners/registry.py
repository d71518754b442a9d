"""Provides the registry of owner kinds that the rest of meshtui iterates.

Resources, MeshState, the owner index, traffic control, the owner panel, confirmations and the
CLI look controllers up here instead of naming them. Registration order is precedence order when
two kinds could claim the same split.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from meshtui.model._fields import split_api_version
from meshtui.model.owners._kind import ControllerName, OwnerKind, OwnerResource

__all__ = [
    "OTHER",
    "by_controller",
    "by_manager",
    "by_reference",
    "by_resource",
    "by_state",
    "display_name",
    "owner_kinds",
    "owner_resources",
    "register",
    "registered",
]

OTHER = "other"
"""Controller name of any owner meshtui does not know how to drive."""

_KINDS: dict[str, OwnerKind] = {}


def register(kind: OwnerKind) -> OwnerKind:
    """Add an owner kind (replacing one with the same controller name); returns it."""
    _KINDS[kind.controller] = kind
    return kind


@contextmanager
def registered(kind: OwnerKind) -> Iterator[OwnerKind]:
    """Register `kind` for the duration of a `with` block (tests, plugins tried out)."""
    before = _KINDS.get(kind.controller)
    register(kind)
    try:
        yield kind
    finally:
        if before is None:
            _KINDS.pop(kind.controller, None)
        else:
            _KINDS[kind.controller] = before


def owner_kinds() -> tuple[OwnerKind, ...]:
    """Every registered kind, in precedence order."""
    return tuple(_KINDS.values())


def by_controller(controller: str) -> OwnerKind | None:
    """The kind of a controller name, or None (`other`, or unknown)."""
    return _KINDS.get(controller)


def by_state(state: Any) -> OwnerKind | None:
    """The kind whose `parse` made `state`, or None."""
    for kind in _KINDS.values():
        if isinstance(state, kind.state_type):
            return kind
    return None


def by_reference(kind: str, api_version: str) -> OwnerKind | None:
    """The kind of an ownerReference (kind and API group must match), or None."""
    group, _ = split_api_version(api_version)
    for owner_kind in _KINDS.values():
        if owner_kind.kind == kind and split_api_version(owner_kind.api_version)[0] == group:
            return owner_kind
    return None


def by_manager(manager: str) -> OwnerKind | None:
    """The kind writing as field manager `manager`, or None."""
    for kind in _KINDS.values():
        if manager in kind.managers or manager in kind.writers:
            return kind
    return None


def by_resource(key: str) -> OwnerKind | None:
    """The kind whose owning objects are listed under resource key `key`, or None."""
    for kind in _KINDS.values():
        if kind.resource is not None and kind.resource.key == key:
            return kind
    return None


def owner_resources() -> tuple[OwnerResource, ...]:
    """Where every registered kind's owning objects are listed (kinds with their own objects)."""
    return tuple(kind.resource for kind in _KINDS.values() if kind.resource is not None)


def display_name(controller: str) -> ControllerName | None:
    """How a registered controller is named on screen, or None for an unknown one."""
    kind = _KINDS.get(controller)
    return kind.names if kind is not None else None
