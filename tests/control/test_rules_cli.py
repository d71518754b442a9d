"""`get splits` and `weight --rule N` number a route's rules the same way, from 1."""

from __future__ import annotations

import json
from typing import Any

from tests.control.test_cli import meshtui

GATEWAY = "gateway.networking.k8s.io/v1"


def test_get_and_weight_agree_on_rule_numbers(apiserver: Any) -> None:
    def refs(a: int, b: int) -> list[dict[str, Any]]:
        return [{"name": "web", "port": 80, "weight": a}, {"name": "web-v2", "port": 80, "weight": b}]

    apiserver.store.create({
        "apiVersion": GATEWAY, "kind": "HTTPRoute",
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {"parentRefs": [{"kind": "Service", "name": "web", "port": 80}], "rules": [
            {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
             "backendRefs": refs(90, 10)},
            {"filters": []},
            {"backendRefs": refs(50, 50)}]}})
    listed = json.loads(meshtui(apiserver, "get", "splits", "-o", "json").stdout)
    assert [(b["name"], b["rule"]) for b in listed[0]["backends"]] == [
        ("web", 1), ("web-v2", 1), ("web", 3), ("web-v2", 3)]
    written = meshtui(apiserver, "weight", "hr/web", "web-v2=30", "--rule", "3", "-o", "json")
    assert written.returncode == 0, written.stderr
    assert json.loads(written.stdout)["rule"] == 3
    obj = apiserver.store.get(GATEWAY, "HTTPRoute", "default", "web")
    assert [[r["weight"] for r in rule.get("backendRefs", [])] for rule in obj["spec"]["rules"]] \
        == [[90, 10], [], [70, 30]]
