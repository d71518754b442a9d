"""Scenario 3: Prometheus stopped, slow, failing or answering garbage.

Every call of `PrometheusSource` (``fetch`` and ``history``) must raise `MetricsError` with a
one-line message, within its timeout plus a margin: a bad Prometheus never hangs the caller.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator

import pytest

from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.source import BackendTarget, MetricsError, RouteKey
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import Reply, StubPrometheus
from tests.reliability import figures

TIMEOUT = 0.5
MARGIN = 5.0
"""Generous: the assertion is "bounded, no hang", not a speed goal."""

TARGETS = [BackendTarget(BackendKey("test", "podinfo-primary")),
           BackendTarget(BackendKey("test", "podinfo-canary"),
                         RouteKey("test", "podinfo", "podinfo"))]

GARBAGE: dict[str, Reply] = {
    "http-500": (500, "internal error"),
    "http-503-html": (503, b"<html><body>Service Unavailable</body></html>"),
    "http-404": (404, b"404 page not found"),
    "prom-error": (422, json.dumps({"status": "error", "errorType": "execution",
                                    "error": "query timed out"})),
    "not-json": (200, b"\x00\xff not json at all"),
    "empty-body": (200, b""),
    "json-list": (200, "[1, 2, 3]"),
    "no-data": (200, json.dumps({"status": "success"})),
    "wrong-result-type": (200, json.dumps({"status": "success",
                                           "data": {"resultType": "scalar", "result": 5}})),
    "result-not-list": (200, json.dumps({"status": "success",
                                         "data": {"resultType": "vector", "result": "x"}})),
    "sample-not-pair": (200, json.dumps({"status": "success", "data": {
        "resultType": "vector", "result": [{"metric": {}, "value": "1"}]}})),
    "metric-not-dict": (200, json.dumps({"status": "success", "data": {
        "resultType": "vector", "result": [{"metric": [], "value": [1, "1"]}]}})),
}


@pytest.fixture
def stubs() -> Iterator[Callable[[Callable[[str, dict], Reply]], StubPrometheus]]:
    """Start stub Prometheus servers; stopped (and any held answer released) at teardown."""
    started: list[StubPrometheus] = []

    def start(answer: Callable[[str, dict], Reply]) -> StubPrometheus:
        server = StubPrometheus(answer).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _calls(source: PrometheusSource) -> list[tuple[str, Callable[[], object]]]:
    return [("fetch", lambda: source.fetch(TARGETS, "1m")),
            ("history", lambda: source.history(TARGETS, "5m", 15.0))]


def _must_fail(source: PrometheusSource) -> list[float]:
    """Run fetch and history; each must raise MetricsError, one line. Return the elapsed times."""
    elapsed = []
    for what, call in _calls(source):
        started = time.monotonic()
        with pytest.raises(MetricsError) as caught:
            call()
        elapsed.append(time.monotonic() - started)
        message = str(caught.value)
        assert message and "\n" not in message, f"{what}: {message!r}"
        assert "Traceback" not in message
    assert max(elapsed) < TIMEOUT + MARGIN, elapsed
    return elapsed


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_stopped_slow_erroring_and_garbage_prometheus(stubs) -> None:
    timings: dict[str, float] = {}
    stopped = PrometheusSource(f"http://127.0.0.1:{_free_port()}", timeout=TIMEOUT)
    timings["stopped"] = max(_must_fail(stopped))

    holder: list[StubPrometheus] = []

    def slow(path: str, query: dict) -> Reply:
        # Held until teardown releases it: far longer than the client's timeout.
        holder[0].release.wait(30)
        return 200, json.dumps({"status": "success", "data": {"resultType": "vector",
                                                              "result": []}})

    holder.append(stubs(slow))
    timings["slow"] = max(_must_fail(PrometheusSource(holder[0].url, timeout=TIMEOUT)))

    for name, reply in GARBAGE.items():
        server = stubs(lambda path, query, reply=reply: reply)
        timings[name] = max(_must_fail(PrometheusSource(server.url, timeout=TIMEOUT)))

    figures.record("prometheus_faults", modes=len(timings), modes_failed_cleanly=len(timings),
                   timeout_s=TIMEOUT, worst_elapsed_s=round(max(timings.values()), 3),
                   slow_elapsed_s=round(timings["slow"], 3))


@pytest.mark.prometheus
def test_real_prometheus_stopped_mid_session(prometheus_factory) -> None:
    process = prometheus_factory([], scrape_interval="1s")
    source = PrometheusSource(process.url, timeout=TIMEOUT)
    snapshot = source.fetch(TARGETS, "1m")
    assert set(snapshot.signals) == {t.key for t in TARGETS}
    process.stop()
    elapsed = _must_fail(source)
    figures.record("prometheus_faults", real_stopped_elapsed_s=round(max(elapsed), 3))
