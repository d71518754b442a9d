"""Provides the recognition of the controller that owns a split object.

Flagger and Argo Rollouts set an ownerReference (controller=true) on the TrafficSplits and
HTTPRoutes they create. When there is none (Flagger against a remote mesh cluster, Argo's Gateway API
plugin editing a user-owned route), the field managers and Argo's in-progress label still tell which
controller writes the weights; the owning object's name is then left empty for `MeshState` to resolve.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str, split_api_version, string_map

__all__ = [
    "ARGO_GATEWAY_LABEL",
    "ARGO_ROLLOUTS",
    "CONTROLLER_NAMES",
    "FLAGGER",
    "OTHER",
    "ControllerName",
    "Owner",
    "controller_of",
    "owner_from_metadata",
]

FLAGGER = "flagger"
"""Controller name of Flagger."""
ARGO_ROLLOUTS = "argo-rollouts"
"""Controller name of Argo Rollouts."""
OTHER = "other"
"""Controller name of any owner meshtui does not know how to drive."""


@dataclass(frozen=True)
class ControllerName:
    """How a controller meshtui drives is named on screen."""

    full: str
    """The product's name, e.g. "Argo Rollouts"."""
    short: str
    """A name for narrow columns, e.g. "Argo"."""


CONTROLLER_NAMES: Mapping[str, ControllerName] = MappingProxyType({
    FLAGGER: ControllerName("Flagger", "Flagger"),
    ARGO_ROLLOUTS: ControllerName("Argo Rollouts", "Argo"),
})
"""Display names of the controllers meshtui drives, by controller name."""

ARGO_GATEWAY_LABEL = "rollouts.argoproj.io/gatewayapi-canary"
"""Label Argo's Gateway API plugin puts on a route while a canary is in progress."""

_FLAGGER_API = "flagger.app/v1beta1"
_ROLLOUT_API = "argoproj.io/v1alpha1"
_ARGO_MANAGERS = frozenset({"argo-rollouts", "rollouts-controller"})


@dataclass(frozen=True)
class Owner:
    """The controller that owns a split and rewrites its weights."""

    kind: str
    """`Canary`, `Rollout`, or whatever kind owns the object."""
    name: str
    """Name of the owning object; empty when only the controller is known (resolved by MeshState)."""
    api_version: str
    """API version of the owner, e.g. `flagger.app/v1beta1`."""
    controller: str
    """`flagger`, `argo-rollouts` or `other`."""


def controller_of(kind: str, api_version: str) -> str:
    """Name the controller behind an owner kind: `flagger`, `argo-rollouts` or `other`."""
    group, _ = split_api_version(api_version)
    if kind == "Canary" and group == "flagger.app":
        return FLAGGER
    if kind == "Rollout" and group == "argoproj.io":
        return ARGO_ROLLOUTS
    return OTHER


def owner_from_metadata(meta: dict[str, Any]) -> Owner | None:
    """Find the owner of an object from its ownerReferences, labels and managedFields.

    Args:
        meta: The object's metadata.

    Returns:
        The owner, or None when nothing points at a controller.
    """
    owner = _from_owner_references(meta.get("ownerReferences"))
    if owner is not None:
        return owner
    if ARGO_GATEWAY_LABEL in string_map(meta.get("labels")):
        return Owner(kind="Rollout", name="", api_version=_ROLLOUT_API, controller=ARGO_ROLLOUTS)
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
    """Recognise Flagger or Argo Rollouts among the field managers of the object."""
    for item in as_list(value):
        manager = as_str(as_dict(item).get("manager"))
        if manager == FLAGGER:
            return Owner(kind="Canary", name="", api_version=_FLAGGER_API, controller=FLAGGER)
        if manager in _ARGO_MANAGERS:
            return Owner(kind="Rollout", name="", api_version=_ROLLOUT_API, controller=ARGO_ROLLOUTS)
    return None
