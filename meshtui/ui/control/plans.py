"""Progressive plans from the dashboard: transitions, their confirmations and the retried write.

Pure decisions plus one blocking function (`write_plan_change`) that thread workers call. The
dashboard never drives a plan (a runner, ``meshtui rollout run``, does); it only records what a
user asked: start, pause, resume, approve, promote, abort.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshtui.kube.writer import Conflict
from meshtui.model.plan import Plan, PlanError, parse_plan
from meshtui.model.plan_state import PlanState, PlanStateError, Transition
from meshtui.model.split import Split, parse_split
from meshtui.rollout import commands
from meshtui.rollout.plan_file import read_plan_text, shipped_plans
from meshtui.rollout.status import PlanStatus, plan_status
from meshtui.rollout.store import RolloutError, canary_percent, choose_roles, read_state, write_transition
from meshtui.ui.control.confirmation import Confirmation
from meshtui.ui.control.pending import needs_typed_confirmation, production

MAX_RETRIES = 5
"""Conflicts tolerated before a plan change gives up (the split keeps moving under us)."""

PLAN_ACTIONS = ("start", "approve", "pause", "resume", "promote", "abort")
"""What the dashboard can ask of a plan."""


@dataclass(frozen=True)
class PlanChoice:
    """A validated plan file."""

    plan: Plan
    source: str
    """The path it was read from."""


def load_plan_file(path: str) -> PlanChoice:
    """Read and validate a plan file.

    Raises:
        PlanError: The file cannot be read or is not a valid plan (the message names the line
            and the field, e.g. ``plan.yaml:7: steps[2].analysis.window: ...``).
    """
    return PlanChoice(parse_plan(read_plan_text(path), source=path), path)


def active_plan(split: Split | None) -> PlanStatus | None:
    """The plan a split carries while it runs or is paused; None otherwise."""
    status = plan_status(split) if split is not None else None
    return status if status is not None and status.active else None


def transition(split: Split, action: str, *, now: float, by: str,
               plan: Plan | None = None) -> tuple[PlanState | None, Transition]:
    """The state read from `split` and the transition `action` makes of it.

    Raises:
        PlanStateError: The action does not apply (no plan, plan ended, nothing to approve…).
        RolloutError: A new plan cannot find its canary and stable backends.
    """
    tracked = read_state(split)
    state = tracked.state
    if action == "start":
        if plan is None:
            raise PlanStateError("no plan chosen")
        if state is not None and not state.done:
            raise PlanStateError(f"{split.ref} already runs plan {state.plan_hash} ({state.phase}); "
                                 "abort it first")
        canary, stable = choose_roles(split, plan)
        return state, commands.start(plan, canary=canary, stable=stable,
                                     weight=canary_percent(split, canary), now=now, by=by)
    if state is None:
        raise PlanStateError(tracked.error or f"{split.ref} has no meshtui plan")
    if action == "approve":
        return state, commands.approve(state, now=now, by=by)
    if action == "pause":
        return state, commands.pause(state, now=now, by=by)
    if action == "resume":
        return state, commands.resume(state, now=now, by=by,
                                      observed=canary_percent(split, state.canary))
    if action == "promote":
        return state, commands.promote(state, now=now, by=by)
    if action == "abort":
        return state, commands.abort(state, now=now, by=by)
    raise PlanStateError(f"unknown plan action {action!r}")


def confirmation(split: Split, action: str, before: PlanState | None, change: Transition, *,
                 context: str, pattern: str, dry_run: bool) -> Confirmation:
    """The dialog for a plan change: phase and step before and after, and any traffic moved."""
    state = change.state
    was = before.where() if before is not None else "no plan"
    lines = [f"• plan {state.plan_hash}: {was} → {state.where()}"]
    points = 0
    if change.set_weight is not None:
        now = canary_percent(split, state.canary)
        points = abs(change.set_weight - now)
        lines.append(f"• {state.canary} {now}% → {change.set_weight}%, "
                     f"{state.stable} {100 - now}% → {100 - change.set_weight}%")
    if action == "start":
        lines += [f"  {i + 1}. {step.describe()}" for i, step in enumerate(state.plan.steps)]
    warnings = ["A runner drives the plan (`meshtui rollout run`, or the demo's own); the "
                "timeline shows the one holding the plan's Lease, or that there is none."] \
        if action == "start" else []
    if production(context, pattern):
        warnings.append(f"Context {context!r} is a production context.")
    if dry_run:
        warnings.append("Dry run: the server checks the write; nothing is changed.")
    typed = split.name if needs_typed_confirmation(points, context, pattern) else None
    title = f"{action.capitalize()} the plan on {split.ref}"
    return Confirmation(title, tuple(lines), tuple(warnings), typed, (), action)


def write_plan_change(writer: Any, split: Split, action: str, *, now: float,
                      plan: Plan | None = None) -> Split:
    """Write `action` as one guarded transition, recomputed from the live split on a conflict.

    Blocking: call it from a thread worker.

    Raises:
        PlanStateError: The action no longer applies to the live state.
        KubeError: The write failed (including a conflict `MAX_RETRIES` times in a row).
    """
    by = getattr(writer, "identity", None) or "meshtui"
    for attempt in range(MAX_RETRIES):
        before, change = transition(split, action, now=now, by=by, plan=plan)
        if change.state is before:
            return split
        try:
            return write_transition(writer, split, before, change, f"rollout-{action}")
        except Conflict as error:
            if attempt == MAX_RETRIES - 1 or not error.live:
                raise
            split = parse_split(error.live)
    raise RolloutError("unreachable")


__all__ = ["PlanChoice", "PlanError", "PlanStateError", "RolloutError", "active_plan",
           "confirmation", "load_plan_file", "shipped_plans", "transition", "write_plan_change"]
