"""Provides `PlanStatus`: what a dashboard or ``meshtui rollout status`` shows of a plan.

Build one with `plan_status(split)` from any split read from the cluster (or from `MeshState`);
it is a frozen value, safe to hand to a UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meshtui.model.kubetime import rfc3339
from meshtui.model.plan import Analysis, Pause, Threshold
from meshtui.model.plan_state import ANNOTATION, TERMINAL, HistoryEntry
from meshtui.rollout.store import canary_percent, read_state

if TYPE_CHECKING:
    from meshtui.model.split import Split

__all__ = ["PlanStatus", "StepStatus", "plan_status"]


@dataclass(frozen=True)
class StepStatus:
    """One step of a plan on a timeline."""

    index: int
    description: str
    state: str
    """``done``, ``current``, ``pending``, ``failed`` (the analysis that rolled the plan back) or
    ``skipped`` (passed over: after an abort or promotion, or a setWeight below the canary's
    weight)."""
    finished_at: float | None = None


@dataclass(frozen=True)
class PlanStatus:
    """A plan on one split: where it is, why, and what it checks."""

    split: str
    """The split, e.g. ``trafficsplit/ns/name``."""
    namespace: str
    name: str
    phase: str
    """``Progressing``, ``Paused``, ``Succeeded``, ``RolledBack``, ``Aborted``, ``Promoted``, or
    ``Invalid`` when the annotation cannot be read."""
    message: str
    step: int
    """Index of the current step (``total`` when all are done)."""
    total: int
    canary: str
    stable: str
    weight: int
    """Canary percentage the plan set."""
    observed: int | None
    """Canary percentage the split has now."""
    awaiting_approval: bool
    success_rate: Threshold | None
    """Success-rate bound (percent) of the current or next analysis step, for charts."""
    latency_p99: Threshold | None
    """p99 bound (ms) of the current or next analysis step, for charts."""
    checks_passed: int
    checks_failed: int
    failure_limit: int
    plan_hash: str
    started_at: float
    updated_at: float
    steps: tuple[StepStatus, ...]
    history: tuple[HistoryEntry, ...]
    next_at: float | None = None
    """When the runner acts next (a timed pause ends, the next check is due), for countdowns."""
    next_what: str = ""
    """What happens then: ``pause ends`` or ``next check``."""

    @property
    def active(self) -> bool:
        """True while the plan is running or paused."""
        return self.phase in ("Progressing", "Paused")

    @property
    def actions(self) -> tuple[str, ...]:
        """The ``meshtui rollout`` commands that apply now."""
        if not self.active:
            return ()
        return (("approve",) if self.awaiting_approval else ()) + (
            ("pause",) if self.phase == "Progressing" else ("resume",)) + ("promote", "abort")

    @property
    def step_number(self) -> int:
        """The current step counted from 1, as people read it (``step 1/8``); ``total`` once all
        are done, 0 for a plan with no readable step."""
        return min(self.step + 1, self.total)

    def to_json(self) -> dict[str, Any]:
        """The ``meshtui rollout status -o json`` shape: every step number counts from 1, as the
        text does (``"step": 1`` is "step 1/8")."""
        return {
            "split": self.split, "namespace": self.namespace, "name": self.name,
            "phase": self.phase, "message": self.message, "step": self.step_number,
            "total": self.total,
            "canary": self.canary, "stable": self.stable, "weight": self.weight,
            "observed": self.observed, "awaitingApproval": self.awaiting_approval,
            "successRate": self.success_rate.text("") if self.success_rate else None,
            "latencyP99": self.latency_p99.text("ms") if self.latency_p99 else None,
            "checksPassed": self.checks_passed, "checksFailed": self.checks_failed,
            "failureLimit": self.failure_limit, "planHash": self.plan_hash,
            "startedAt": _json_time(self.started_at), "updatedAt": _json_time(self.updated_at),
            "steps": [{"step": s.index + 1, "description": s.description, "state": s.state,
                       "finishedAt": _json_time(s.finished_at)} for s in self.steps],
            "history": [{"at": _json_time(h.at), "kind": h.kind, "step": h.step + 1,
                         "result": h.result,
                         "detail": h.detail, "weight": h.weight, "by": h.by}
                        for h in self.history],
        }


def _json_time(seconds: float | None) -> str | None:
    """RFC 3339 for JSON; None when unknown (0 is an unreadable plan's "never"), or when the
    annotation holds a time no calendar has (1e300, nan)."""
    if not seconds:
        return None
    try:
        return rfc3339(seconds)
    except (OverflowError, OSError, ValueError):
        return None


def plan_status(split: Split) -> PlanStatus | None:
    """The status of the plan a split carries; None when it carries none."""
    if ANNOTATION not in split.annotations:
        return None
    tracked = read_state(split)
    state = tracked.state
    if state is None:
        return PlanStatus(str(split.ref), split.namespace, split.name, "Invalid",
                          tracked.error or "unreadable plan state", 0, 0, "", "", 0, None, False,
                          None, None, 0, 0, 0, "", 0.0, 0.0, (), ())
    try:
        observed: int | None = canary_percent(split, state.canary)
    except (ValueError, IndexError):
        observed = None
    finished = {h.step: h.at for h in state.history if h.kind == "step"}
    passed = {h.step for h in state.history if h.kind == "step" and h.result == "skipped"}
    steps = []
    for i, step in enumerate(state.plan.steps):
        if i in passed:
            status = "skipped"
        elif i in finished:
            status = "done"
        elif i == state.step and not state.done:
            status = "current"
        elif i == state.step and state.phase == "RolledBack":
            status = "failed"
        else:
            status = "skipped" if state.phase in TERMINAL else "pending"
        steps.append(StepStatus(i, step.describe(), status, finished.get(i)))
    later = [s for s in state.plan.steps[state.step:] if isinstance(s, Analysis)]
    earlier = [s for s in state.plan.steps[: state.step] if isinstance(s, Analysis)]
    analysis = later[0] if later else earlier[-1] if earlier else None
    current = state.current
    next_at, next_what = None, ""
    # The runner plays durations `speed` times faster (the demo's does): so does the countdown.
    if state.phase == "Progressing" and isinstance(current, Pause) and current.duration:
        next_at, next_what = state.step_started_at + current.duration / state.speed, "pause ends"
    elif state.phase == "Progressing" and isinstance(current, Analysis):
        next_at = (state.last_check_at or state.step_started_at) + current.interval / state.speed
        next_what = "next check"
    return PlanStatus(
        split=str(split.ref), namespace=split.namespace, name=split.name, phase=state.phase,
        message=state.message, step=state.step, total=len(state.plan.steps),
        canary=state.canary, stable=state.stable, weight=state.weight, observed=observed,
        awaiting_approval=state.phase == "Progressing" and isinstance(current, Pause)
        and current.until_approved and not state.approved,
        success_rate=analysis.success_rate if analysis else None,
        latency_p99=analysis.latency_p99 if analysis else None,
        checks_passed=state.checks_passed, checks_failed=state.checks_failed,
        failure_limit=current.failure_limit if isinstance(current, Analysis) else 0,
        plan_hash=state.plan_hash, started_at=state.started_at, updated_at=state.updated_at,
        steps=tuple(steps), history=state.history, next_at=next_at, next_what=next_what)
