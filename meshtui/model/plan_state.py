"""Provides the state of a running plan and its step state machine (pure: no I/O, no clock).

The state lives in one annotation on the split (`ANNOTATION`), as JSON. Every transition
returns a new `PlanState` and, when traffic must move, the canary percentage to write in the
same request. Runners write both with the split's resourceVersion as a precondition, so a
transition is applied at most once whichever runner computed it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from meshtui.model.plan import Analysis, Pause, Plan, PlanError, SetWeight, parse_plan

__all__ = ["ACTIVE", "ANNOTATION", "TERMINAL", "CheckResult", "HistoryEntry", "PlanState",
           "PlanStateError", "Transition", "advance", "evaluate_check"]

ANNOTATION = "meshtui.io/rollout"
"""The split annotation holding a plan and its progress."""
ACTIVE = ("Progressing", "Paused")
TERMINAL = ("Succeeded", "RolledBack", "Aborted", "Promoted")
MAX_CHECKS_KEPT = 40
"""Analysis check results kept in the history (steps and phase changes are all kept)."""


class PlanStateError(ValueError):
    """An annotation that does not hold a plan state, or a command the state does not allow."""


@dataclass(frozen=True)
class HistoryEntry:
    """One thing that happened to a plan."""

    at: float
    """When (epoch seconds)."""
    kind: str
    """``step`` (a step completed), ``check`` (an analysis check) or ``phase``."""
    step: int
    """Index of the step concerned."""
    result: str
    """``done``, ``pass``/``fail``/``inconclusive``, or the new phase."""
    detail: str = ""
    """Why, in words."""
    weight: int | None = None
    """Canary percentage after it."""
    by: str = ""
    """Who (runner identity or user)."""


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one analysis check."""

    outcome: str
    """``pass``, ``fail`` or ``inconclusive``."""
    reason: str


@dataclass(frozen=True)
class PlanState:
    """A plan and how far it got on one split."""

    plan: Plan
    canary: str
    """Canary backend name."""
    stable: str
    """Stable backend name."""
    weight: int
    """The canary percentage the plan last set or accepted."""
    phase: str = "Progressing"
    step: int = 0
    """Index of the step being carried out (``len(plan.steps)`` when all are done)."""
    message: str = ""
    started_at: float = 0.0
    step_started_at: float = 0.0
    updated_at: float = 0.0
    last_check_at: float | None = None
    checks_passed: int = 0
    checks_failed: int = 0
    approved: bool = False
    history: tuple[HistoryEntry, ...] = field(default=())
    speed: float = 1.0
    """How many times faster than written the runner plays pauses and check intervals (the
    demo's runner, tests), so countdowns read from the state are true."""

    @property
    def plan_hash(self) -> str:
        """Hash of the plan being run."""
        return self.plan.hash

    @property
    def done(self) -> bool:
        """True once the plan reached a terminal phase."""
        return self.phase in TERMINAL

    @property
    def current(self) -> Any:
        """The step being carried out, or None when all are done."""
        return self.plan.steps[self.step] if self.step < len(self.plan.steps) else None

    def where(self) -> str:
        """Phase and step, e.g. ``Progressing at step 4/6``, ``Succeeded at step 8/8``."""
        total = len(self.plan.steps)
        approved = ", approved" if self.approved else ""
        return f"{self.phase} at step {min(self.step + 1, total)}/{total}{approved}"

    def check_due(self, now: float, speed: float = 1.0) -> bool:
        """True when the current step is an analysis whose next check is due."""
        step = self.current
        if self.phase != "Progressing" or not isinstance(step, Analysis):
            return False
        since = self.last_check_at if self.last_check_at is not None else self.step_started_at
        return now - since >= step.interval / speed

    def to_annotation(self) -> str:
        """The JSON stored in `ANNOTATION`."""
        return json.dumps({
            "plan": self.plan.to_dict(), "planHash": self.plan_hash, "canary": self.canary,
            "stable": self.stable, "weight": self.weight, "phase": self.phase, "step": self.step,
            "message": self.message, "startedAt": self.started_at,
            "stepStartedAt": self.step_started_at, "updatedAt": self.updated_at,
            "lastCheckAt": self.last_check_at, "checksPassed": self.checks_passed,
            "checksFailed": self.checks_failed, "approved": self.approved,
            **({"speed": self.speed} if self.speed != 1.0 else {}),
            "history": [{"at": h.at, "kind": h.kind, "step": h.step, "result": h.result,
                         "detail": h.detail, "weight": h.weight, "by": h.by}
                        for h in self.history],
        }, separators=(",", ":"))

    @classmethod
    def from_annotation(cls, text: str) -> PlanState:
        """Read the state back from its annotation.

        Raises:
            PlanStateError: When the text is not a plan state (or its hash does not match).
        """
        try:
            data = json.loads(text)
            plan = parse_plan(json.dumps(data["plan"]), source=ANNOTATION)
            history = tuple(HistoryEntry(float(h["at"]), str(h["kind"]), int(h["step"]),
                                         str(h["result"]), str(h.get("detail", "")),
                                         h.get("weight"), str(h.get("by", "")))
                            for h in data.get("history") or [])
            state = cls(plan=plan, canary=str(data["canary"]), stable=str(data["stable"]),
                        weight=int(data["weight"]), phase=str(data["phase"]),
                        step=int(data["step"]), message=str(data.get("message", "")),
                        started_at=float(data.get("startedAt", 0)),
                        step_started_at=float(data.get("stepStartedAt", 0)),
                        updated_at=float(data.get("updatedAt", 0)),
                        last_check_at=None if data.get("lastCheckAt") is None
                        else float(data["lastCheckAt"]),
                        checks_passed=int(data.get("checksPassed", 0)),
                        checks_failed=int(data.get("checksFailed", 0)),
                        approved=bool(data.get("approved", False)), history=history,
                        speed=float(data.get("speed", 1.0)))
        except (ValueError, KeyError, TypeError, PlanError) as exc:
            raise PlanStateError(f"annotation {ANNOTATION} is not a meshtui plan state: "
                                 f"{exc}") from None
        if data.get("planHash") not in (None, state.plan_hash):
            raise PlanStateError(f"annotation {ANNOTATION}: plan hash mismatch")
        if state.phase not in ACTIVE + TERMINAL or not 0 <= state.step <= len(plan.steps) \
                or not 0 < state.speed <= 1000:
            raise PlanStateError(f"annotation {ANNOTATION}: bad phase or step")
        return state

    def note(self, now: float, kind: str, result: str, detail: str = "", by: str = "",
             step: int | None = None, **changes: Any) -> PlanState:
        """A copy with `changes` applied and one history entry added."""
        new = replace(self, updated_at=now, **changes)
        entry = HistoryEntry(now, kind, self.step if step is None else step, result, detail,
                             new.weight, by)
        history = (*new.history, entry)
        checks = [i for i, h in enumerate(history) if h.kind == "check"]
        if len(checks) > MAX_CHECKS_KEPT:
            drop = set(checks[: len(checks) - MAX_CHECKS_KEPT])
            history = tuple(h for i, h in enumerate(history) if i not in drop)
        return replace(new, history=history)


@dataclass(frozen=True)
class Transition:
    """What a runner or command must write: the new state, and the canary percentage if it moves."""

    state: PlanState
    set_weight: int | None = None


def evaluate_check(analysis: Analysis, success_rate: float | None, p99_ms: float | None,
                   rps: float | None, window_seconds: float, error: str | None = None
                   ) -> CheckResult:
    """Judge the canary's signals against an analysis step's thresholds.

    No data, a metrics error, or fewer than `min_requests` requests give ``inconclusive``:
    the plan holds rather than advance blind.
    """
    if error:
        return CheckResult("inconclusive", f"metrics unavailable: {error}")
    requests = None if rps is None else rps * window_seconds
    if requests is None or requests <= 0:
        return CheckResult("inconclusive", "no canary traffic in the metrics")
    if requests < analysis.min_requests:
        return CheckResult("inconclusive", f"only {requests:.0f} canary requests in "
                           f"{analysis.window}, fewer than minRequests {analysis.min_requests}")
    failures: list[str] = []
    seen: list[str] = []
    if analysis.success_rate is not None:
        if success_rate is None:
            return CheckResult("inconclusive", "no success rate for the canary")
        percent = success_rate * 100
        seen.append(f"success {percent:.2f}%")
        if not analysis.success_rate.check(percent):
            failures.append(f"success rate {percent:.2f}% not {analysis.success_rate.text('%')}")
    if analysis.latency_p99 is not None:
        if p99_ms is None:
            return CheckResult("inconclusive", "no p99 latency for the canary")
        seen.append(f"p99 {p99_ms:.0f}ms")
        if not analysis.latency_p99.check(p99_ms):
            failures.append(f"p99 {p99_ms:.0f}ms not {analysis.latency_p99.text('ms')}")
    if failures:
        return CheckResult("fail", "; ".join(failures))
    return CheckResult("pass", ", ".join(seen) + f", {requests:.0f} requests")


def advance(state: PlanState, *, now: float, observed: int, check: CheckResult | None = None,
            changed_by: str = "", by: str = "", speed: float = 1.0) -> Transition:
    """Move a running plan on as far as it can go now, moving traffic at most once.

    Args:
        state: The state read from the split.
        now: The time (epoch seconds).
        observed: The canary percentage the split has now.
        check: The result of the analysis check, when `state.check_due` said one was due.
        changed_by: Who last wrote the split, to name in a "changed outside the plan" pause.
        by: The runner's identity, for the history.
        speed: Pause durations and check intervals are divided by this (tests run fast).

    Returns:
        The transition; ``transition.state is state`` when nothing changed.
    """
    if state.phase != "Progressing":
        return Transition(state)
    if observed != state.weight:
        who = f" by {changed_by}" if changed_by else ""
        detail = (f"canary weight changed outside the plan{who}: {state.canary} "
                  f"{state.weight}% -> {observed}%; resume to continue from {observed}%")
        return Transition(state.note(now, "phase", "Paused", detail, by, phase="Paused",
                                     message=detail))
    new, weight = state, None
    for _ in range(len(state.plan.steps) + 1):
        step = new.current
        if step is None:
            return Transition(new.note(now, "phase", "Succeeded", "plan complete", by,
                                       phase="Succeeded", message="plan complete"), weight)
        if isinstance(step, SetWeight):
            if step.weight < new.weight:
                # Traffic never moves backwards: a plan started (or resumed) above this step's
                # weight passes it where it is.
                new = _next(new.note(now, "step", "skipped", f"{step.describe()}: canary already "
                                     f"at {new.weight}%", by), now)
                continue
            if weight is not None:
                break
            weight = step.weight
            new = _next(new.note(now, "step", "done", step.describe(), by, weight=weight), now)
            continue
        if isinstance(step, Pause):
            if step.until_approved:
                if not new.approved:
                    if new.message != "waiting for approval":
                        new = replace(new, message="waiting for approval", updated_at=now)
                    break
                new = _next(new.note(now, "step", "done", "approved", by, approved=False), now)
                continue
            if now - new.step_started_at < (step.duration or 0) / speed:
                text = f"{step.describe()} (step {new.step + 1})"
                if new.message != text:
                    new = replace(new, message=text, updated_at=now)
                break
            new = _next(new.note(now, "step", "done", step.describe(), by), now)
            continue
        if check is None or not new.check_due(now, speed):
            break
        new, check = _apply_check(new, step, check, now, by), None
        if new.phase != "Progressing":
            return Transition(new, 0 if new.phase == "RolledBack" else weight)
        if new.checks_passed < step.count:
            break
        new = _next(new.note(now, "step", "done", f"{step.describe()}: passed", by), now)
    return _with_speed(state, Transition(new, weight), speed)


def _with_speed(state: PlanState, transition: Transition, speed: float) -> Transition:
    """Record the runner's speed with a transition it writes anyway (never a write of its own)."""
    if transition.state is state or transition.state.speed == speed:
        return transition
    return replace(transition, state=replace(transition.state, speed=speed))


def _next(state: PlanState, now: float) -> PlanState:
    return replace(state, step=state.step + 1, step_started_at=now, last_check_at=None,
                   checks_passed=0, checks_failed=0, approved=False, message="")


def _apply_check(state: PlanState, step: Analysis, check: CheckResult, now: float,
                 by: str) -> PlanState:
    passed = state.checks_passed + (check.outcome == "pass")
    failed = state.checks_failed + (check.outcome == "fail")
    message = (f"holding: {check.reason}" if check.outcome == "inconclusive" else
               f"analysis: {passed}/{step.count} passed, {failed}/{step.failure_limit} failed")
    new = state.note(now, "check", check.outcome, check.reason, by, last_check_at=now,
                     checks_passed=passed, checks_failed=failed, message=message)
    if failed < step.failure_limit:
        return new
    reason = (f"analysis failed at step {state.step + 1} ({failed} failed checks, "
              f"failureLimit {step.failure_limit}): {check.reason}")
    if state.plan.on_failure == "rollback":
        return new.note(now, "phase", "RolledBack", reason, by, phase="RolledBack", weight=0,
                        message=f"rolled back: {reason}")
    return new.note(now, "phase", "Paused", reason, by, phase="Paused", message=f"paused: {reason}")
