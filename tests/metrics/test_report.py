"""`get splits --signals`'s JSON: signals per backend (percent, null without data), findings per split."""

from __future__ import annotations

import json

from meshtui.metrics.report import SEVERITY, backend_signals, fetch_report, splits_report
from meshtui.metrics.source import BackendTarget, RouteKey
from meshtui.model.signals import GoldenSignals, MetricsSnapshot, SignalSource
from tests.model.test_findings import CANARY, STABLE, VOTING, route

SOURCE = SignalSource("outbound_http_route_backend_response_statuses_total", "response_latency_ms", "5m")


def _snapshot(**signals: GoldenSignals) -> MetricsSnapshot:
    keys = {"stable": STABLE, "canary": CANARY}
    return MetricsSnapshot(taken_at=1e10, signals={keys[k]: v for k, v in signals.items()})


def test_backend_signals_are_percent_with_their_window_and_source() -> None:
    signals = GoldenSignals(0.98765, 18.25, 3.1, 9.2, 19.8, SOURCE)
    assert backend_signals(signals, "5m") == {
        "success_rate": 98.765, "rps": 18.25, "p50_ms": 3.1, "p95_ms": 9.2, "p99_ms": 19.8,
        "window": "5m", "source": {"counts": "outbound_http_route_backend_response_statuses_total",
                                   "latency": "response_latency_ms"}}


def test_no_data_is_null_never_zero() -> None:
    assert backend_signals(None, "1m") == {
        "success_rate": None, "rps": None, "p50_ms": None, "p95_ms": None, "p99_ms": None,
        "window": "1m", "source": None}
    assert backend_signals(GoldenSignals(None, 0.0), "1m")["rps"] == 0.0


def test_failing_canary_is_a_bad_finding_naming_it() -> None:
    snapshot = _snapshot(stable=GoldenSignals(0.991, 18.0, 3, 9, 20, SOURCE),
                         canary=GoldenSignals(0.912, 412 / 300, 5, 60, 250, SOURCE))
    (split,) = splits_report([VOTING], snapshot, "5m")
    backends = {b["name"]: b for b in split["backends"]}
    assert backends["voting-v2-svc"]["signals"]["success_rate"] == 91.2
    assert backends["voting-svc"]["signals"]["p99_ms"] == 20
    assert split["findings"] == [
        {"severity": "bad", "backend": "voting-v2-svc",
         "message": "voting-v2-svc: success 91.2% vs stable 99.1% (5m, 412 req)"},
        {"severity": "bad", "backend": "voting-v2-svc",
         "message": "voting-v2-svc: p99 250 ms vs stable 20 ms (5m, 412 req)"}]
    json.dumps(split)  # the whole answer is JSON as it is


def test_healthy_split_has_no_findings_and_the_window_is_the_one_asked() -> None:
    snapshot = _snapshot(stable=GoldenSignals(0.999, 18.0), canary=GoldenSignals(0.999, 2.0))
    (split,) = splits_report([route({"voting-svc": 90, "voting-v2-svc": 10})], snapshot, "1m")
    assert split["findings"] == []
    assert {b["signals"]["window"] for b in split["backends"]} == {"1m"}


def test_every_finding_kind_has_a_severity() -> None:
    assert set(SEVERITY) == {"success", "latency", "no-requests", "share", "approval"}


class _Recorder:
    name = "recorder"

    def __init__(self) -> None:
        self.calls: list[tuple[list[BackendTarget], str]] = []

    def fetch(self, targets, window):
        self.calls.append((list(targets), window))
        return MetricsSnapshot(taken_at=0.0)

    def history(self, targets, window, step):
        return {}


def test_one_fetch_for_every_split_route_backends_with_their_route() -> None:
    source = _Recorder()
    fetch_report([VOTING, VOTING], source, "15m")
    ((targets, window),) = source.calls
    route_key = RouteKey("emojivoto", "voting-split", "voting-svc")
    assert window == "15m"
    assert targets == [BackendTarget(STABLE, route_key), BackendTarget(CANARY, route_key)]


def test_grpcroute_backends_are_route_targets() -> None:
    """A GRPCRoute's backends are asked for with their route: the route-backend queries cover the
    GRPCRoute families too."""
    from meshtui.metrics.source import backend_targets
    from meshtui.model.split import parse_split

    split = parse_split({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute",
        "metadata": {"name": "emoji-grpc", "namespace": "emojivoto"},
        "spec": {"parentRefs": [{"name": "emoji-svc", "kind": "Service", "port": 8080}],
                 "rules": [{"backendRefs": [{"name": "emoji-svc", "port": 8080}]}]}})
    (target,) = backend_targets([split])
    assert target.route == RouteKey("emojivoto", "emoji-grpc", "emoji-svc")
