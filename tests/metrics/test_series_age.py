"""How young a canary's series are: the query, and its answer read back (stub Prometheus)."""

from __future__ import annotations

import pytest

from meshtui.metrics import promql
from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.series_age import PromQLSource, young_series_samples
from meshtui.metrics.source import BackendTarget, MetricsError, RouteKey
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import Reply, StubPrometheus, error, vector

CANARY = BackendKey("prod", "web-canary")
LEGACY = 'response_total{direction="outbound", dst_namespace=~"prod", dst_service=~"web-canary"}'


def test_young_series_query_exact() -> None:
    """Per backend and classification: the samples of its oldest live series, for the kinds of
    response absent at the window's start."""
    scope = promql.Scope(frozenset({"prod"}), frozenset({"web-canary"}))
    by = "max by (dst_namespace, dst_service, classification)"
    assert promql.young_series_samples(scope, "1m") == (
        f"min(({by} (count_over_time({LEGACY}[1m]) and {LEGACY}) unless {by} ({LEGACY} offset 1m)))")


def test_young_series_query_covers_both_route_kinds_and_refuses_bad_windows() -> None:
    routed = promql.Scope(frozenset({"prod"}), frozenset({"web-canary"}), frozenset({"web"}))
    query = promql.young_series_samples(routed, "5m")
    by = ("max by (parent_namespace, parent_name, route_name, backend_namespace, backend_name, "
          "route_kind, http_status, grpc_status, error)")
    for family in (promql.HTTP_ROUTE_STATUSES, promql.GRPC_ROUTE_STATUSES):
        statuses = (f'{family}{{route_name=~"web", backend_namespace=~"prod", '
                    f'backend_name=~"web-canary"}}')
        assert (f" or ({by} (count_over_time({statuses}[5m]) and {statuses}) unless "
                f"{by} ({statuses} offset 5m))") in query
    with pytest.raises(promql.InvalidWindow):
        promql.young_series_samples(routed, "5m] or vector(1) #")


def test_label_values_are_escaped_and_names_validated() -> None:
    with pytest.raises(promql.InvalidName):
        promql.young_series_samples(promql.Scope(frozenset({"prod"}),
                                                 frozenset({'web"} or vector(1)'})), "1m")


@pytest.fixture
def stub():
    servers: list[StubPrometheus] = []

    def start(reply: Reply) -> tuple[PrometheusSource, StubPrometheus]:
        server = StubPrometheus(lambda path, query: reply).start()
        servers.append(server)
        return PrometheusSource(server.url, timeout=5), server

    yield start
    for server in servers:
        server.stop()


@pytest.mark.parametrize(("reply", "expected"), [
    ((200, vector(({}, "2"))), 2),
    ((200, vector(({}, "1"), ({}, "7"))), 1),
    ((200, vector()), None),
    ((200, vector(({}, "NaN"))), None),
])
def test_young_series_samples_reads_the_fewest(stub, reply: Reply, expected: int | None) -> None:
    source, server = stub(reply)
    assert isinstance(source, PromQLSource)
    target = BackendTarget(CANARY, RouteKey("prod", "web", "web"))
    assert young_series_samples(source, [target], "1m") == expected
    assert [s.query["query"][0] for s in server.seen] == [
        promql.young_series_samples(promql.Scope(frozenset({"prod"}), frozenset({"web-canary"}),
                                                 frozenset({"web"})), "1m")]


def test_failures_are_metrics_errors_and_invalid_names_are_never_queried(stub) -> None:
    source, server = stub((400, error("bad_data", "parse error")))
    with pytest.raises(MetricsError, match="parse error"):
        young_series_samples(source, [BackendTarget(CANARY)], "1m")
    with pytest.raises(MetricsError, match="invalid rate window"):
        young_series_samples(source, [BackendTarget(CANARY)], "2m")
    seen = len(server.seen)
    assert young_series_samples(source, [BackendTarget(BackendKey("prod", "Web_Canary"))],
                                "1m") is None
    assert len(server.seen) == seen
