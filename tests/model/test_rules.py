"""Rules of a split numbered from 1, with their matches described as untrusted text."""

from __future__ import annotations

from typing import Any

from meshtui.model.rules import describe_match, split_rules
from meshtui.model.split import parse_split


def _route(rules: list[dict[str, Any]]) -> dict[str, Any]:
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "4"},
            "spec": {"parentRefs": [{"kind": "Service", "name": "web", "port": 80}],
                     "rules": rules}}


def _refs(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "port": 80, "weight": 50} for n in names]


def test_each_rule_with_backends_is_numbered_from_one_with_its_matches() -> None:
    split = parse_split(_route([
        {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}, "method": "GET"},
                     {"headers": [{"name": "x-canary", "value": "yes"}]}],
         "backendRefs": _refs("api-v1", "api-v2")},
        {"filters": []},  # no backends: not a rule the weights divide
        {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
         "backendRefs": _refs("web-v1", "web-v2")},
    ]))
    first, last = split_rules(split)
    assert (first.index, first.number) == (0, 1)
    assert first.matches == ("PathPrefix /api · GET", "header x-canary=yes")
    assert [b.name for b in first.backends] == ["api-v1", "api-v2"]
    assert (last.index, last.number, last.matches) == (2, 3, ())
    assert first.label == "rule 1: PathPrefix /api · GET (+1 more)"
    assert last.label == "rule 3: every request"


def test_a_trafficsplit_has_one_rule_for_every_request() -> None:
    split = parse_split({"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
                         "metadata": {"name": "web", "namespace": "shop"},
                         "spec": {"service": "web", "backends": [
                             {"service": "a", "weight": 1}, {"service": "b", "weight": 1}]}})
    [rule] = split_rules(split)
    assert (rule.number, rule.matches) == (1, ())


def test_hostile_matches_are_escaped_bounded_and_counted() -> None:
    many = [{"path": {"value": f"/p{i}"}} for i in range(9)]
    evil = {"path": {"type": "Exact", "value": "/\x1b[31mred" + "x" * 500},
            "queryParams": [{"type": "RegularExpression", "name": "q", "value": 7}],
            "method": ["not", "a", "string"]}
    split = parse_split(_route([{"matches": [evil, *many], "backendRefs": _refs("a", "b")}]))
    [rule] = split_rules(split)
    assert len(rule.matches) == 5 and rule.matches[-1] == "6 more matches"
    assert "\x1b" not in rule.matches[0] and "\\x1b" in rule.matches[0]
    assert len(rule.matches[0]) <= 160
    assert describe_match({"queryParams": [{"type": "RegularExpression", "name": "q",
                                            "value": "a.*"}]}) == "query q~a.*"
    assert describe_match({}) == "every request"
