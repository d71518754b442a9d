"""Splits with their golden signals and verdicts as JSON: the scriptable form of the dashboard.

`meshtui get splits --signals -o json` prints what `splits_report` returns, like
`linkerd viz stat -o json`: each backend gets its `signals` (success rate in percent, RPS,
p50/p95/p99 in ms, the window and the metric families they come from; null where there is no
data) and each split its `findings`, the verdicts the dashboard shows
(`meshtui.model.findings`). One batched fetch covers every split.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from meshtui.metrics.source import MetricsSource, backend_targets
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.findings import Finding, HealthPolicy, Window, split_findings, written_at
from meshtui.model.signals import SIGNALS, BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.split import Split
from meshtui.model.windows import WINDOW_SECONDS

__all__ = ["SEVERITY", "backend_signals", "fetch_report", "finding_json", "splits_report"]

SEVERITY: Mapping[str, str] = {
    "success": "bad",
    "latency": "bad",
    "no-requests": "warn",
    "share": "warn",
    "approval": "info",
}
"""A finding's kind → its severity: a failing backend is "bad" (the mark the dashboard gives it),
traffic that does not follow the weights "warn", a plan awaiting approval "info"."""

OwnerStates = Callable[[Split], "CanaryState | RolloutState | None"]
"""The owner state (`CanaryState`/`RolloutState`) of a split, None when it has no owner."""


DIGITS = 4
"""Decimals kept in the JSON figures: far below what any view shows, and stable output."""


def backend_signals(signals: GoldenSignals | None, window: str) -> dict[str, Any]:
    """One backend's `signals` object, every field a `SignalSpec` declares, null without data.

    Figures are in their specs' units: the success rate a percentage (0..100) like
    `linkerd viz stat` prints, not a ratio.
    """
    s = signals or GoldenSignals()
    figures = s.to_json()
    out: dict[str, Any] = {}
    for spec in SIGNALS:
        value = figures[spec.field]
        scale = spec.scale if spec.unit == "%" else 1.0
        out[spec.field] = None if value is None else round(value * scale, DIGITS)
    out["window"] = s.source.window if s.source is not None and s.source.window else window
    out["source"] = None if s.source is None else s.source.to_json()
    return out


def finding_json(finding: Finding) -> dict[str, str | None]:
    """`{severity, backend, message}` of one finding (`backend` null for the split as a whole)."""
    return {"severity": SEVERITY.get(finding.kind, "warn"), "backend": finding.backend or None,
            "message": finding.message}


def splits_report(splits: Sequence[Split], snapshot: MetricsSnapshot, window: str,
                  owner_state: OwnerStates | None = None,
                  policy: HealthPolicy | None = None) -> list[dict[str, Any]]:
    """Each split's `to_json` with `signals` on every backend and the split's `findings`.

    Args:
        splits: The splits, in the order they are printed.
        snapshot: Signals over `window` for (at least) every backend of `splits`.
        window: The rate window asked for (one of `WINDOWS`).
        owner_state: Each split's owner state, which decides its stable backend; None: no owners.
        policy: Verdict thresholds; the dashboard's defaults when None.
    """
    policy = policy or HealthPolicy()
    judged = Window(float(WINDOW_SECONDS[window]), snapshot.covered)
    out = []
    for split in splits:
        data = split.to_json()
        for entry, backend in zip(data["backends"], split.backends, strict=True):
            key = BackendKey(backend.namespace, backend.name)
            entry["signals"] = backend_signals(snapshot.signals.get(key), window)
        changed = written_at(split)
        since = None if changed is None else max(0.0, snapshot.taken_at - changed)
        state = owner_state(split) if owner_state is not None else None
        findings = split_findings(split, state, snapshot.signals, judged, since, policy=policy)
        data["findings"] = [finding_json(f) for f in findings]
        out.append(data)
    return out


def fetch_report(splits: Sequence[Split], source: MetricsSource, window: str,
                 owner_state: OwnerStates | None = None,
                 policy: HealthPolicy | None = None) -> list[dict[str, Any]]:
    """Fetch every backend's signals in one batched call and build `splits_report`.

    Raises:
        MetricsError: When the source cannot answer.
    """
    snapshot = source.fetch(backend_targets(splits), window)
    return splits_report(splits, snapshot, window, owner_state, policy)
