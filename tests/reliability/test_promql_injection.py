"""Scenario 8: fuzzed names and label values cannot change the structure of a PromQL query.

Names that are not DNS-1123 are refused (`InvalidName`) before a query exists. Valid names and
any label value end up only inside properly escaped string literals: a small scanner following
the PromQL lexer finds the same skeleton (the query with every literal emptied) whatever the
input, and unescaping each literal gives the input back. A real Prometheus confirms the round
trip: ``absent(x{l="<escaped value>"})`` answers with label ``l`` equal to the value.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.metrics import promql
from tests.reliability import figures
from tests.reliability.fuzzing import CASES, fuzz_settings

ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "t": "\t", "r": "\r", "a": "\a", "b": "\b",
           "f": "\f", "v": "\v", "'": "'"}
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40) | st.sampled_from(
    ['"', '\\', '"}', '\\"', '"} or vector(1) #', "a\nb", '\\\\"', "}[5m]))", "${1}", "`"])
NAMES = TEXT | st.from_regex(r"\A[a-z0-9]([-a-z0-9.]{0,20}[a-z0-9])?\Z")
REFERENCE = ["a", "b", "c", "d", "e", "f"]


def literals(query: str) -> tuple[str, list[str]]:
    """Split a query into its skeleton (literals emptied) and the unescaped literals.

    Raises:
        AssertionError: On an unterminated literal or an escape PromQL does not know.
    """
    skeleton, found, i = [], [], 0
    while i < len(query):
        ch = query[i]
        if ch != '"':
            skeleton.append(ch)
            i += 1
            continue
        value, i = [], i + 1
        while True:
            assert i < len(query), f"unterminated string in {query!r}"
            ch = query[i]
            if ch == '"':
                i += 1
                break
            assert ch != "\n", f"raw newline inside a string in {query!r}"
            if ch == "\\":
                nxt = query[i + 1]
                assert nxt in ESCAPES, f"unknown escape \\{nxt} in {query!r}"
                value.append(ESCAPES[nxt])
                i += 2
                continue
            value.append(ch)
            i += 1
        skeleton.append('""')
        found.append("".join(value))
    return "".join(skeleton), found


def _builders(scope: promql.Scope) -> list[str]:
    return [promql.legacy_responses(scope, "1m"), promql.legacy_latency(scope, "1m"),
            promql.route_statuses(scope, "1m"), promql.route_latency(scope, "1m")]


def teardown_module() -> None:
    """Record how many cases this module ran."""
    figures.record("promql", **{k: v for k, v in CASES.items() if k.startswith("promql.")})


@fuzz_settings(1500)
@given(st.lists(NAMES, min_size=1, max_size=6, unique=True))
def test_fuzzed_names_are_refused_or_confined_to_literals(names) -> None:
    CASES["promql.names"] += 1
    valid = True
    for name in names:
        try:
            promql.validate_name(name)
        except promql.InvalidName:
            valid = False
    scope = promql.Scope(frozenset(names), frozenset(names), frozenset(names))
    if not valid:
        CASES["promql.names-refused"] += 1
        with pytest.raises(promql.InvalidName):
            _builders(scope)
        return
    reference = promql.Scope(*(frozenset(REFERENCE[: len(names)]),) * 3)
    for built, expected in zip(_builders(scope), _builders(reference), strict=True):
        skeleton, found = literals(built)
        assert skeleton == literals(expected)[0], built
        # Each regex literal is exactly the alternation of the (dot-escaped) names.
        for literal in found:
            if "|" in literal or literal.replace("\\.", ".") in names:
                alternatives = {a.replace("\\.", ".") for a in literal.split("|")}
                assert alternatives <= set(names), (literal, names)


@fuzz_settings(1500)
@given(TEXT)
def test_any_label_value_round_trips_through_escaping(value) -> None:
    CASES["promql.values"] += 1
    query = promql.selector("metric", [promql.Matcher("label", "=", value),
                                       promql.Matcher("other", "!~", value)])
    skeleton, found = literals(query)
    assert skeleton == 'metric{label="", other!~""}'
    assert found == [value, value]


@pytest.mark.prometheus
def test_real_prometheus_reads_escaped_values_back(module_prometheus_factory) -> None:
    process = module_prometheus_factory([])
    checked = 0

    @fuzz_settings(150)
    @given(TEXT.filter(lambda v: v != "" and "\x00" not in v))
    def round_trip(value: str) -> None:
        nonlocal checked
        query = f"absent(meshtui_fuzz_absent{{{promql.Matcher('l', '=', value).render()}}})"
        url = f"{process.url}/api/v1/query?" + urllib.parse.urlencode({"query": query})
        with urllib.request.urlopen(url, timeout=10) as response:
            body = json.loads(response.read())
        assert body["status"] == "success", body
        assert body["data"]["result"][0]["metric"] == {"l": value}, (value, body)
        checked += 1

    round_trip()
    CASES["promql.real-prometheus"] += checked
    assert checked > 0
