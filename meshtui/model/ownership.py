"""Provides the recognition of the controller that owns a split object, from the object alone.

Flagger and Argo Rollouts set an ownerReference (controller=true) on the TrafficSplits and
HTTPRoutes they create. When there is none (Flagger against a remote mesh cluster, Argo's Gateway API
plugin editing a user-owned route), a controller's label (Argo's in-progress label,
linkerd-failover's `controlled-by`) or its field manager still tells which controller writes the
weights; the owning object's name is then left empty for the owner index to resolve. Which marks
mean which controller is declared by the owner kinds (`meshtui.model.owners`).
"""

from __future__ import annotations

from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str
from meshtui.model.owners import registry
from meshtui.model.owners._kind import Owner
from meshtui.model.owners.registry import OTHER

__all__ = [
    "OTHER",
    "Owner",
    "controller_of",
    "owner_from_metadata",
    "owner_text",
    "who",
]


def controller_of(kind: str, api_version: str) -> str:
    """Name the controller behind an owner kind, or `other`."""
    found = registry.by_reference(kind, api_version)
    return found.controller if found is not None else OTHER


def owner_text(owner: Owner) -> str:
    """The owner in a table's OWNER column: "Canary/podinfo", or "linkerd-failover"."""
    kind = registry.by_controller(owner.controller)
    return kind.owner_text(owner) if kind is not None else f"{owner.kind}/{owner.name}"


def who(owner: Owner) -> str:
    """The owner as prose names it: "Canary podinfo", "linkerd-failover", or the controller."""
    kind = registry.by_controller(owner.controller)
    if kind is not None:
        return kind.who(owner)
    return f"{owner.kind} {owner.name}" if owner.name else owner.controller


def owner_from_metadata(meta: dict[str, Any], kind: str = "", api_version: str = "") -> Owner | None:
    """Find the owner of an object from its ownerReferences, labels and managedFields.

    Args:
        meta: The object's metadata.
        kind: The object's kind (a mark may apply to one kind only).
        api_version: The object's API version.

    Returns:
        The owner, or None when nothing points at a controller.
    """
    owner = _from_owner_references(meta.get("ownerReferences"))
    if owner is not None:
        return owner
    for owner_kind in registry.owner_kinds():
        owner = owner_kind.mark(meta, kind, api_version)
        if owner is not None:
            return owner
    return _from_managers(meta.get("managedFields"))


def _from_owner_references(value: Any) -> Owner | None:
    """Pick the controller reference, else the first one meshtui can drive, else the first."""
    owners: list[tuple[bool, Owner]] = []
    for item in as_list(value):
        ref = as_dict(item)
        kind, name = as_str(ref.get("kind")), as_str(ref.get("name"))
        if not kind or not name:
            continue
        api_version = as_str(ref.get("apiVersion"))
        owner = Owner(kind=kind, name=name, api_version=api_version,
                      controller=controller_of(kind, api_version))
        owners.append((ref.get("controller") is True, owner))
    for is_controller, owner in owners:
        if is_controller:
            return owner
    for _, owner in owners:
        if owner.controller != OTHER:
            return owner
    return owners[0][1] if owners else None


def _from_managers(value: Any) -> Owner | None:
    """Recognise a registered controller among the field managers that mark ownership."""
    for item in as_list(value):
        manager = as_str(as_dict(item).get("manager"))
        for owner_kind in registry.owner_kinds():
            if manager in owner_kind.managers:
                return Owner(kind=owner_kind.kind, name="", api_version=owner_kind.api_version,
                             controller=owner_kind.controller)
    return None
