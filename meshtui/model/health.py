"""Health marks and "needs attention" for splits: pure functions of a split, its owner and signals.

A mark is one of ``"ok"``, ``"warn"``, ``"bad"`` or ``"none"`` (no data: never shown as healthy).
A split needs attention when a backend has a finding (see `meshtui.model.findings`: failing
against its stable backend or the bad level, traffic not following the weights, a plan waiting
for approval), its rollout is paused, failed or aborted, or the object itself has problems.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meshtui.model.findings import Finding, HealthPolicy, Window, split_findings
from meshtui.model.roles import stable_and_canary
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Backend, Split

MARKS: tuple[str, ...] = ("none", "ok", "warn", "bad")
"""Marks from least to most severe ("none" sorts lowest: absence of data is not a failure)."""

_PAUSED_PHASES = frozenset({"paused", "waiting", "waitingpromotion"})
_FAILED_PHASES = frozenset({"failed", "degraded", "aborted"})


@dataclass(frozen=True)
class SplitHealth:
    """The verdict on one split."""

    mark: str
    """Worst mark over the split's backends and problems."""
    attention: bool
    """True when a human should look at this split."""
    reasons: tuple[str, ...] = ()
    """Short reasons, most important first (e.g. "canary success 91.2%", "paused", "2 problems")."""
    findings: tuple[Finding, ...] = ()
    """The verdicts on the backends behind the first reasons, with their full wording."""
    owner_reasons: tuple[str, ...] = ()
    """What the owner reports among the reasons (e.g. "failed", "5 failed checks", "paused")."""

    @property
    def note(self) -> str:
        """The reasons joined for a one-line cell."""
        return ", ".join(self.reasons)


def worst(marks: Sequence[str]) -> str:
    """The most severe of `marks` ("none" for an empty sequence)."""
    return max(marks, key=MARKS.index, default="none")


def backend_key(backend: Backend) -> BackendKey:
    """The metrics key of a split backend."""
    return BackendKey(backend.namespace, backend.name)


def signal_mark(signals: GoldenSignals | None, policy: HealthPolicy = HealthPolicy()) -> str:
    """Mark one backend's signals: "none" without traffic or data, else by success rate."""
    if signals is None or signals.success_rate is None or not signals.rps:
        return "none"
    if signals.success_rate < policy.success_bad:
        return "bad"
    if signals.success_rate < policy.success_warn:
        return "warn"
    return "ok"


def backend_role(split: Split, backend: Backend, owner_state: Any = None) -> str:
    """Whether a backend is the "stable" or "canary" side of its split, or "" for neither.

    Delegates the choice to `stable_and_canary` (owner's services, naming conventions, weights),
    so the table, the health verdict and the write paths agree on which backend is which.
    """
    stable, canary = stable_and_canary(split, owner_state)
    index = split.backends.index(backend) if backend in split.backends else None
    if index is not None and index == stable:
        return "stable"
    if index is not None and index == canary:
        return "canary"
    return ""


def observed_shares(split: Split, signals: Mapping[BackendKey, GoldenSignals],
                    policy: HealthPolicy = HealthPolicy()) -> dict[str, float | None]:
    """Each backend's share of the split's requests, in percent.

    Returns:
        Backend name → percent, or None for every backend when the split's total rps is below
        `policy.mismatch_min_rps` (a share of almost nothing means nothing).
    """
    rps = {b.name: (signals.get(backend_key(b)) or _NO_SIGNALS).rps for b in split.backends}
    total = sum(value for value in rps.values() if value)
    if total <= 0 or total < policy.mismatch_min_rps:
        return dict.fromkeys(rps)
    return {name: 100.0 * (value or 0.0) / total for name, value in rps.items()}


def share_mismatch(configured: float | None, observed: float | None,
                   policy: HealthPolicy = HealthPolicy()) -> bool:
    """True when configured and observed shares differ by more than the policy allows."""
    if configured is None or observed is None:
        return False
    return abs(configured - observed) > policy.mismatch_points


def _owner_reasons(state: Any) -> tuple[list[str], bool]:
    """Reasons from a CanaryState/RolloutState, and whether the owner reports a failure."""
    if state is None:
        return [], False
    reasons: list[str] = []
    phase = str(getattr(state, "phase", "") or "")
    failed = phase.lower() in _FAILED_PHASES or bool(getattr(state, "aborted", False))
    if getattr(state, "aborted", False):
        reasons.append("aborted")
    elif phase.lower() in _FAILED_PHASES:
        reasons.append(phase.lower())
    if (getattr(state, "paused", False) or getattr(state, "suspended", False)
            or phase.lower() in _PAUSED_PHASES):
        reasons.append("paused")
    failed_checks = getattr(state, "failed_checks", 0) or 0
    if failed_checks:
        reasons.append(f"{failed_checks} failed checks")
    return reasons, failed


def split_health(split: Split, owner_state: Any = None,
                 signals: Mapping[BackendKey, GoldenSignals] | None = None,
                 policy: HealthPolicy = HealthPolicy(), window: Window = Window(),
                 since_change: float | None = None, awaiting_approval: bool = False) -> SplitHealth:
    """Judge one split.

    Args:
        split: The split.
        owner_state: Its owner's `CanaryState`/`RolloutState`, or None.
        signals: Latest signals per backend (missing backends have no data).
        policy: Thresholds.
        window: The window of `signals` and how much of it data covers.
        since_change: Seconds since the split's weights last changed, None when unknown.
        awaiting_approval: Whether a plan on the split waits for approval.

    Returns:
        The mark (worst backend mark; problems make it at least "warn"), whether it needs
        attention, why (each finding's short reason first), and the findings themselves.
    """
    signals = signals or {}
    marks = [signal_mark(signals.get(backend_key(b)), policy) for b in split.backends]
    findings = tuple(split_findings(split, owner_state, signals, window, since_change,
                                    awaiting_approval, policy))
    owner_reasons, owner_failed = _owner_reasons(owner_state)
    reasons = [finding.reason for finding in findings] + owner_reasons
    if split.problems:
        count = len(split.problems)
        reasons.append(f"{count} problem{'s' if count > 1 else ''}")
    mark = worst(marks)
    if split.problems or owner_failed:
        mark = worst([mark, "bad" if owner_failed else "warn"])
    return SplitHealth(mark=mark, attention=bool(reasons), reasons=tuple(dict.fromkeys(reasons)),
                       findings=findings, owner_reasons=tuple(owner_reasons))


_NO_SIGNALS = GoldenSignals()
