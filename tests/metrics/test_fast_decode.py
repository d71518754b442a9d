"""The fast decoding paths give exactly what the checking paths give, and the plan cache is safe."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from meshtui.metrics import aggregate, promql
from meshtui.metrics.prometheus import QUERIES_PER_CALL, PrometheusSource
from meshtui.metrics.source import BackendTarget, RouteKey
from meshtui.model.signals import BackendKey
from tests.metrics.stub_prometheus import StubPrometheus
from tests.model.hypothesis_settings import QUICK

label_values = st.one_of(st.text(max_size=5), st.integers(), st.floats(allow_nan=False))
values = st.one_of(st.sampled_from(["1.5", "0", "NaN", "+Inf", "-Inf", "1e3"]),
                   st.floats(allow_nan=False).map(repr), st.integers(0, 10**6))
series = st.fixed_dictionaries({
    "metric": st.dictionaries(st.sampled_from(["le", "dst_service", "a"]), label_values, max_size=3),
    "value": st.tuples(st.one_of(st.integers(0, 2**31), st.floats(0, 2e9)), values).map(list),
})


def _reference(result: list) -> list:
    return [(aggregate._labels(item), aggregate._pair(item.get("value"))[1]) for item in result]


@QUICK
@given(st.lists(series, max_size=6))
def test_parse_vector_equals_the_checking_path(result: list) -> None:
    assert parse_equal(aggregate.parse_vector(result), _reference(result))


def parse_equal(a: list, b: list) -> bool:
    return len(a) == len(b) and all(
        la == lb and (va == vb or (va is None and vb is None)) for (la, va), (lb, vb) in zip(a, b))


def test_parse_vector_still_refuses_malformed_values() -> None:
    import pytest

    with pytest.raises(ValueError, match="convert"):
        aggregate.parse_vector([{"metric": {}, "value": [1.0, "abc"]}])
    with pytest.raises(ValueError, match="pair"):
        aggregate.parse_vector([{"metric": {}, "value": [1.0]}])


def test_cached_name_checks_still_refuse_bad_names() -> None:
    import pytest

    for _ in range(2):
        assert promql.validate_name("app-1.ns") == "app-1.ns"
        with pytest.raises(promql.InvalidName):
            promql.validate_name("Bad_Name")
        with pytest.raises(promql.InvalidName):
            promql.validate_name("a" * 64)


def _targets(services: list[str]) -> list[BackendTarget]:
    return [BackendTarget(BackendKey("ns", s), RouteKey("ns", "web", "web")) for s in services]


def test_query_plans_follow_the_targets() -> None:
    stub = StubPrometheus(lambda path, query: (200, '{"status":"success","data":'
                                                     '{"resultType":"vector","result":[]}}')).start()
    source = PrometheusSource(stub.url)
    try:
        source.fetch(_targets(["a", "b"]), "1m")
        source.fetch(_targets(["a", "b"]), "1m")
        source.fetch(_targets(["a", "c"]), "1m")
        source.fetch(_targets(["a", "b", "Bad_Name"]), "5m")
        queries = [q.query["query"][0] for q in stub.seen]
    finally:
        source.close()
        stub.stop()
    n = QUERIES_PER_CALL
    assert len(queries) == 4 * n
    assert queries[0:n] == queries[n:2 * n]
    assert all('"a|c"' in q for q in queries[2 * n:3 * n] if "backend_name" in q or "dst_service" in q)
    assert all("[5m" in q and "Bad_Name" not in q for q in queries[3 * n:4 * n])
