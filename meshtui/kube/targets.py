"""Finds what a control command acts on: the split a ``KIND/NAME`` names and its owner's state.

The percentages typed with it are read by `meshtui.model.weights.parse_assignments`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from meshtui.kube.errors import KubeError

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.model.owners import CanaryState, RolloutState
    from meshtui.model.split import Split

__all__ = ["TargetError", "owner_state", "parse_target", "resolve_split"]


_KINDS = {
    "trafficsplit": ("trafficsplits",), "trafficsplits": ("trafficsplits",),
    "ts": ("trafficsplits",),
    "httproute": ("httproutes.gateway.networking.k8s.io", "httproutes.policy.linkerd.io"),
    "httproutes": ("httproutes.gateway.networking.k8s.io", "httproutes.policy.linkerd.io"),
    "hr": ("httproutes.gateway.networking.k8s.io", "httproutes.policy.linkerd.io"),
    "httproutes.gateway.networking.k8s.io": ("httproutes.gateway.networking.k8s.io",),
    "httproutes.policy.linkerd.io": ("httproutes.policy.linkerd.io",),
}
_ALL_SPLITS = ("trafficsplits", "httproutes.gateway.networking.k8s.io",
               "httproutes.policy.linkerd.io")
_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


class TargetError(KubeError):
    """A ``KIND/NAME`` that names no single split: an unknown kind, a name Kubernetes would refuse,
    or a name found under several kinds."""


def parse_target(text: str) -> tuple[tuple[str, ...], str]:
    """Read ``KIND/NAME`` (or ``NAME``) into the resource keys to look in and a validated name.

    Raises:
        TargetError: For an unknown kind or a name that is not a Kubernetes object name.
    """
    kind, _, name = text.rpartition("/")
    keys = _KINDS.get(kind.lower()) if kind else _ALL_SPLITS
    if keys is None:
        raise TargetError(f"unknown kind {kind!r}: use trafficsplit (ts) or httproute (hr)")
    if not _NAME.fullmatch(name):
        raise TargetError(f"invalid object name {name!r}: lower-case letters, digits, '-' and '.'")
    return keys, name


def resolve_split(client: MeshClient, namespace: str, keys: Sequence[str], name: str) -> Split:
    """Read the one split called `name` among the resource types `keys`.

    Raises:
        NotFound: When no such split exists.
        TargetError: When the name is ambiguous across kinds or groups.
    """
    from meshtui.kube.errors import NotFound
    from meshtui.model.split import parse_split

    found = []
    for key in keys:
        if client.served(key) is None:
            continue
        try:
            found.append(parse_split(client.get(key, namespace, name)))
        except NotFound:
            continue
    if not found:
        kinds = "TrafficSplit or HTTPRoute" if len(keys) > 1 else keys[0]
        raise NotFound(f"no {kinds} named {name!r} in namespace {namespace!r}")
    if len(found) > 1:
        names = ", ".join(f"{s.kind.lower()}s.{s.group}/{s.name}" for s in found)
        raise TargetError(f"{name!r} is ambiguous in namespace {namespace!r} ({names}); "
                           "say which with KIND/NAME")
    return found[0]


def owner_state(client: MeshClient, split: Split) -> CanaryState | RolloutState | None:
    """Read the Canary or Rollout that drives a split (searched for when only its kind is known)."""
    from meshtui.kube.errors import NotFound
    from meshtui.model.owners import CanaryState, RolloutState
    from meshtui.model.ownership import ARGO_ROLLOUTS, FLAGGER

    owner = split.owner
    if owner is None or owner.controller not in (FLAGGER, ARGO_ROLLOUTS):
        return None
    key, reader = (("canaries", CanaryState) if owner.controller == FLAGGER
                   else ("rollouts", RolloutState))
    if client.served(key) is None:
        return None
    if owner.name:
        try:
            return reader.from_object(client.get(key, split.namespace, owner.name))
        except NotFound:
            return None
    objects, _ = client.list(key, split.namespace)
    for obj in objects:
        state = reader.from_object(obj)
        if isinstance(state, CanaryState) and state.apex == split.name:
            return state
        if isinstance(state, RolloutState) and split.name in (state.traffic_split_name,
                                                              *state.http_routes):
            return state
    return None
