"""Provides the state of a running plan and its step state machine (pure: no I/O, no clock).

The state lives in one annotation on the split (`ANNOTATION`), as JSON. Every transition
returns a new `PlanState` and, when traffic must move, the canary percentage to write in the
same request. Runners write both with the split's resourceVersion as a precondition, so a
transition is applied at most once whichever runner computed it.

Anybody with edit rights on the split can write that annotation too, so reading it is checking it
against a schema: types, ranges, sizes and counts. An annotation that does not fit is refused as a
whole with a `PlanStateError` naming the field; it never raises anything else.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Any

from meshtui.model.plan import (
    Analysis,
    Pause,
    Plan,
    MAX_STEPS,
    PlanError,
    SetWeight,
    is_backend_name,
    parse_plan,
)
from meshtui.model.durations import format_duration
from meshtui.model.text import short_repr, visible
from meshtui.model.windows import WINDOW_SECONDS

__all__ = ["ACTIVE", "ANNOTATION", "MAX_ANNOTATION_LENGTH", "MAX_SPEED", "MIN_SERIES_SAMPLES",
           "TERMINAL", "CheckResult", "HistoryEntry", "PlanState", "PlanStateError", "Transition",
           "advance", "evaluate_check", "read_annotation", "state_problem", "young_wait_limit"]

ANNOTATION = "meshtui.io/rollout"
"""The split annotation holding a plan and its progress."""
ACTIVE = ("Progressing", "Paused")
TERMINAL = ("Succeeded", "RolledBack", "Aborted", "Promoted")
MAX_CHECKS_KEPT = 40
"""Analysis check results kept in the history (steps and phase changes are all kept)."""
MAX_ANNOTATION_LENGTH = 256 * 1024
"""Kubernetes refuses annotations of more than 256 KiB in all; a longer text is not ours."""
MAX_PLAN_LENGTH = 64 * 1024
"""The longest plan (as JSON) read back: 100 steps of the longest kind take a third of it."""
MAX_HISTORY = 10_000
"""The most history entries read back."""
MAX_TEXT = 2_000
"""Messages, details and names in the history are cut to this many characters when read."""
MAX_COUNT = 1_000_000
"""The largest check counter read back (a step passes or fails after at most 1,000 checks)."""
MAX_SPEED = 1000.0
"""The largest runner speed (pauses and intervals divided by it) a state records and is read with."""
MAX_TIMESTAMP = 253_402_300_799.0
"""The end of year 9999, in epoch seconds: the latest time read back."""
MIN_SERIES_SAMPLES = 3
"""Samples each kind of the canary's responses first seen inside the window needs before a check
judges it: two scrape intervals of data. rate() reads nothing from a series' first sample, so a
failure series one scrape old counts no failures and a young latency histogram gives a p99 of a
few requests."""


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
    waiting: bool = False
    """Inconclusive because the canary's series are too young to judge: the plan waits for them,
    for at most `young_wait_limit`."""


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
    waiting_since: float | None = None
    """When the current analysis began waiting for the canary's series to age (its first check
    in a row found them too young); None when it is not waiting."""

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
            **({"waitingSince": self.waiting_since} if self.waiting_since is not None else {}),
            "history": [{"at": h.at, "kind": h.kind, "step": h.step, "result": h.result,
                         "detail": h.detail, "weight": h.weight, "by": h.by}
                        for h in self.history],
        }, separators=(",", ":"))

    @classmethod
    def from_annotation(cls, text: str) -> PlanState:
        """Read the state back from its annotation, checking every field.

        Raises:
            PlanStateError: When the text is not a plan state (or its hash does not match);
                nothing else, whatever the text holds.
        """
        state, error = read_annotation(text)
        if state is None:
            raise PlanStateError(error)
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


def read_annotation(text: object) -> tuple[PlanState | None, str]:
    """Read a plan state annotation: the state, or None and why it is refused.

    The same text gives the same answer, so answers are kept for a while: a dashboard and a
    runner read the same annotation on every refresh.
    """
    if not isinstance(text, str):
        return None, f"annotation {ANNOTATION} is not a string"
    if len(text) > MAX_ANNOTATION_LENGTH:
        return None, (f"annotation {ANNOTATION} of {len(text):,} characters is larger than any "
                      "annotation Kubernetes stores")
    return _read_cached(text)


@lru_cache(maxsize=64)
def _read_cached(text: str) -> tuple[PlanState | None, str]:
    try:
        return _read(text), ""
    except PlanStateError as exc:
        return None, str(exc)


def state_problem(state: PlanState, backends: Sequence[str]) -> str:
    """Why a running plan cannot act on a split whose first rule has `backends` ("" when it can)."""
    if state.done:
        return ""
    for role, name in (("canary", state.canary), ("stable", state.stable)):
        if name not in backends:
            return (f"annotation {ANNOTATION}: the plan's {role} {visible(name, 60)} is not a "
                    "backend of the split's first rule")
    return ""


def _bad(key: str, message: str) -> PlanStateError:
    return PlanStateError(f"annotation {ANNOTATION} is not a meshtui plan state: {key}: {message}")


def _refuse_constant(name: str) -> None:
    raise ValueError(f"{name} is not a number")


def _read(text: str) -> PlanState:
    """Parse and check an annotation (see `read_annotation`)."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as exc:
        # ValueError includes ints of more than 4,300 digits; RecursionError deep nesting.
        message = ("nested too deeply" if isinstance(exc, RecursionError) else
                   "a number has too many digits" if "digits" in str(exc) else str(exc))
        raise _bad("text", f"not JSON ({visible(message, 120)})") from None
    if not isinstance(data, dict):
        raise _bad("text", f"expected a JSON object, got {type(data).__name__}")
    plan_data = _get(data, "plan")
    if not isinstance(plan_data, dict | list):
        raise _bad("plan", f"expected a plan, got {short_repr(plan_data)}")
    steps_data = plan_data.get("steps") if isinstance(plan_data, dict) else plan_data
    if isinstance(steps_data, list) and len(steps_data) > MAX_STEPS:
        raise _bad("plan.steps", f"{len(steps_data):,} steps: a plan has at most {MAX_STEPS}")
    plan_text = json.dumps(plan_data)
    if len(plan_text) > MAX_PLAN_LENGTH:
        # Checked before YAML reads it: composing is the slow part of reading a plan back.
        raise _bad("plan", f"{len(plan_text):,} characters: larger than any plan")
    try:
        plan = parse_plan(plan_text, source=ANNOTATION)
    except (PlanError, RecursionError) as exc:
        raise _bad("plan", visible(str(exc), 300)) from None
    plan_hash = data.get("planHash")
    if plan_hash is not None and plan_hash != plan.hash:
        raise PlanStateError(f"annotation {ANNOTATION}: plan hash mismatch")
    phase = _get(data, "phase")
    if phase not in ACTIVE + TERMINAL:
        raise _bad("phase", f"expected one of {', '.join(ACTIVE + TERMINAL)}, got "
                   f"{short_repr(phase)}")
    steps = len(plan.steps)
    history = _get(data, "history", [])
    if not isinstance(history, list) or len(history) > MAX_HISTORY:
        raise _bad("history", f"expected a list of at most {MAX_HISTORY:,} entries")
    return PlanState(
        plan=plan, canary=_name(data, "canary"), stable=_name(data, "stable"),
        weight=_int(data, "weight", 0, 100), phase=phase, step=_int(data, "step", 0, steps),
        message=_text(data, "message"), started_at=_time(data, "startedAt", 0.0),
        step_started_at=_time(data, "stepStartedAt", 0.0),
        updated_at=_time(data, "updatedAt", 0.0), last_check_at=_time(data, "lastCheckAt", None),
        checks_passed=_int(data, "checksPassed", 0, MAX_COUNT, 0),
        checks_failed=_int(data, "checksFailed", 0, MAX_COUNT, 0),
        approved=_bool(data, "approved", False),
        history=tuple(_entry(item, i, steps) for i, item in enumerate(history)),
        speed=_speed(data), waiting_since=_time(data, "waitingSince", None))


def _speed(data: dict[str, Any]) -> float:
    value = _get(data, "speed", 1.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= MAX_SPEED:
        raise _bad("speed", f"expected a number above 0 and at most {MAX_SPEED:g}, "
                            f"got {short_repr(value)}")
    return float(value)


_REQUIRED: Any = object()


def _get(data: dict[str, Any], key: str, default: Any = _REQUIRED, at: str = "") -> Any:
    if key in data:
        return data[key]
    if default is _REQUIRED:
        raise _bad(at + key, "missing")
    return default


def _int(data: dict[str, Any], key: str, low: int, high: int, default: Any = _REQUIRED,
         at: str = "") -> int:
    value = _get(data, key, default, at)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(at + key, f"expected a whole number from {low} to {high}, got "
                   f"{short_repr(value)}")
    return value


def _time(data: dict[str, Any], key: str, default: Any = _REQUIRED, at: str = "") -> Any:
    value = _get(data, key, default, at)
    if value is None and default is None:
        return None
    # NaN fails every comparison and an infinite float (JSON `1e999`) is out of range.
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not 0 <= value <= MAX_TIMESTAMP:
        raise _bad(at + key, f"expected a time in epoch seconds, got {short_repr(value)}")
    return float(value)


def _text(data: dict[str, Any], key: str, at: str = "") -> str:
    value = _get(data, key, "", at)
    if not isinstance(value, str):
        raise _bad(at + key, f"expected text, got {short_repr(value)}")
    return value[:MAX_TEXT]


def _name(data: dict[str, Any], key: str) -> str:
    value = _get(data, key)
    if not is_backend_name(value):
        raise _bad(key, f"not a backend name: {short_repr(value, 60)}")
    return value


def _bool(data: dict[str, Any], key: str, default: bool) -> bool:
    value = _get(data, key, default)
    if not isinstance(value, bool):
        raise _bad(key, f"expected true or false, got {short_repr(value)}")
    return value


def _entry(item: Any, index: int, steps: int) -> HistoryEntry:
    at = f"history[{index}]."
    if not isinstance(item, dict):
        raise _bad(at[:-1], f"expected an object, got {short_repr(item)}")
    weight = None if item.get("weight") is None else _int(item, "weight", 0, 100, at=at)
    return HistoryEntry(_time(item, "at", at=at), _text(item, "kind", at),
                        _int(item, "step", 0, steps, at=at), _text(item, "result", at),
                        _text(item, "detail", at), weight, _text(item, "by", at))


@dataclass(frozen=True)
class Transition:
    """What a runner or command must write: the new state, and the canary percentage if it moves."""

    state: PlanState
    set_weight: int | None = None


def evaluate_check(analysis: Analysis, success_rate: float | None, p99_ms: float | None,
                   rps: float | None, window_seconds: float, error: str | None = None,
                   series_samples: int | None = None) -> CheckResult:
    """Judge the canary's signals against an analysis step's thresholds.

    No data, a metrics error, or fewer than `min_requests` requests give ``inconclusive``:
    the plan holds rather than advance blind. So do series too young to judge (fewer than
    `MIN_SERIES_SAMPLES`), and the check says the plan is waiting for them (`CheckResult.waiting`).

    Args:
        analysis: The step.
        success_rate: The canary's success ratio (0..1).
        p99_ms: The canary's p99 latency.
        rps: The canary's requests per second over the seconds the figures cover.
        window_seconds: Seconds the figures cover: the window, or less while the canary's metrics
            are younger than it (requests are counted over this span).
        error: Why the metrics could not be read.
        series_samples: Of the canary's kinds of response first seen inside the window, the
            fewest samples the oldest series of one has there; None when every kind was there
            at the window's start (or the source cannot tell).
    """
    if error:
        return CheckResult("inconclusive", f"metrics unavailable: {error}")
    if series_samples is not None and series_samples < MIN_SERIES_SAMPLES:
        samples = "1 sample" if series_samples == 1 else f"{max(series_samples, 0)} samples"
        return CheckResult("inconclusive", (
            f"canary series younger than {MIN_SERIES_SAMPLES - 1} scrape intervals (the newest has "
            f"{samples} in {analysis.window}; rates need more)"), waiting=True)
    requests = None if rps is None else rps * window_seconds
    if requests is None or requests <= 0:
        return CheckResult("inconclusive", "no canary traffic in the metrics")
    # While the metrics are younger than the window, say over how much of it requests count.
    partial = window_seconds < WINDOW_SECONDS.get(analysis.window, window_seconds)
    span = (f"{format_duration(window_seconds)} of {analysis.window}" if partial else
            analysis.window)
    if requests < analysis.min_requests:
        return CheckResult("inconclusive", f"only {requests:.0f} canary requests in {span}, "
                           f"fewer than minRequests {analysis.min_requests}")
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
    return CheckResult("pass", ", ".join(seen) + f", {requests:.0f} requests" +
                       (f" in {span}" if partial else ""))


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
        new, check = _apply_check(new, step, check, now, by, speed), None
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
                   checks_passed=0, checks_failed=0, approved=False, message="",
                   waiting_since=None)


def young_wait_limit(step: Analysis, speed: float = 1.0) -> float:
    """Seconds an analysis may wait in a row for the canary's series to age before its step fails.

    A series stops being young at its third scrape or once it is older than the window, whichever
    comes first; so a wait longer than the window and one check interval means new series keep
    appearing (or the data never settles), and the plan must not wait forever at this weight.
    The window is Prometheus' time: the runner's speed shortens only the interval.
    """
    return WINDOW_SECONDS.get(step.window, 3600) + step.interval / speed


def _apply_check(state: PlanState, step: Analysis, check: CheckResult, now: float,
                 by: str, speed: float = 1.0) -> PlanState:
    passed = state.checks_passed + (check.outcome == "pass")
    failed = state.checks_failed + (check.outcome == "fail")
    waiting_since = state.waiting_since
    if check.waiting:
        waiting_since = now if waiting_since is None else waiting_since
    elif check.outcome != "inconclusive":
        waiting_since = None
    message = (f"waiting: {check.reason}" if check.waiting else
               f"holding: {check.reason}" if check.outcome == "inconclusive" else
               f"analysis: {passed}/{step.count} passed, {failed}/{step.failure_limit} failed")
    new = state.note(now, "check", check.outcome, check.reason, by, last_check_at=now,
                     checks_passed=passed, checks_failed=failed, message=message,
                     waiting_since=waiting_since)
    waited = now - waiting_since if check.waiting and waiting_since is not None else 0.0
    if failed >= step.failure_limit:
        reason = (f"analysis failed at step {state.step + 1} ({failed} failed checks, "
                  f"failureLimit {step.failure_limit}): {check.reason}")
    elif waited > young_wait_limit(step, speed):
        # Failing safe: never judged, so never promoted, and not left at this weight for ever.
        reason = (f"analysis failed at step {state.step + 1}: waited {format_duration(waited)} "
                  f"(longer than its {step.window} window and a {format_duration(step.interval)} "
                  f"interval) for the canary's series to age: {check.reason}")
    else:
        return new
    new = replace(new, waiting_since=None)
    if state.plan.on_failure == "rollback":
        return new.note(now, "phase", "RolledBack", reason, by, phase="RolledBack", weight=0,
                        message=f"rolled back: {reason}")
    return new.note(now, "phase", "Paused", reason, by, phase="Paused", message=f"paused: {reason}")
