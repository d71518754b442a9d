"""PrometheusSource against a stub server: errors, garbage, slowness, auth, base paths."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable, Iterator

import pytest

from meshtui.metrics.prometheus import QUERIES_PER_CALL, PrometheusSource
from meshtui.metrics.source import BackendTarget, MetricsError, MetricsSource, RouteKey
from meshtui.model.signals import BackendKey, GoldenSignals
from tests.metrics.stub_prometheus import Reply, StubPrometheus, error, vector

TOKEN = "s3cr3t-t0ken-value"
PASSWORD = "hunter2-password"
PRIMARY = BackendKey("test", "podinfo-primary")
CANARY = BackendKey("test", "podinfo-canary")
TARGETS = [BackendTarget(PRIMARY), BackendTarget(CANARY)]

StubFactory = Callable[[Callable[[str, dict[str, list[str]]], Reply]], StubPrometheus]


@pytest.fixture
def stub() -> Iterator[StubFactory]:
    """Start stub servers answering with a given function; stopped at teardown."""
    started: list[StubPrometheus] = []

    def start(answer: Callable[[str, dict[str, list[str]]], Reply]) -> StubPrometheus:
        server = StubPrometheus(answer).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _always(status: int, body: str | bytes) -> Callable[[str, dict[str, list[str]]], Reply]:
    return lambda path, query: (status, body)


def _fetch_error(source: PrometheusSource) -> str:
    with pytest.raises(MetricsError) as info:
        source.fetch(TARGETS, "1m")
    message = str(info.value)
    assert "\n" not in message
    assert TOKEN not in message and PASSWORD not in message
    return message


def test_connection_refused(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    caplog.set_level(logging.DEBUG)
    source = PrometheusSource(f"http://127.0.0.1:{port}", bearer_token=TOKEN, timeout=2.0)
    assert "connection refused" in _fetch_error(source)
    assert TOKEN not in caplog.text


@pytest.mark.parametrize(("status", "body", "expected"), [
    (400, error("bad_data", "1:5: parse error: unexpected character"), "HTTP 400"),
    (422, error("execution", "query processing would load too many samples"), "too many samples"),
    (503, "Service Unavailable", "HTTP 503"),
    (200, error("bad_data", "invalid parameter"), "invalid parameter"),
    (200, b"<html>not json at all", "malformed answer"),
    (200, '{"status": "success", "data": {"result": "oops"}}', "malformed answer"),
    (200, '{"status": "success", "data": {"result": [{"metric": {}, "value": [1, "fast"]}]}}',
     "malformed answer"),
    (200, '{"status": "success", "data": {"result": [{"value": [1, "1"]}]}}', "malformed answer"),
])
def test_http_and_protocol_errors_become_metrics_errors(
        stub: StubFactory, status: int, body: str | bytes, expected: str) -> None:
    server = stub(_always(status, body))
    source = PrometheusSource(server.url, bearer_token=TOKEN, timeout=2.0)
    assert expected in _fetch_error(source)
    # One attempt only: no hidden retries behind the UI's back.
    assert len(server.seen) == 1


def test_unauthorized_hints_at_credentials_without_leaking_them(stub: StubFactory) -> None:
    server = stub(_always(401, f"Unauthorized: bad token Bearer {TOKEN}"))
    source = PrometheusSource(server.url, basic_auth=("admin", PASSWORD), timeout=2.0)
    message = _fetch_error(source)
    assert "HTTP 401" in message and "credentials" in message
    assert PASSWORD not in repr(source) and TOKEN not in repr(source)


def test_slow_answer_times_out(stub: StubFactory) -> None:
    def slow(path: str, query: dict[str, list[str]]) -> Reply:
        server.release.wait(timeout=10)
        return 200, vector()

    server = stub(slow)
    source = PrometheusSource(server.url, timeout=0.3)
    assert "did not answer within 0.3s" in _fetch_error(source)


def test_nan_values_are_no_data(stub: StubFactory) -> None:
    def answer(path: str, query: dict[str, list[str]]) -> Reply:
        q = query["query"][0]
        if q.startswith("sum by (dst_namespace, dst_service, classification)"):
            return 200, vector(
                ({"dst_namespace": "test", "dst_service": "podinfo-primary",
                  "classification": "success"}, "NaN"),
                ({"dst_namespace": "test", "dst_service": "podinfo-canary",
                  "classification": "success"}, "3"),
                ({"dst_namespace": "test", "dst_service": "podinfo-canary",
                  "classification": "failure"}, "1"),
            )
        return 200, vector()

    server = stub(answer)
    snapshot = PrometheusSource(server.url).fetch(TARGETS, "5m")
    assert snapshot.signals[PRIMARY] == GoldenSignals(None, None, None, None, None)
    canary = snapshot.signals[CANARY]
    assert canary.success_rate == pytest.approx(0.75)
    assert canary.rps == pytest.approx(4.0)
    assert canary.p99_ms is None


def test_base_url_with_path_bearer_token_and_constant_query_count(stub: StubFactory) -> None:
    prefix = "/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy"
    server = stub(lambda path, query: (200, vector()) if path.startswith(prefix + "/api/v1/")
                  else (404, "no such path"))
    source = PrometheusSource(server.url + prefix + "/", bearer_token=TOKEN)
    assert isinstance(source, MetricsSource)
    one = source.fetch(TARGETS[:1], "1m")
    many = [BackendTarget(BackendKey(f"ns-{i}", f"svc-{i}"),
                          RouteKey(f"ns-{i}", "route", "apex") if i % 2 else None) for i in range(50)]
    all_ = source.fetch(many, "1h")
    assert one.queries == all_.queries == QUERIES_PER_CALL
    assert source.queries_made == 2 * QUERIES_PER_CALL
    assert {s.path for s in server.seen} == {prefix + "/api/v1/query"}
    assert all(s.headers.get("Authorization") == f"Bearer {TOKEN}" for s in server.seen)
    assert all_.signals[BackendKey("ns-3", "svc-3")] == GoldenSignals(None, None, None, None, None)
    # Named after the service behind the proxy; the API server only carries the queries.
    assert source.name == ("prometheus linkerd-viz/prometheus:9090 via "
                           f"{server.url.removeprefix('http://')}")


def test_invalid_names_are_never_sent_and_get_no_data(stub: StubFactory) -> None:
    server = stub(_always(200, vector()))
    bad = BackendKey("test", 'x"}) or vector(1)')
    snapshot = PrometheusSource(server.url).fetch([BackendTarget(bad), *TARGETS], "1m")
    assert snapshot.signals[bad] == GoldenSignals(None, None, None, None, None)
    assert server.seen and all("vector(1)" not in s.query["query"][0] for s in server.seen)


def test_invalid_window_and_step(stub: StubFactory) -> None:
    server = stub(_always(200, vector()))
    source = PrometheusSource(server.url)
    with pytest.raises(MetricsError, match="invalid rate window"):
        source.fetch(TARGETS, "2m")
    with pytest.raises(MetricsError, match="invalid history step"):
        source.history(TARGETS, "5m", 0)
    assert server.seen == []


def test_url_credentials_are_used_and_hidden(stub: StubFactory) -> None:
    server = stub(_always(500, "boom"))
    url = server.url.replace("http://", f"http://admin:{PASSWORD}@")
    source = PrometheusSource(url, timeout=2.0)
    assert PASSWORD not in source.name and PASSWORD not in repr(source)
    assert "HTTP 500" in _fetch_error(source)
    assert server.seen[0].headers.get("Authorization", "").startswith("Basic ")


def test_bad_url_is_refused() -> None:
    with pytest.raises(ValueError, match="invalid Prometheus URL"):
        PrometheusSource("prometheus:9090")
