"""Turn the model into what the widgets draw: navigator rows, backend rows, chart series, checks.

Pure functions over model values (no widget state), so what the dashboard shows is testable
without running an app.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from meshtui.model.findings import HealthPolicy, Window, canary_verdict
from meshtui.model.health import (
    SplitHealth,
    backend_key,
    backend_role,
    observed_shares,
    share_mismatch,
    split_health,
)
from meshtui.model.ownership import CONTROLLER_NAMES
from meshtui.model.roles import stable_and_canary
from meshtui.model.signals import BackendKey, GoldenSignals, signal_spec
from meshtui.model.split import Split
from meshtui.rollout.status import plan_status
from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.split_list import SplitList

KIND_LABELS: Mapping[str, str] = {"TrafficSplit": "TS", "HTTPRoute": "HR", "GRPCRoute": "GR"}
"""Two-letter kind labels for the navigator column."""


def owner_label(split: Split) -> str:
    """"Flagger", "Argo", "other" or "" for a split without owner."""
    if split.owner is None:
        return ""
    known = CONTROLLER_NAMES.get(split.owner.controller)
    return known.short if known is not None else split.owner.controller


def first_rule_percents(split: Split) -> tuple[float, ...]:
    """Configured percents of the split's first rule (the one a weight bar shows)."""
    return tuple(b.percent for b in split.backends if b.rule == 0)


def backend_roles(split: Split, owner_state: Any) -> tuple[str, ...]:
    """Stable/canary role of each first-rule backend, so colours follow roles, not positions
    (an Argo Rollout lists its canary first)."""
    return tuple(backend_role(split, b, owner_state) for b in split.backends if b.rule == 0)


def health_of(split: Split, owner_state: Any, signals: Mapping[BackendKey, GoldenSignals],
              policy: HealthPolicy, window: Window = Window(),
              since_change: float | None = None) -> SplitHealth:
    """The verdict on one split, with its plan's approval state read from the split itself.

    The navigator row, the attention count, the checks pane and the Promote dialog all take
    their findings from here, so they never disagree.
    """
    status = plan_status(split)
    return split_health(split, owner_state, signals, policy, window, since_change,
                        awaiting_approval=status is not None and status.awaiting_approval)


def split_row(split: Split, owner_state: Any, signals: Mapping[BackendKey, GoldenSignals],
              policy: HealthPolicy, window: Window = Window(),
              since_change: float | None = None) -> SplitList.Row:
    """The navigator row of one split."""
    health = health_of(split, owner_state, signals, policy, window, since_change)
    stable_index, canary_index = stable_and_canary(split, owner_state)
    stable = split.backends[stable_index] if stable_index is not None else None
    canary = split.backends[canary_index] if canary_index is not None else None
    canary_signals = signals.get(backend_key(canary)) if canary is not None else None
    return SplitList.Row(
        ref=split.ref,
        namespace=split.namespace,
        kind_label=KIND_LABELS.get(split.kind, split.kind[:2].upper()),
        name=split.name,
        service=split.service,
        owner_label=owner_label(split),
        percents=first_rule_percents(split),
        roles=backend_roles(split, owner_state),
        health=health.mark,
        attention=health.attention,
        note=health.note,
        canary=canary_signals,
        stable=signals.get(backend_key(stable)) if stable is not None else None,
        verdict=canary_verdict(health.findings, canary.name, canary_signals, window, policy)
        if canary is not None else "",
    )


def backend_rows(split: Split, signals: Mapping[BackendKey, GoldenSignals],
                 policy: HealthPolicy, owner_state: Any = None,
                 judge_shares: bool = True) -> list[BackendTable.Row]:
    """One table row per backend, with observed shares and the mismatch flag.

    Args:
        judge_shares: False while the window is not yet full or still holds traffic from before
            the last weight change: shares are shown but no gap is flagged.
    """
    shares = observed_shares(split, signals, policy)
    rows = []
    for backend in split.backends:
        configured = backend.percent if backend.weight is not None else None
        observed = shares.get(backend.name)
        rows.append(BackendTable.Row(
            name=backend.name,
            role=backend_role(split, backend, owner_state),
            configured=configured,
            observed=observed,
            signals=signals.get(backend_key(backend)),
            mismatch=judge_shares and share_mismatch(configured, observed, policy),
        ))
    return rows


def chart_series(split: Split, history: Mapping[BackendKey, Sequence[tuple[float, GoldenSignals]]],
                 field: str) -> dict[str, list[tuple[float, float | None]]]:
    """One series per backend of `split` for one `GoldenSignals` field, in the signal's unit.

    Success rates are charted in percent so the axis reads like the table.
    """
    scale = signal_spec(field).scale
    series: dict[str, list[tuple[float, float | None]]] = {}
    for backend in split.backends:
        points = history.get(backend_key(backend), ())
        values: list[tuple[float, float | None]] = []
        for t, signals in points:
            value = getattr(signals, field)
            values.append((t, None if value is None else value * scale))
        series.setdefault(backend.name, values)
    return series


def current_figures(split: Split, signals: Mapping[BackendKey, GoldenSignals],
                    field: str) -> dict[str, float | None]:
    """Each backend's figure for one `GoldenSignals` field, scaled as `chart_series` scales it.

    The chart legends show these, the backend table's own figures over the same window, rather
    than the last chart point (a shorter rate interval that disagrees with the table).
    """
    scale = signal_spec(field).scale
    figures: dict[str, float | None] = {}
    for backend in split.backends:
        signals_of = signals.get(backend_key(backend))
        value = getattr(signals_of, field) if signals_of is not None else None
        figures.setdefault(backend.name, None if value is None else value * scale)
    return figures


def weights_signature(split: Split) -> tuple[tuple[str, float], ...]:
    """What must change for a weight-change marker: each backend's configured percent."""
    return tuple((f"{b.rule}/{b.name}", b.percent) for b in split.backends)


def scoped(splits: Iterable[Split], namespace: str | None) -> list[Split]:
    """The splits in one namespace, or all of them when `namespace` is None."""
    return [s for s in splits if namespace is None or s.namespace == namespace]
