"""Provides what the ``meshtui rollout`` commands do to a plan state (pure: no I/O).

Each command returns a `Transition` (new state and, when traffic moves, the canary percentage)
or raises `PlanStateError` saying why the command does not apply.
"""

from __future__ import annotations

from dataclasses import replace

from meshtui.model.plan import Pause, Plan
from meshtui.model.plan_state import PlanState, PlanStateError, Transition

__all__ = ["abort", "approve", "pause", "promote", "resume", "start"]


def start(plan: Plan, *, canary: str, stable: str, weight: int, now: float,
          by: str = "") -> Transition:
    """A new plan state at its first step, with the split's current canary percentage."""
    state = PlanState(plan=plan, canary=canary, stable=stable, weight=weight, started_at=now,
                      step_started_at=now, updated_at=now, message="started")
    return Transition(state.note(now, "phase", "Progressing", f"plan {plan.hash} started", by))


def _active(state: PlanState, command: str) -> None:
    if state.done:
        raise PlanStateError(f"cannot {command}: the plan already ended ({state.phase})")


def approve(state: PlanState, *, now: float, by: str = "") -> Transition:
    """Approve the current ``pause: {untilApproved: true}`` step."""
    _active(state, "approve")
    step = state.current
    if not (isinstance(step, Pause) and step.until_approved):
        raise PlanStateError(f"nothing to approve: step {state.step + 1} is "
                             f"{step.describe() if step else 'past the end'}")
    if state.approved:
        return Transition(state)
    return Transition(state.note(now, "phase", "Approved", "approved", by, approved=True,
                                 message=f"approved by {by or 'someone'}"))


def pause(state: PlanState, *, now: float, by: str = "", reason: str = "") -> Transition:
    """Pause a progressing plan (traffic stays where it is)."""
    _active(state, "pause")
    if state.phase == "Paused":
        return Transition(state)
    why = reason or f"paused by {by or 'a user'}"
    return Transition(state.note(now, "phase", "Paused", why, by, phase="Paused",
                                 message=f"paused: {why}"))


def resume(state: PlanState, *, now: float, observed: int, by: str = "") -> Transition:
    """Resume a paused plan from the split's current canary percentage (the step restarts)."""
    _active(state, "resume")
    if state.phase != "Paused":
        raise PlanStateError(f"cannot resume: the plan is {state.phase}, not Paused")
    new = replace(state, weight=observed, step_started_at=now, last_check_at=None,
                  checks_passed=0, checks_failed=0, waiting_since=None)
    return Transition(new.note(now, "phase", "Progressing",
                               f"resumed by {by or 'a user'} at {observed}%", by,
                               phase="Progressing", message="resumed"))


def promote(state: PlanState, *, now: float, by: str = "") -> Transition:
    """Skip the remaining steps: all traffic to the canary."""
    _active(state, "promote")
    why = f"promoted by {by or 'a user'}"
    new = state.note(now, "phase", "Promoted", why, by, phase="Promoted", weight=100, message=why)
    return Transition(replace(new, step=len(state.plan.steps)), 100)


def abort(state: PlanState, *, now: float, by: str = "", reason: str = "") -> Transition:
    """Stop the plan: all traffic to stable, and say why."""
    _active(state, "abort")
    why = f"aborted by {by or 'a user'}" + (f": {reason}" if reason else "")
    return Transition(state.note(now, "phase", "Aborted", why, by, phase="Aborted", weight=0,
                                 message=why), 0)
