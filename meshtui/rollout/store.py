"""Provides reading a split's plan state and writing transitions back, through `ClusterWriter`.

A transition is ONE write: the state annotation, and the weights when traffic moves, in the same
patch guarded by the resourceVersion the state was read at. So a runner killed at any moment has
either written both or neither, and a transition computed from a stale read fails with
`Conflict` instead of being applied twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meshtui.model.plan_state import (
    ANNOTATION,
    PlanState,
    Transition,
    read_annotation,
    state_problem,
)
from meshtui.model.plan import is_backend_name
from meshtui.model.write_descriptions import JSON_PATCH, MERGE_PATCH, PlannedWrite
from meshtui.model.roles import stable_and_canary
from meshtui.model.text import short_repr
from meshtui.model.weight_writes import rule_percents, rules_write, split_target

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.plan import Plan
    from meshtui.model.split import Split

__all__ = ["RolloutError", "Tracked", "canary_percent", "choose_roles", "last_writer", "read_state",
           "write_transition"]

SPLIT_RESOURCES = ("trafficsplits", "httproutes.gateway.networking.k8s.io",
                   "httproutes.policy.linkerd.io")


class RolloutError(Exception):
    """A plan cannot be started or driven on this split; the message says why."""


@dataclass(frozen=True)
class Tracked:
    """A split and the plan state read from it (None when it has no plan)."""

    split: Split
    state: PlanState | None
    error: str | None = None
    """Why the annotation could not be read, if it could not."""


def read_state(split: Split) -> Tracked:
    """The plan state a split carries.

    An annotation that does not fit the schema, or a running plan whose canary or stable is not a
    backend of the split's first rule, gives no state and says why in `Tracked.error`: nothing
    drives it, and the other splits are not affected.
    """
    text = split.annotations.get(ANNOTATION)
    if text is None:
        return Tracked(split, None)
    state, error = read_annotation(text)
    if state is not None:
        error = state_problem(state, _rule0(split))
    return Tracked(split, None, error) if error else Tracked(split, state)


def list_tracked(client: MeshClient, namespace: str | None) -> list[Tracked]:
    """Every split in scope that carries a plan annotation."""
    return [read_state(split) for split in client.list_splits(namespace)
            if ANNOTATION in split.annotations]


def _rule0(split: Split) -> list[str]:
    first = split.backends[0].rule if split.backends else 0
    return [b.name for b in split.backends if b.rule == first]


def choose_roles(split: Split, plan: Plan) -> tuple[str, str]:
    """The (canary, stable) backend names the plan acts on.

    Raises:
        RolloutError: When the split has an owner, too few backends, or names the plan gives
            are not among them.
    """
    if split.owner is not None:
        raise RolloutError(f"{split.ref} is driven by {split.owner.controller} "
                           f"({split.owner.kind} {split.owner.name}): meshtui plans only run on "
                           "splits no controller owns")
    names = _rule0(split)
    if len(names) < 2:
        raise RolloutError(f"{split.ref} needs at least two backends for a canary")
    stable_i, canary_i = stable_and_canary(split)
    stable = plan.stable or (split.backends[stable_i].name if stable_i is not None else "")
    canary = plan.canary or (split.backends[canary_i].name if canary_i is not None else "")
    for role, name in (("canary", canary), ("stable", stable)):
        if name not in names:
            raise RolloutError(f"{role} backend {name!r} is not a backend of {split.ref} "
                               f"(backends: {', '.join(names)})")
        if not is_backend_name(name):
            # The plan state's reader refuses it, so the plan would be written only to be skipped.
            raise RolloutError(f"{role} backend {short_repr(name, 60)} of {split.ref} is not a "
                               "name Kubernetes accepts: no plan can run on it")
    if canary == stable:
        raise RolloutError(f"canary and stable are the same backend {canary!r}")
    return canary, stable


def canary_percent(split: Split, canary: str) -> int:
    """The canary's whole percentage in the split's first rule."""
    names = _rule0(split)
    rule = split.backends[0].rule if split.backends else 0
    return rule_percents(split, rule)[names.index(canary)]


def _percents(split: Split, canary: str, stable: str, weight: int) -> dict[int, list[int]]:
    """The percentages of every rule that splits between `canary` and `stable`.

    An HTTPRoute may route several paths to the same pair: the plan moves them all, so the
    canary's exposure is what the plan says on every path. Rules without both are left alone.
    """
    out: dict[int, list[int]] = {}
    for rule in sorted({backend.rule for backend in split.backends}):
        names = [b.name for b in split.backends if b.rule == rule]
        if canary not in names or stable not in names:
            continue
        current = rule_percents(split, rule)
        others = sum(p for n, p in zip(names, current, strict=True) if n not in (canary, stable))
        if weight + others > 100:
            where = f" in rule {rule + 1}" if rule else ""
            raise RolloutError(f"cannot give {canary} {weight}%{where}: other backends hold "
                               f"{others}%")
        out[rule] = [weight if n == canary else 100 - weight - others if n == stable else p
                     for n, p in zip(names, current, strict=True)]
    return out


def last_writer(split: Split, exclude: str = "meshtui") -> str:
    """The field manager that wrote the split most recently, other than `exclude`."""
    entries = [e for e in (split.obj.get("metadata") or {}).get("managedFields") or []
               if isinstance(e, dict) and e.get("manager") and e.get("manager") != exclude]
    if not entries:
        return ""
    return str(max(entries, key=lambda e: str(e.get("time") or "")).get("manager"))


def _annotation_write(split: Split, text: str, weights: dict[int, list[int]] | None
                      ) -> PlannedWrite:
    if weights:
        planned = rules_write(split, weights)
    else:
        patch: dict[str, Any] = {"metadata": {"resourceVersion": split.resource_version}}
        planned = PlannedWrite(split_target(split), patch, MERGE_PATCH, "",
                               f"record rollout state on {split.ref}")
    if planned.patch_type != JSON_PATCH:
        patch = dict(planned.patch)
        patch["metadata"] = {**patch["metadata"], "annotations": {ANNOTATION: text}}
        return PlannedWrite(planned.target, patch, planned.patch_type, "", planned.description)
    ops = list(planned.patch)
    if isinstance((split.obj.get("metadata") or {}).get("annotations"), dict):
        ops.append({"op": "add", "path": "/metadata/annotations/" +
                    ANNOTATION.replace("~", "~0").replace("/", "~1"), "value": text})
    else:
        ops.append({"op": "add", "path": "/metadata/annotations", "value": {ANNOTATION: text}})
    return PlannedWrite(planned.target, ops, JSON_PATCH, "", planned.description)


def write_transition(writer: ClusterWriter, split: Split, before: PlanState | None,
                     transition: Transition, action: str) -> Split:
    """Write a transition in one request guarded by the split's resourceVersion.

    Returns:
        The split as written.

    A weight step sets every rule that splits between the canary and the stable backend.

    Raises:
        RolloutError: When the weight cannot be given (no rule holds both backends, or other
            backends hold too much); nothing was written.
        Conflict: When the split changed since it was read (nothing was written).
        KubeError: On any other failure.
    """
    from meshtui.model.split import parse_split

    state = transition.state
    weights = None
    if transition.set_weight is not None:
        weights = _percents(split, state.canary, state.stable, transition.set_weight)
        if not weights:
            raise RolloutError(f"no rule of {split.ref} splits between {state.canary} and "
                               f"{state.stable} any more")
    planned = _annotation_write(split, state.to_annotation(), weights)
    shown_before: dict[str, Any] = {"phase": before.phase if before else None,
                                    "step": before.step if before else None,
                                    "canary": canary_percent(split, state.canary)}
    shown_after = {"phase": state.phase, "step": state.step, "canary": state.weight,
                   "message": state.message}
    result = writer.write(planned, action, before=shown_before, after=shown_after)
    return parse_split(result.obj) if result.obj and not result.dry_run else split
