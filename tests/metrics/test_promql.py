"""The PromQL builders: exact strings, validated names, escaped values, batching."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.metrics import promql
from meshtui.metrics.promql import InvalidName, InvalidWindow, Matcher, Scope
from tests.model.hypothesis_settings import FUZZ


def test_validate_name_accepts_dns1123_names() -> None:
    for name in ("podinfo", "podinfo-canary", "a", "a1.b-2", "x" * 63, ".".join(["a" * 63] * 3)):
        assert promql.validate_name(name) == name


@pytest.mark.parametrize("bad", ["", "Podinfo", "-a", "a-", "a_b", 'a"}', "a b", "a..b", ".a",
                                 "x" * 64, "a\n", "é", None, 3, "a" * 254])
def test_validate_name_refuses_everything_else(bad: object) -> None:
    with pytest.raises(InvalidName) as info:
        promql.validate_name(bad, "service")
    assert "invalid service" in str(info.value)
    assert "\n" not in str(info.value)


def test_escape_label_value() -> None:
    assert promql.escape_label_value('a\\b"c\nd') == 'a\\\\b\\"c\\nd'
    assert Matcher("error", "!=", "").render() == 'error!=""'
    assert Matcher("x", "=", 'q"}[1m]) or vector(1) #').render() == 'x="q\\"}[1m]) or vector(1) #"'


def test_matcher_refuses_bad_label_names_and_operators() -> None:
    with pytest.raises(ValueError):
        Matcher('a"', "=", "x")
    with pytest.raises(ValueError):
        Matcher("a", "==", "x")
    with pytest.raises(ValueError):
        promql.selector("metric{}", [])


def test_validate_window() -> None:
    assert [promql.validate_window(w) for w in promql.WINDOWS] == ["1m", "5m", "15m", "1h"]
    for bad in ("2m", "1m]) or vector(1", "", None, 60):
        with pytest.raises(InvalidWindow):
            promql.validate_window(bad)


def test_duration_rounds_up_to_whole_seconds() -> None:
    assert promql.duration(60) == "60s"
    assert promql.duration(2.5) == "3s"
    assert promql.duration(0) == "1s"


SCOPE = Scope(namespaces=frozenset({"test"}), services=frozenset({"podinfo-primary", "podinfo-canary"}),
              routes=frozenset({"podinfo"}))


def test_legacy_queries_exact() -> None:
    assert promql.legacy_responses(SCOPE, "1m") == (
        'sum by (dst_namespace, dst_service, classification) (rate(response_total{direction="outbound", '
        'dst_namespace=~"test", dst_service=~"podinfo-canary|podinfo-primary"}[1m]))'
    )
    assert promql.legacy_latency_buckets(SCOPE, "5m") == (
        'sum by (le, dst_namespace, dst_service) (rate(response_latency_ms_bucket{direction="outbound", '
        'dst_namespace=~"test", dst_service=~"podinfo-canary|podinfo-primary"}[5m]))'
    )


def test_route_queries_exact() -> None:
    keys = "parent_namespace, parent_name, route_name, backend_namespace, backend_name, route_kind"
    matchers = ('route_name=~"podinfo", backend_namespace=~"test", '
                'backend_name=~"podinfo-canary|podinfo-primary"')
    statuses = "{family}{{{matchers}}}[15m]"
    assert promql.route_statuses(SCOPE, "15m") == " or ".join(
        f"sum by ({keys}, http_status, grpc_status, error) "
        f"(rate({statuses.format(family=family, matchers=matchers)}))"
        for family in ("outbound_http_route_backend_response_statuses_total",
                       "outbound_grpc_route_backend_response_statuses_total"))
    assert promql.route_duration_buckets(SCOPE, "1h") == " or ".join(
        f"sum by (le, {keys}) (rate({family}_bucket{{{matchers}}}[1h]))"
        for family in ("outbound_http_route_backend_response_duration_seconds",
                       "outbound_grpc_route_backend_response_duration_seconds"))


def test_route_queries_cover_grpc_routes_in_the_same_query() -> None:
    """GRPCRoute backends are read too, without a query more: one `or` over both kinds."""
    for query in (promql.route_statuses(SCOPE, "1m"), promql.route_duration_buckets(SCOPE, "1m")):
        assert query.count(" or ") == 1
        assert "outbound_grpc_route_backend_" in query and "outbound_http_route_backend_" in query
        assert "route_kind" in query
    assert "grpc_status" in promql.route_statuses(SCOPE, "1m")


def test_series_start_covers_both_route_kinds() -> None:
    query = promql.series_start(SCOPE, "5m")
    assert "outbound_grpc_route_backend_response_statuses_total{" in query
    assert "outbound_http_route_backend_response_statuses_total{" in query


def test_dots_are_escaped_in_name_regex() -> None:
    assert promql.names_regex(["b.c", "a"]) == "a|b\\.c"
    assert Matcher("route_name", "=~", promql.names_regex(["r.v1"])).render() == 'route_name=~"r\\\\.v1"'


def test_filter_is_dropped_when_too_long_not_split_into_more_queries() -> None:
    many = frozenset(f"svc-{i:04d}" for i in range(400))
    query = promql.legacy_responses(Scope(frozenset({"test"}), many), "1m")
    assert "dst_service" not in query.split("{", 1)[1]
    assert query.count("rate(") == 1


def test_empty_route_scope_has_no_route_filter() -> None:
    query = promql.route_statuses(Scope(frozenset({"ns"}), frozenset({"svc"})), "1m")
    assert "route_name=~" not in query


def test_every_signal_family_has_its_queries() -> None:
    """A signal's figures come from queries built here: its family names them."""
    from meshtui.model.signals import SIGNALS

    assert {spec.family for spec in SIGNALS} <= set(promql.FAMILIES)
    scope = Scope(frozenset({"prod"}), frozenset({"web"}))
    for builders in promql.FAMILIES.values():
        assert all("prod" in build(scope, "1m") for build in builders)


def test_histogram_quantile_query() -> None:
    inner = promql.legacy_latency_buckets(SCOPE, "1m")
    assert promql.histogram_quantile_query(0.99, inner) == f"histogram_quantile(0.99, {inner})"
    with pytest.raises(ValueError):
        promql.histogram_quantile_query(1.5, inner)


_SKELETON = re.compile(
    r'sum by \(dst_namespace, dst_service, classification\) \(rate\(response_total\{'
    r'direction="outbound", dst_namespace=~"(?P<ns>[a-z0-9.\\-]*)", '
    r'dst_service=~"(?P<svc>[a-z0-9.|\\-]*)"\}\[1m\]\)\)'
)


_NAMES = st.one_of(
    st.text(max_size=30),
    st.from_regex(r"[a-z0-9]([a-z0-9.-]{0,20}[a-z0-9])?", fullmatch=True),
    st.text(alphabet='abc.-"{}[]()|\\\n =~,', max_size=20),
)


def _is_dns1123(name: str) -> bool:
    label = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
    return bool(re.fullmatch(rf"{label}(\.{label})*", name)) and all(
        len(part) <= 63 for part in name.split(".")) and len(name) <= 253


@FUZZ
@given(st.lists(_NAMES, min_size=1, max_size=5))
def test_fuzzed_names_are_refused_or_cannot_change_the_query(names: list[str]) -> None:
    try:
        query = promql.legacy_responses(Scope(frozenset({"test"}), frozenset(names)), "1m")
    except InvalidName:
        assert not all(_is_dns1123(n) for n in names)
        return
    assert all(_is_dns1123(n) for n in names)
    match = _SKELETON.fullmatch(query)
    assert match is not None, query
    assert match["ns"] == "test"
    assert sorted(match["svc"].replace("\\\\.", ".").split("|")) == sorted(set(names))


@FUZZ
@given(st.text(max_size=40))
def test_fuzzed_label_values_stay_inside_their_quotes(value: str) -> None:
    rendered = Matcher("x", "=", value).render()
    body = rendered[len('x="'):-1]
    assert rendered.startswith('x="') and rendered.endswith('"')
    assert re.fullmatch(r'([^"\\\n]|\\.)*', body), rendered


def test_latency_queries_ask_prometheus_for_the_quantiles_and_bucket_counts() -> None:
    """One query per family: a `histogram_quantile` of its buckets per latency quantile and the
    bucket count per backend, each tagged with `STAT_LABEL`; the route one merges both kinds."""
    buckets = promql.legacy_latency_buckets(SCOPE, "1m")
    keys = "dst_namespace, dst_service"
    assert promql.legacy_latency(SCOPE, "1m") == " or ".join([
        *(f'label_replace(histogram_quantile({q}, {buckets}), "meshtui_stat", "{q}", "", "")'
          for q in ("0.5", "0.95", "0.99")),
        f'label_replace(count by ({keys}) ({buckets}), "meshtui_stat", "buckets", "", "")'])
    kinds = promql.route_duration_buckets(SCOPE, "5m")
    route_keys = "parent_namespace, parent_name, route_name, backend_namespace, backend_name"
    merged = f"sum by (le, {route_keys}) ({kinds})"
    assert promql.route_latency(SCOPE, "5m") == " or ".join([
        *(f'label_replace(histogram_quantile({q}, {merged}), "meshtui_stat", "{q}", "", "")'
          for q in ("0.5", "0.95", "0.99")),
        f'label_replace(count by ({route_keys}, route_kind) ({kinds}), "meshtui_stat", "buckets", '
        '"", "")'])
    assert promql.LATENCY_QUANTILES == (0.5, 0.95, 0.99)
