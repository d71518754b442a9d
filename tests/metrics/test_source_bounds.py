"""PrometheusSource bounds every answer: its size, its total time, and nothing is sent after close."""

from __future__ import annotations

import gzip
import socket
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator

import pytest

from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.source import BackendTarget, MetricsError
from meshtui.metrics.transport import MIB
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import Reply, StubPrometheus, drip, oversized, vector
from tests.waiting import wait_for

TOKEN = "s3cr3t-t0ken-value"
TARGETS = [BackendTarget(BackendKey("test", "podinfo-primary")),
           BackendTarget(BackendKey("test", "podinfo-canary"))]
LIMIT = 1 * MIB
HUGE = 64 * MIB
DEADLINE = 0.5
MARGIN = 3.0
"""Loose: the assertion is "fails near its deadline", not a speed goal on a loaded machine."""
DRIP_EVERY = 0.05
PROXY = "/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy"

StubFactory = Callable[..., StubPrometheus]


@pytest.fixture
def stub() -> Iterator[StubFactory]:
    """Start stub servers answering with a given function; stopped at teardown."""
    started: list[StubPrometheus] = []

    def start(answer: Callable[[str, dict[str, list[str]]], Reply],
              headers: dict[str, str] | None = None) -> StubPrometheus:
        server = StubPrometheus(answer, headers=headers or {}).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def _fetch_error(source: PrometheusSource) -> tuple[str, float]:
    started = time.monotonic()
    with pytest.raises(MetricsError) as info:
        source.fetch(TARGETS, "1m")
    message = str(info.value)
    assert "\n" not in message and TOKEN not in message
    return message, time.monotonic() - started


def test_oversized_streamed_answer_fails_at_the_limit_without_reading_past_it(
        stub: StubFactory) -> None:
    server = stub(lambda path, query: (200, oversized(HUGE)))
    source = PrometheusSource(server.url, timeout=60, max_body=LIMIT)
    tracemalloc.start()
    try:
        message, _ = _fetch_error(source)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "larger than 1 MiB (the limit)" in message
    # The body read so far, one chunk and the stub's own 1 MiB block: never the 64 MiB.
    assert peak < 4 * LIMIT, f"peak {peak / MIB:.1f} MiB"
    # The first query failed the call; the client hung up instead of draining the answer.
    assert len(server.seen) == 1
    wait_for(lambda: server.hung_up == 1, timeout=10, message="the stub to see the hang-up")
    assert server.sent < HUGE // 2


def test_declared_oversized_answer_fails_before_its_body_is_read(stub: StubFactory) -> None:
    server = stub(lambda path, query: (200, vector() + " " * (2 * LIMIT)))
    source = PrometheusSource(server.url, timeout=60, max_body=LIMIT)
    assert "larger than 1 MiB" in _fetch_error(source)[0]


def test_compressed_answer_is_bounded_after_decompression(stub: StubFactory) -> None:
    bomb = gzip.compress(b" " * (16 * MIB))
    assert len(bomb) < LIMIT // 8
    server = stub(lambda path, query: (200, bomb), headers={"Content-Encoding": "gzip"})
    source = PrometheusSource(server.url, timeout=60, max_body=LIMIT)
    assert "larger than 1 MiB" in _fetch_error(source)[0]


def test_oversized_answer_through_the_service_proxy_is_bounded(stub: StubFactory) -> None:
    server = stub(lambda path, query: (200, oversized(HUGE)) if path.startswith(PROXY + "/api/v1/")
                  else (404, "no such path"))
    source = PrometheusSource(server.url + PROXY + "/", headers={"Authorization": f"Bearer {TOKEN}"},
                              timeout=60, max_body=LIMIT)
    message, _ = _fetch_error(source)
    assert "larger than 1 MiB" in message
    assert [s.path for s in server.seen] == [PROXY + "/api/v1/query"]


def test_answers_within_the_limit_still_decode(stub: StubFactory) -> None:
    body = vector(({"dst_namespace": "test", "dst_service": "podinfo-primary",
                    "classification": "success"}, "2"))
    server = stub(lambda path, query: (200, body), headers={})
    source = PrometheusSource(server.url, timeout=5, max_body=len(body))
    snapshot = source.fetch(TARGETS, "1m")
    assert snapshot.signals[TARGETS[0].key].rps == pytest.approx(2.0)


def test_dripping_answer_fails_at_the_deadline(stub: StubFactory) -> None:
    server = stub(lambda path, query: (200, drip(server.release, DRIP_EVERY, b'{"status": ')))
    source = PrometheusSource(server.url, timeout=DEADLINE)
    message, elapsed = _fetch_error(source)
    assert f"did not answer within {DEADLINE:g}s" in message
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + MARGIN, elapsed
    assert len(server.seen) == 1


def test_a_short_deadline_is_kept_behind_a_longer_one_in_flight(stub: StubFactory) -> None:
    # One watchdog thread serves every deadline: a request due sooner than the one it waits for
    # must wake it.
    server = stub(lambda path, query: (200, drip(server.release, DRIP_EVERY, b'{"status": ')))
    slow = PrometheusSource(server.url, timeout=60)
    waiting = threading.Thread(target=lambda: pytest.raises(MetricsError, slow.fetch, TARGETS, "1m"),
                               daemon=True)
    waiting.start()
    wait_for(lambda: len(server.seen) == 1, timeout=10, message="the long query in flight")
    message, elapsed = _fetch_error(PrometheusSource(server.url, timeout=DEADLINE))
    assert f"did not answer within {DEADLINE:g}s" in message
    assert DEADLINE * 0.9 <= elapsed < DEADLINE + MARGIN, elapsed
    slow.close()
    waiting.join(timeout=10)
    assert not waiting.is_alive()


def _header_dripper(stop: threading.Event) -> str:
    """A server that accepts, reads the request and drips its status line's headers forever."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        with listener:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
                while not stop.wait(DRIP_EVERY):
                    try:
                        conn.sendall(b"a")
                    except OSError:
                        return

    threading.Thread(target=serve, daemon=True).start()
    return f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_dripping_headers_fail_at_the_deadline() -> None:
    stop = threading.Event()
    try:
        source = PrometheusSource(_header_dripper(stop), timeout=DEADLINE)
        message, elapsed = _fetch_error(source)
    finally:
        stop.set()
    assert f"did not answer within {DEADLINE:g}s" in message
    assert elapsed < DEADLINE + MARGIN, elapsed


@pytest.mark.parametrize("every", [DRIP_EVERY, 3600.0], ids=["dripping", "silent"])
def test_close_abandons_the_query_in_flight_and_nothing_is_sent_after(stub: StubFactory,
                                                                      every: float) -> None:
    server = stub(lambda path, query: (200, drip(server.release, every, b"{")))
    source = PrometheusSource(server.url, timeout=60)
    failures: list[str] = []

    def fetch() -> None:
        try:
            source.fetch(TARGETS, "1m")
        except MetricsError as exc:
            failures.append(str(exc))

    worker = threading.Thread(target=fetch, daemon=True)
    worker.start()
    wait_for(lambda: server.seen, message="the first query in flight")
    closed_at = time.monotonic()
    source.close()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert time.monotonic() - closed_at < 1.0
    assert failures and "metrics source closed" in failures[0]
    with pytest.raises(MetricsError, match="metrics source closed"):
        source.history(TARGETS, "5m", 15.0)
    assert len(server.seen) == 1


class _ProxyCluster:
    """The parts of `meshtui.kube.config.Cluster` the service-proxy source is built from."""

    verify = True
    ca_file = None

    def __init__(self, server: str) -> None:
        self.server = server

    def service_proxy_url(self, namespace: str, service: str, port: int) -> str:
        return f"{self.server}/api/v1/namespaces/{namespace}/services/{service}:{port}/proxy"

    def auth_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {TOKEN}"}


def test_limits_come_from_the_config_file_then_the_flags(stub: StubFactory) -> None:
    from meshtui.cli.entry import build_parser
    from meshtui.cli.clients import viz_prometheus
    from meshtui.launch import _settings, prometheus_from_args
    from meshtui.ui.config import config_path

    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("prometheus_timeout = 2.5\nprometheus_max_body_mib = 1\n")
    url = ["--prometheus-url", "http://127.0.0.1:9"]
    args = build_parser().parse_args(url)
    source = prometheus_from_args(args, None, _settings(args, None))
    assert (source.timeout, source.max_body) == (2.5, MIB)
    args = build_parser().parse_args([*url, "--prometheus-timeout", "0.7",
                                      "--prometheus-max-body-mib", "2"])
    source = prometheus_from_args(args, None, _settings(args, None))
    assert (source.timeout, source.max_body) == (0.7, 2 * MIB)

    # linkerd-viz's Prometheus through the API server's service proxy gets the same bounds.
    server = stub(lambda path, query: (200, oversized(HUGE)) if path.startswith(PROXY + "/api/v1/")
                  else (404, "no such path"))
    args = build_parser().parse_args([])
    proxied = viz_prometheus(_ProxyCluster(server.url), _settings(args, None))
    assert (proxied.timeout, proxied.max_body) == (2.5, MIB)
    with pytest.raises(MetricsError, match="larger than 1 MiB"):
        proxied.fetch(TARGETS, "1m")


@pytest.mark.parametrize(("data", "key"), [
    ({"prometheus_timeout": 0}, "'prometheus_timeout'"),
    ({"prometheus_timeout": "5s"}, "'prometheus_timeout'"),
    ({"prometheus_max_body_mib": 0.5}, "'prometheus_max_body_mib'"),
    ({"prometheus_max_body_mib": True}, "'prometheus_max_body_mib'"),
])
def test_bad_limits_in_the_config_name_the_key(data: dict, key: str) -> None:
    from meshtui.ui.config import ConfigError, settings_from_mapping

    with pytest.raises(ConfigError, match=key):
        settings_from_mapping(data)
