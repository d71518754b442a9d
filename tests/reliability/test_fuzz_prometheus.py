"""Scenario 6, Prometheus answers: fuzzed vectors through the decoder and `PrometheusSource`.

Decoding either succeeds or raises `ValueError` (reported as malformed); combining decoded samples
never raises; `PrometheusSource.fetch` against a stub serving the fuzzed answer returns a snapshot
or raises `MetricsError`, nothing else.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.metrics import aggregate
from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.source import BackendTarget, MetricsError, RouteKey
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import StubPrometheus
from tests.reliability import figures
from tests.reliability.fuzzing import CASES, fuzz_settings
from tests.reliability.strategies import WEIRD

TARGETS = [BackendTarget(BackendKey("test", "web")),
           BackendTarget(BackendKey("test", "web-canary"), RouteKey("test", "web", "web"))]
LABEL_NAMES = ("dst_namespace", "dst_service", "classification", "status_code", "le",
               "parent_namespace", "parent_name", "route_name", "backend_namespace",
               "backend_name", "http_status", "error")
LABEL_VALUES = st.sampled_from(["test", "web", "web-canary", "success", "failure", "200", "500",
                                "+Inf", "-Inf", "NaN", "0.005", "10", "1e400", "abc", "", "ü",
                                "\"}", "\\"]) | st.text(max_size=6)
VALUES = st.sampled_from(["1", "0", "-1", "NaN", "+Inf", "-Inf", "1e400", "0.25", "abc", ""]) \
    | st.floats(allow_nan=True).map(repr) | WEIRD
SERIES = st.fixed_dictionaries({
    "metric": st.dictionaries(st.sampled_from(LABEL_NAMES), LABEL_VALUES, max_size=6) | WEIRD,
    "value": st.tuples(st.floats(0, 2e9) | WEIRD, VALUES).map(list) | WEIRD})
ANSWERS = st.fixed_dictionaries({
    "status": st.sampled_from(["success", "error"]) | WEIRD,
    "data": st.fixed_dictionaries({"resultType": st.sampled_from(["vector", "matrix"]) | WEIRD,
                                   "result": st.lists(SERIES, max_size=6) | WEIRD}) | WEIRD})


pytestmark = pytest.mark.heavy


def teardown_module() -> None:
    """Record how many cases this module ran."""
    figures.record("fuzz_prometheus",
                   **{k: v for k, v in CASES.items() if k.startswith("prometheus.")})


def _decode_and_combine(results: list[object]) -> None:
    decoded = []
    for result in results:
        try:
            decoded.append(aggregate.parse_vector(result))
        except ValueError:
            return  # reported by PrometheusSource as a malformed answer
    signals = aggregate.combine(TARGETS, *decoded)
    assert set(signals) == {t.key for t in TARGETS}
    for s in signals.values():
        for value in (s.success_rate, s.rps, s.p50_ms, s.p95_ms, s.p99_ms):
            assert value is None or math.isfinite(value), s


@fuzz_settings(2200)
@given(st.lists(st.lists(SERIES, max_size=6) | WEIRD, min_size=4, max_size=4))
def test_decoding_and_combining_fuzzed_vectors(results) -> None:
    CASES["prometheus.decode"] += 1
    _decode_and_combine(results)


@pytest.fixture(scope="module")
def stub() -> Iterator[tuple[StubPrometheus, list[str]]]:
    """One stub serving whatever the current example put in the one-element list."""
    current = [""]
    server = StubPrometheus(lambda path, query: (200, current[0])).start()
    try:
        yield server, current
    finally:
        server.stop()


@fuzz_settings(300)
@given(answer=ANSWERS)
def test_source_returns_a_snapshot_or_raises_metrics_error(stub, answer) -> None:
    CASES["prometheus.source"] += 1
    server, current = stub
    current[0] = json.dumps(answer)
    source = PrometheusSource(server.url, timeout=2.0)
    try:
        snapshot = source.fetch(TARGETS, "1m")
    except MetricsError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert set(snapshot.signals) == {t.key for t in TARGETS}
    finally:
        source.close()
