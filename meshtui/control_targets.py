"""Provides what the control commands act on: the split named on the command line, its owner's
state, and the percentages a user typed.

Kept apart from `meshtui.cli.control` (argument parsing and output) so the UI can reuse them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.model.owners import CanaryState, RolloutState
    from meshtui.model.plans import WeightPlan
    from meshtui.model.split import Split

__all__ = ["ControlError", "owner_state", "parse_assignments", "parse_target", "resolve_split",
           "weights_from_assignments"]


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


class ControlError(Exception):
    """A request the command line refuses before talking to the cluster."""


def parse_target(text: str) -> tuple[tuple[str, ...], str]:
    """Read ``KIND/NAME`` (or ``NAME``) into the resource keys to look in and a validated name.

    Raises:
        ControlError: For an unknown kind or a name that is not a Kubernetes object name.
    """
    kind, _, name = text.rpartition("/")
    keys = _KINDS.get(kind.lower()) if kind else _ALL_SPLITS
    if keys is None:
        raise ControlError(f"unknown kind {kind!r}: use trafficsplit (ts) or httproute (hr)")
    if not _NAME.fullmatch(name):
        raise ControlError(f"invalid object name {name!r}: lower-case letters, digits, '-' and '.'")
    return keys, name


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Read ``BACKEND=PERCENT`` words into ``{backend: percent text}``.

    Every percentage is checked here, before any request is made; which backends exist is
    checked once the split has been read (`weights_from_assignments`).

    Raises:
        ControlError: For a word without ``=``, an empty side, a backend given twice, a value
            that is not a whole percentage from 0 to 100, or values adding up to more than 100.
    """
    from meshtui.model.text import short_repr, visible
    from meshtui.model.weights import validate_percent

    result: dict[str, str] = {}
    total = 0
    for item in items:
        backend, sep, value = item.partition("=")
        if not sep or not backend or not value.strip():
            raise ControlError(f"expected BACKEND=PERCENT, got {short_repr(item, 60)}")
        if backend in result:
            raise ControlError(f"backend {short_repr(backend, 60)} is given twice")
        try:
            total += validate_percent(value)
        except ValueError as exc:
            raise ControlError(f"{visible(backend, 60)}: {exc}") from None
        result[backend] = value
    if total > 100:
        raise ControlError(f"the percentages add up to {total}, more than 100")
    return result


def resolve_split(client: MeshClient, namespace: str, keys: Sequence[str], name: str) -> Split:
    """Read the one split called `name` among the resource types `keys`.

    Raises:
        NotFound: When no such split exists.
        ControlError: When the name is ambiguous across kinds or groups.
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
        raise ControlError(f"{name!r} is ambiguous in namespace {namespace!r} ({names}); "
                           "say which with KIND/NAME")
    return found[0]


def weights_from_assignments(split: Split, assignments: dict[str, str], rule: int) -> WeightPlan:
    """Whole percentages for one rule from ``{backend: percent}`` as typed.

    Backends not named share what is left in proportion to their current shares (evenly when
    none has any).

    Raises:
        ControlError: Unknown backend, non-numeric, negative, fractional or >100 values, named
            values over 100, all named but not summing to 100, or all zero.
    """
    from meshtui.model.plans import WeightPlan
    from meshtui.model.text import short_repr, visible
    from meshtui.model.weight_writes import rule_percents
    from meshtui.model.weights import apportion, validate_percent
    from meshtui.output import BACKENDS_SHOWN, NAME_LIMIT, listed

    names = [b.name for b in split.backends if b.rule == rule]
    if not names:
        raise ControlError(f"{split.ref} has no rule {rule + 1} with backends")
    for backend in assignments:
        if backend not in names:
            shown = [visible(n, NAME_LIMIT) for n in names[:BACKENDS_SHOWN]]
            raise ControlError(f"unknown backend {short_repr(backend, NAME_LIMIT)} in {split.ref} "
                               f"(backends: {listed(shown, len(names))})")
    wanted = {}
    for backend, value in assignments.items():
        try:
            wanted[backend] = validate_percent(value)
        except ValueError as exc:
            raise ControlError(f"{visible(backend, NAME_LIMIT)}: {exc}") from None
    total = sum(wanted.values())
    before = rule_percents(split, rule)
    if total > 100:
        raise ControlError(f"the percentages add up to {total}, more than 100")
    if len(wanted) == len(names):
        if total != 100:
            raise ControlError(f"the percentages add up to {total}, not 100"
                               + (": no backend would receive traffic" if total == 0 else ""))
        after = [wanted[n] for n in names]
    else:
        rest = [i for i, n in enumerate(names) if n not in wanted]
        shares = [max(before[i], 0) for i in rest]
        if not any(shares):
            shares = [1] * len(rest)
        after = [wanted.get(n, 0) for n in names]
        for i, part in zip(rest, apportion(shares, 100 - total), strict=True):
            after[i] = part
    if sum(after) != 100:
        raise ControlError(f"the percentages add up to {sum(after)}, not 100")
    return WeightPlan(split.ref, rule, tuple(before), tuple(after), tuple(names))


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
