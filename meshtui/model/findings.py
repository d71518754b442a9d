"""Verdicts on a split's backends: what a human should look at, with the figure that says so.

Each backend is judged against the split's stable backend and absolute thresholds, and only on
enough evidence: a success rate or latency needs a minimum number of requests behind it, a gap
between weights and observed shares needs a window fully covered by data since the weights last
changed. Missing or too-young data gives no verdict, never a healthy one and never a failing one.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from meshtui.model._fields import as_dict, as_list, as_str, metadata
from meshtui.model.durations import format_duration
from meshtui.model.kubetime import parse_time
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.roles import stable_and_canary
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Backend, Split

__all__ = ["Finding", "HealthPolicy", "Window", "shares_judged", "split_findings", "written_at"]

COVERED_SLACK = 0.95
"""Share of a window data must cover for the window to count as full (scrapes are not exact)."""


@dataclass(frozen=True)
class HealthPolicy:
    """Thresholds that turn signals into marks and verdicts (configurable in config.toml)."""

    success_warn: float = 0.99
    """Success rate below this is marked "warn"."""
    success_bad: float = 0.95
    """Success rate below this is marked "bad", and a backend below it on enough requests is
    failing whatever its stable backend does."""
    mismatch_points: float = 10.0
    """Configured vs observed share gap (percentage points) that is flagged."""
    mismatch_min_rps: float = 1.0
    """Total split rps below which shares are not compared (too little traffic to judge)."""
    success_drop_points: float = 1.0
    """A backend whose success rate is this many points below the stable one's is failing."""
    min_requests: int = 20
    """Requests a backend needs in the window before its success rate is judged."""
    latency_ratio: float = 2.0
    """A p99 this many times the stable backend's is failing."""
    latency_floor_ms: float = 10.0
    """A p99 below this is never failing (tiny latencies double on noise)."""
    latency_min_requests: int = 100
    """Requests a backend needs before its p99 is judged (below, a p99 is the slowest request)."""
    confidence_z: float = 2.0
    """How many standard errors a success-rate gap must span, so sampling noise is not a verdict."""


@dataclass(frozen=True)
class Window:
    """The metrics window figures are computed over, and how much of it data covers."""

    seconds: float = 60.0
    """Length of the window asked for."""
    covered: float | None = None
    """Seconds of the window backed by data (less while metrics are young); None: all of it."""

    @property
    def span(self) -> float:
        """Seconds the figures actually cover."""
        return self.seconds if self.covered is None else max(0.0, min(self.covered, self.seconds))

    @property
    def full(self) -> bool:
        """Whether data covers (almost) the whole window."""
        return self.span >= COVERED_SLACK * self.seconds

    @property
    def label(self) -> str:
        """E.g. ``"5m"``, or ``"1m of 5m"`` while the window is only partly covered."""
        if self.full:
            return format_duration(self.seconds)
        return f"{format_duration(self.span)} of {format_duration(self.seconds)}"

    def requests(self, signals: GoldenSignals | None) -> float:
        """How many requests `signals` stand for over the covered span (0 without data)."""
        if signals is None or not signals.rps:
            return 0.0
        return signals.rps * self.span


@dataclass(frozen=True)
class Finding:
    """One thing wrong with a split, worded for the detail pane and for the navigator."""

    kind: str
    """``"success"``, ``"latency"``, ``"share"``, ``"no-requests"`` or ``"approval"``."""
    backend: str
    """The backend concerned ("" for the split as a whole)."""
    message: str
    """E.g. "voting-v2-svc: success 91.2% vs stable 99.1% (5m, 412 req)"."""
    reason: str
    """Short form for a navigator row, e.g. "canary success 91.2%"."""


def split_findings(split: Split, owner_state: CanaryState | RolloutState | None,
                   signals: Mapping[BackendKey, GoldenSignals],
                   window: Window = Window(),
                   since_change: float | None = None,
                   awaiting_approval: bool = False,
                   policy: HealthPolicy = HealthPolicy()) -> list[Finding]:
    """Judge a split's backends.

    Args:
        split: The split.
        owner_state: Its owner's `CanaryState`/`RolloutState` (decides which backend is stable).
        signals: Latest signals per backend over `window` (a missing backend has no data).
        window: The window of the signals and how much of it data covers.
        since_change: Seconds since the split's weights last changed, None when unknown (long
            ago as far as anyone can tell).
        awaiting_approval: Whether a plan on the split waits for a human to approve its step.
        policy: Thresholds.

    Returns:
        Findings, the most telling first: approval, success, latency, then traffic shares.
    """
    found: list[Finding] = []
    if awaiting_approval:
        # The short form fits a navigator note at 140 columns.
        found.append(Finding("approval", "", "plan waiting for approval", "awaiting approval"))
    if not split.backends:
        return found
    stable_index, canary_index = stable_and_canary(split, owner_state)
    stable = split.backends[stable_index] if stable_index is not None else None
    stable_signals = signals.get(_key(stable)) if stable is not None else None
    health: list[Finding] = []
    for index, backend in enumerate(split.backends):
        own = signals.get(_key(backend))
        name = "canary" if index == canary_index else backend.name
        compare = None
        if stable is not None and index != stable_index and backend.rule == stable.rule:
            compare = stable_signals
        health += _success(backend.name, name, own, compare, window, policy)
        if compare is not None:
            health += _latency(backend.name, name, own, compare, window, policy)
    found += [f for f in health if f.kind == "success"] + [f for f in health if f.kind == "latency"]
    found += _shares(split, signals, window, since_change, policy)
    return found


def written_at(split: Split) -> float | None:
    """When the split's spec was last written, as far as its metadata tells.

    The latest `managedFields` time of any writer but the status subresource (a controller
    updating status does not move traffic), else the creation time. Any write may have been a
    weight change, so this is the latest time weights can have changed: shares are judged only a
    full window after it.
    """
    meta = metadata(split.obj)
    times = [parse_time(entry.get("time")) for entry in map(as_dict, as_list(meta.get("managedFields")))
             if as_str(entry.get("subresource")) != "status"]
    known = [t for t in times if t is not None]
    return max(known) if known else parse_time(meta.get("creationTimestamp"))


def _key(backend: Backend) -> BackendKey:
    return BackendKey(backend.namespace, backend.name)


def _evidence(window: Window, requests: float) -> str:
    """The window and request count behind a figure, e.g. "5m, 412 req"."""
    return f"{window.label}, {requests:.0f} req"


def _success(name: str, short: str, own: GoldenSignals | None, stable: GoldenSignals | None,
             window: Window, policy: HealthPolicy) -> list[Finding]:
    """A success rate below the floor, or significantly below the stable backend's."""
    requests = window.requests(own)
    if own is None or own.success_rate is None or requests < policy.min_requests:
        return []
    rate = own.success_rate
    stable_requests = window.requests(stable)
    if (stable is not None and stable.success_rate is not None
            and stable_requests >= policy.min_requests
            and _significantly_lower(rate, requests, stable.success_rate, stable_requests, policy)):
        return [Finding("success", name,
                        f"{name}: success {rate:.1%} vs stable {stable.success_rate:.1%} "
                        f"({_evidence(window, requests)})",
                        f"{short} success {_whole(rate)}")]
    if rate < policy.success_bad:
        return [Finding("success", name,
                        f"{name}: success {rate:.1%}, below {policy.success_bad:.0%} "
                        f"({_evidence(window, requests)})",
                        f"{short} success {_whole(rate)}")]
    return []


def _whole(rate: float) -> str:
    """A rate in whole percent for a narrow navigator cell (one decimal near 100%, where it matters)."""
    return f"{rate:.1%}" if rate >= 0.995 else f"{rate:.0%}"


def _significantly_lower(rate: float, requests: float, stable_rate: float, stable_requests: float,
                         policy: HealthPolicy) -> bool:
    """Whether `rate` is at least the policy's points below `stable_rate` and not by chance.

    A two-proportion test: at 90 requests a canary as good as its stable backend still reads a
    point or two lower now and then, which is noise, not a verdict.
    """
    gap = stable_rate - rate
    if gap * 100 < policy.success_drop_points:
        return False
    pooled = (rate * requests + stable_rate * stable_requests) / (requests + stable_requests)
    error = math.sqrt(pooled * (1 - pooled) * (1 / requests + 1 / stable_requests))
    return error > 0 and gap / error >= policy.confidence_z


def _latency(name: str, short: str, own: GoldenSignals | None, stable: GoldenSignals | None,
             window: Window, policy: HealthPolicy) -> list[Finding]:
    """A p99 well above the stable backend's, on enough requests on both sides."""
    if own is None or stable is None or own.p99_ms is None or stable.p99_ms is None:
        return []
    requests = window.requests(own)
    if requests < policy.latency_min_requests or window.requests(stable) < policy.latency_min_requests:
        return []
    if own.p99_ms < policy.latency_floor_ms or own.p99_ms < policy.latency_ratio * stable.p99_ms:
        return []
    return [Finding("latency", name,
                    f"{name}: p99 {own.p99_ms:.0f} ms vs stable {stable.p99_ms:.0f} ms "
                    f"({_evidence(window, requests)})",
                    f"{short} p99 {own.p99_ms:.0f} ms")]


VERDICTS = ("failing", "passing", "")
"""A canary's verdict: a success or latency finding on it, judged without one, or none yet."""


def canary_verdict(findings: Sequence[Finding], canary: str, own: GoldenSignals | None,
                   window: Window = Window(), policy: HealthPolicy = HealthPolicy()) -> str:
    """The verdict on a split's canary (one of `VERDICTS`), from the split's findings.

    "passing" only when its success rate was judged on enough requests and nothing was found:
    missing or too few data give no verdict (""), never a healthy one.

    Args:
        findings: The split's findings (`split_findings`).
        canary: The canary backend's name.
        own: The canary's signals over `window`.
        window: The window of the signals.
        policy: Thresholds (the request floor of a judgement).
    """
    if any(finding.backend == canary and finding.kind in ("success", "latency")
           for finding in findings):
        return "failing"
    if own is not None and own.success_rate is not None \
            and window.requests(own) >= policy.min_requests:
        return "passing"
    return ""


def shares_judged(window: Window, since_change: float | None) -> bool:
    """Whether observed shares can be held against the weights: a full window since the change."""
    return window.full and (since_change is None or since_change >= window.seconds)


def _shares(split: Split, signals: Mapping[BackendKey, GoldenSignals], window: Window,
            since_change: float | None, policy: HealthPolicy) -> list[Finding]:
    """Weights the traffic does not follow, judged only over a full window since the last change.

    Right after a weight change the window still holds traffic sent under the old weights, and
    right after metrics start it holds too little: either gap is not a finding.
    """
    if not shares_judged(window, since_change):
        return []
    # No series for a backend means it never received a request: zero, for shares.
    rps = {b.name: (signals.get(_key(b)) or _NONE).rps or 0.0 for b in split.backends}
    total = sum(rps.values())
    if total < policy.mismatch_min_rps or total <= 0:
        return []
    found = []
    for backend in split.backends:
        if backend.weight is None:
            continue
        observed = 100.0 * (rps[backend.name]) / total
        if backend.percent > 0 and not rps[backend.name]:
            found.append(Finding("no-requests", backend.name,
                                 f"backend {backend.name} should get {backend.percent:.0f}% of the "
                                 f"traffic but received no requests ({window.label})",
                                 f"{backend.name} gets no requests"))
        elif abs(backend.percent - observed) > policy.mismatch_points:
            found.append(Finding("share", backend.name,
                                 f"{backend.name}: weight {backend.percent:.0f}% but {observed:.0f}% "
                                 f"of requests ({window.label})",
                                 f"{backend.name} gets {observed:.0f}%"))
    return found


_NONE = GoldenSignals()
