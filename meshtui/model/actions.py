"""Provides what an action means for a split and its owner, and how to tell a write was reverted.

An action on a split owned by Flagger or Argo Rollouts is asked of that controller (writing weights
directly would be reverted on its next reconcile). A split nobody drives is changed directly:
promote sends everything to the canary, abort everything to stable.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from meshtui.model._fields import as_dict, as_str
from meshtui.model._owner_actions import canary_writes, gate_checks, rollout_writes
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.ownership import ARGO_ROLLOUTS, FLAGGER, Owner
from meshtui.model.write_descriptions import (
    MERGE_PATCH,
    ActionPlan,
    ObjectTarget,
    PlannedWrite,
    ProxyPost,
    Unavailable,
    WeightPlan,
)
from meshtui.model.roles import STABLE_ANNOTATION, stable_and_canary
from meshtui.model.split import Split
from meshtui.model.weight_writes import rule_percents, split_target, weight_write
from meshtui.model.weights import all_to

__all__ = [
    "ACTIONS",
    "PAUSE_STOPS_WEIGHTS",
    "ActionPlan",
    "ObjectTarget",
    "PlannedWrite",
    "ProxyPost",
    "Unavailable",
    "WeightPlan",
    "detect_revert",
    "gate_checks",
    "manual_weights_warning",
    "plan_mark_stable",
    "plan_action",
]

ACTIONS = ("pause", "resume", "promote", "promote-full", "abort", "retry")
"""Every action meshtui offers."""

_MANAGER_NAMES = {"rollouts-controller": ARGO_ROLLOUTS}

PAUSE_STOPS_WEIGHTS = frozenset({FLAGGER})
"""Controllers whose pause stops them setting the weights (Flagger's `spec.suspend`). A paused
Argo Rollout keeps setting them to its current step."""


def manual_weights_warning(owner: Owner, pause_hint: str = "", move_hint: str = "") -> str:
    """What a manual weight change on a split `owner` drives will come to, and what works instead.

    Args:
        owner: The split's owner (Flagger or Argo Rollouts).
        pause_hint: How to suspend Flagger first, e.g. "(c)", where that is offered.
        move_hint: How to promote or abort, e.g. "(P / A)".
    """
    who = f"{owner.kind} {owner.name}" if owner.name else owner.controller
    if owner.controller in PAUSE_STOPS_WEIGHTS:
        hint = f" {pause_hint}" if pause_hint else ""
        return (f"{who} owns this split: Flagger will take it over and set the weights back on "
                f"its next analysis, unless it is suspended first{hint}.")
    hint = f" {move_hint}" if move_hint else ""
    return (f"{who} owns this split: Argo Rollouts will set the weights back to the Rollout's "
            "current step within seconds, even while it is paused. To move traffic, promote "
            f"or abort the Rollout{hint}.")


def plan_action(split: Split, owner_state: CanaryState | RolloutState | None,
                action: str) -> ActionPlan | Unavailable:
    """Plan an action on a split.

    Args:
        split: The split the user acted on.
        owner_state: State of its Canary or Rollout (from `MeshState.owner_state`), if any.
        action: One of `ACTIONS`.

    Returns:
        The writes to make, or why the action is not available.
    """
    if action not in ACTIONS:
        return Unavailable(action, f"unknown action {action!r}; expected one of {', '.join(ACTIONS)}")
    if isinstance(owner_state, CanaryState):
        writes = canary_writes(owner_state, action)
        controller = FLAGGER
    elif isinstance(owner_state, RolloutState):
        writes = rollout_writes(owner_state, action)
        controller = ARGO_ROLLOUTS
    else:
        return _direct(split, action)
    if isinstance(writes, Unavailable):
        return writes
    summary = "; ".join(write.description for write in writes)
    notes: tuple[str, ...] = ()
    if controller == FLAGGER and action in ("promote", "abort"):
        then = "promotes the canary" if action == "promote" else "rolls the canary back"
        notes = (f"Opening the gate changes no traffic by itself: Flagger {then} when it next "
                 "checks the gate (each analysis interval).",)
    return ActionPlan(action, split.ref, controller, summary[:1].upper() + summary[1:],
                      tuple(writes), notes=notes)


def plan_mark_stable(split: Split, owner_state: CanaryState | RolloutState | None,
                     backend: str) -> ActionPlan | Unavailable:
    """Record `backend` as the split's stable backend (`meshtui.io/stable`), guarded by its
    resourceVersion. Roles then follow it: the canary is another backend, `0` sends all to it.

    Args:
        split: The split as read.
        owner_state: Its owner's state: an owner's declared stable service wins, so no mark.
        backend: The backend to mark (first rule).
    """
    owner = split.owner
    if owner is not None and owner.controller in (FLAGGER, ARGO_ROLLOUTS):
        who = f"{owner.kind} {owner.name}" if owner.name else owner.controller
        return Unavailable("mark-stable", f"{who} decides which backend of {split.ref} is stable")
    stable, _ = stable_and_canary(split, owner_state)
    if stable is not None and split.backends[stable].name == backend:
        return Unavailable("mark-stable", f"{backend} is already the stable backend")
    patch = {"metadata": {"resourceVersion": split.resource_version,
                          "annotations": {STABLE_ANNOTATION: backend}}}
    write = PlannedWrite(split_target(split), patch, MERGE_PATCH, "",
                         f"set {STABLE_ANNOTATION}={backend} on {split.ref}")
    return ActionPlan("mark-stable", split.ref, "none",
                      f"Mark {backend} as the stable backend of {split.ref}", (write,))


def _direct(split: Split, action: str) -> ActionPlan | Unavailable:
    """Promote or abort a split no controller drives by writing its first rule's weights."""
    owner = split.owner
    if owner is not None and owner.controller in (FLAGGER, ARGO_ROLLOUTS):
        who = f"{owner.kind} {owner.name}" if owner.name else owner.controller
        return Unavailable(action, f"{split.ref} is driven by {who}, whose state is not known yet; "
                                   "weights written directly would be reverted")
    if action not in ("promote", "abort"):
        return Unavailable(action, "no progressive plan runs on this split")
    stable, canary = stable_and_canary(split)
    if stable is None or canary is None:
        return Unavailable(action, f"{split.ref} needs a stable and a canary backend")
    rule = split.backends[0].rule
    backends = [backend for backend in split.backends if backend.rule == rule]
    if any(backend.weight is None for backend in backends):
        return Unavailable(action, f"{split.ref} has unreadable weights; fix them first")
    chosen = canary if action == "promote" else stable
    before = rule_percents(split, rule)
    after = all_to(before, backends.index(split.backends[chosen]))
    names = tuple(backend.name for backend in backends)
    plan = WeightPlan(split.ref, rule, tuple(before), tuple(after), names)
    if before == after:
        return Unavailable(action, f"all traffic already goes to {split.backends[chosen].name}")
    notes: tuple[str, ...] = ()
    if owner is not None:
        notes = (f"{split.ref} is owned by {owner.kind} {owner.name}, which may rewrite the weights",)
    write = weight_write(split, after, rule)
    target = "canary" if action == "promote" else "stable"
    summary = f"Send all traffic of {split.ref} to the {target} {split.backends[chosen].name}"
    return ActionPlan(action, split.ref, "none", summary, (write,), plan, notes)


def detect_revert(written: Sequence[int], current: Sequence[int],
                  managed_fields: Sequence[Mapping[str, Any]] | None, elapsed: float, *,
                  before: Sequence[int] | None = None, wrote: bool = True) -> str | None:
    """Tell whether weights meshtui wrote were changed back, and by whom.

    Args:
        written: Percentages meshtui wrote.
        current: Percentages the object has now.
        managed_fields: `metadata.managedFields` of the current object.
        elapsed: Seconds since the write.
        before: Percentages before the write, when known: whoever set them back reverted it.
        wrote: False when `written` are weights meshtui only saw, not wrote: nothing to revert.

    Returns:
        E.g. "reverted by argo-rollouts after 2 s", or None when the weights are still as written.
    """
    if list(written) == list(current):
        return None
    manager = _last_other_manager(managed_fields or ())
    who = f"by {manager}" if manager else "by another writer"
    back = before is not None and list(before) == list(current)
    verb = "reverted" if wrote and (back or manager in (FLAGGER, ARGO_ROLLOUTS)) else "changed"
    return f"{verb} {who} after {max(1, round(elapsed))} s"  # under a second reads "1 s"


def _last_other_manager(managed_fields: Sequence[Mapping[str, Any]]) -> str:
    """The manager that last updated the object, other than meshtui itself."""
    entries = [as_dict(entry) for entry in managed_fields]
    entries = [entry for entry in entries
               if as_str(entry.get("manager")) and not as_str(entry.get("manager")).startswith("meshtui")]
    if not entries:
        return ""
    # RFC 3339 times in one format sort as strings; entries without a time sort first.
    latest = max(enumerate(entries), key=lambda item: (as_str(item[1].get("time")), item[0]))[1]
    manager = as_str(latest.get("manager"))
    return _MANAGER_NAMES.get(manager, manager)
