"""Tests of golden signals, snapshots and the bounded history."""

from __future__ import annotations

import dataclasses

import pytest

from meshtui.model.figures import NO_DATA
from meshtui.model.findings import HealthPolicy
from meshtui.model.plan import Analysis
from meshtui.model.signals import (
    CHARTED,
    LATENCY_SIGNALS,
    SIGNAL_FIELDS,
    SIGNALS,
    BackendKey,
    GoldenSignals,
    MetricsSnapshot,
    SignalHistory,
    signal_spec,
)

KEY = BackendKey("prod", "web-canary")
OTHER = BackendKey("prod", "web-primary")


def test_from_counts() -> None:
    """Counts over a window give rate and success share; no responses means no success rate."""
    signals = GoldenSignals.from_counts(successes=95, total=100, seconds=10, p99_ms=40.0)
    assert signals == GoldenSignals(success_rate=0.95, rps=10.0, p50_ms=None, p95_ms=None, p99_ms=40.0)
    idle = GoldenSignals.from_counts(successes=0, total=0, seconds=10)
    assert idle.success_rate is None and idle.rps == 0.0
    assert idle.has_data
    assert not GoldenSignals().has_data


def test_value_refuses_unknown_names() -> None:
    """Asking for a signal that does not exist is a KeyError naming the valid ones."""
    with pytest.raises(KeyError, match="rps"):
        GoldenSignals().value("latency")
    assert GoldenSignals(rps=2.0).value("rps") == 2.0


def test_every_signal_is_declared_once_and_holds_a_figure() -> None:
    """Each spec names a `GoldenSignals` field, a distinct column, and a width its format keeps to."""
    figures = {f.name for f in dataclasses.fields(GoldenSignals) if f.type == "float | None"}
    assert set(SIGNAL_FIELDS) == figures
    assert len({spec.column for spec in SIGNALS}) == len(SIGNALS)
    for spec in SIGNALS:
        assert spec.format(None) == NO_DATA
        values = (0.0, 0.5, 0.99999, 1.0) if spec.unit == "%" else \
            (0.0, 0.0004, 0.5, 9.99, 99.5, 999.4, 9_999.9, 123_456.0)
        for value in values:
            assert len(spec.format(value)) <= spec.width, (spec.field, spec.format(value))
    assert signal_spec("p99_ms").quantile == 0.99
    with pytest.raises(KeyError, match="p99_ms"):
        signal_spec("p90_ms")


def test_charts_thresholds_and_quantiles_name_things_that_exist() -> None:
    """A charted signal has a title; a warn name is a policy threshold; a plan bound is a bound
    of an analysis step; quantiles rise."""
    assert [spec.column for spec in CHARTED] == ["success", "rps", "p99"]
    analysis_fields = {f.name for f in dataclasses.fields(Analysis)}
    for spec in SIGNALS:
        assert not spec.warn or isinstance(getattr(HealthPolicy(), spec.warn), float)
        assert not spec.plan_bound or spec.plan_bound in analysis_fields
    quantiles = [spec.quantile for spec in LATENCY_SIGNALS]
    assert quantiles == sorted(quantiles) and all(0 < q < 1 for q in quantiles if q is not None)


def test_json_keys_are_the_declared_fields() -> None:
    """``--signals`` JSON has one key per signal, None for no data."""
    assert GoldenSignals(rps=2.5).to_json() == {"success_rate": None, "rps": 2.5, "p50_ms": None,
                                                "p95_ms": None, "p99_ms": None}


def test_snapshot_get_defaults_to_no_data() -> None:
    """A backend absent from the snapshot reads as all-None signals."""
    snapshot = MetricsSnapshot(taken_at=1.0, signals={KEY: GoldenSignals(rps=1.0)}, source="test")
    assert snapshot.get(KEY).rps == 1.0
    assert snapshot.get(OTHER) == GoldenSignals()
    assert str(KEY) == "prod/web-canary"


def test_history_is_bounded_and_ordered() -> None:
    """Only the newest maxlen points are kept per backend, oldest first."""
    history = SignalHistory(maxlen=3)
    for t in range(5):
        history.append(float(t), KEY, GoldenSignals(rps=float(t)))
    assert history.series(KEY, "rps") == [(2.0, 2.0), (3.0, 3.0), (4.0, 4.0)]
    assert history.series(KEY, "rps", since=3.0) == [(3.0, 3.0), (4.0, 4.0)]
    assert history.series(OTHER, "rps") == []
    assert len(history) == 3
    assert history.latest(KEY) == (4.0, GoldenSignals(rps=4.0))


def test_history_keeps_none_as_a_gap() -> None:
    """Missing values stay None in the series, so charts draw gaps rather than zeros."""
    history = SignalHistory()
    history.append(1.0, KEY, GoldenSignals(success_rate=None, rps=0.0))
    assert history.series(KEY, "success_rate") == [(1.0, None)]


def test_history_merges_out_of_order_and_backfill() -> None:
    """Late or back-filled points are merged in time order; a later point at the same time wins."""
    history = SignalHistory(maxlen=4)
    history.append(10.0, KEY, GoldenSignals(rps=10.0))
    history.append(5.0, KEY, GoldenSignals(rps=5.0))
    history.extend(KEY, [(1.0, GoldenSignals(rps=1.0)), (10.0, GoldenSignals(rps=11.0)),
                         (7.0, GoldenSignals(rps=7.0)), (8.0, GoldenSignals(rps=8.0))])
    assert history.series(KEY, "rps") == [(5.0, 5.0), (7.0, 7.0), (8.0, 8.0), (10.0, 11.0)]


def test_append_snapshot_and_forget() -> None:
    """A snapshot adds one point per backend; an errored one adds none."""
    history = SignalHistory()
    history.append_snapshot(MetricsSnapshot(1.0, {KEY: GoldenSignals(rps=1.0), OTHER: GoldenSignals()}))
    history.append_snapshot(MetricsSnapshot(2.0, {KEY: GoldenSignals(rps=2.0)}, error="down"))
    assert history.keys() == [KEY, OTHER]
    assert history.series(KEY, "rps") == [(1.0, 1.0)]
    history.forget(KEY)
    assert history.keys() == [OTHER]


def test_history_rejects_bad_arguments() -> None:
    """A zero-length buffer and unknown fields are errors."""
    with pytest.raises(ValueError):
        SignalHistory(maxlen=0)
    with pytest.raises(KeyError):
        SignalHistory().series(KEY, "p90_ms")
