"""Service signals: batched (queries per call do not grow with services), names validated."""

from __future__ import annotations

from urllib.parse import unquote

from meshtui.metrics.prometheus import QUERIES_PER_CALL, PrometheusSource
from meshtui.metrics.services import fetch_service_signals, service_targets
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import StubPrometheus, vector


def _answer(path: str, query: dict[str, list[str]]) -> tuple[int, str]:
    text = query.get("query", [""])[0]
    if text.startswith("sum by (dst_namespace, dst_service, classification)"):
        return 200, vector(({"dst_namespace": "emojivoto", "dst_service": "web-svc",
                             "classification": "success"}, "12"))
    return 200, vector()


def test_queries_per_refresh_flat_from_10_to_5000_services() -> None:
    """10 and 5,000 services cost the same queries; the figures land on the right service."""
    server = StubPrometheus(_answer).start()
    try:
        source = PrometheusSource(server.url)
        counts = []
        for n in (10, 5000):
            keys = [BackendKey("emojivoto", "web-svc")] + [BackendKey(f"ns-{i % 50}", f"svc-{i}") for i in range(n)]
            before = len(server.seen)
            snapshot = fetch_service_signals(source, keys, "1m")
            counts.append(len(server.seen) - before)
            assert snapshot.signals[BackendKey("emojivoto", "web-svc")].rps == 12.0
            assert snapshot.signals[BackendKey("ns-1", "svc-1")].rps is None
        assert counts == [QUERIES_PER_CALL, QUERIES_PER_CALL]
    finally:
        server.stop()


def test_invalid_names_never_reach_a_query() -> None:
    """A hostile service name is left out of every query and gets no data."""
    server = StubPrometheus(_answer).start()
    try:
        source = PrometheusSource(server.url)
        bad = BackendKey("prod", 'x"}) or vector(1) #')
        snapshot = fetch_service_signals(source, [bad, BackendKey("prod", "web")], "1m")
        sent = " ".join(unquote(q) for s in server.seen for q in s.query.get("query", []))
        assert "vector(1)" not in sent and "web" in sent
        assert snapshot.signals[bad].rps is None
    finally:
        server.stop()


def test_targets_once_each_without_route() -> None:
    """Duplicates collapse; every target reads the destination family (no route)."""
    targets = service_targets([BackendKey("a", "b"), BackendKey("a", "b"), BackendKey("a", "c")])
    assert [t.key for t in targets] == [BackendKey("a", "b"), BackendKey("a", "c")]
    assert all(t.route is None for t in targets)
