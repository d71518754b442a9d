"""metadata.managedFields: who wrote an object last, as the real API server records it."""

from __future__ import annotations

import json

from tests.plugins.apiserver import RunningApiServer, trafficsplit

TS = "split.smi-spec.io/v1alpha2"


def _managers(obj: dict) -> list[str]:
    return [entry["manager"] for entry in obj["metadata"].get("managedFields", [])]


def test_store_writes_record_their_manager(apiserver: RunningApiServer) -> None:
    store = apiserver.store
    store.create(trafficsplit("web"), manager="meshtui")
    store.patch(TS, "TrafficSplit", "default", "web",
                {"spec": {"backends": [{"service": "podinfo-primary", "weight": 50},
                                       {"service": "podinfo-canary", "weight": 50}]}},
                manager="rollouts-controller")
    obj = store.get(TS, "TrafficSplit", "default", "web")
    assert _managers(obj) == ["meshtui", "rollouts-controller"]
    assert all(entry["time"].endswith("Z") for entry in obj["metadata"]["managedFields"])


def test_a_write_that_changes_nothing_records_nothing(apiserver: RunningApiServer) -> None:
    store = apiserver.store
    store.create(trafficsplit("web"), manager="meshtui")
    before = store.get(TS, "TrafficSplit", "default", "web")
    store.patch(TS, "TrafficSplit", "default", "web", {"spec": {"service": "podinfo"}},
                manager="flagger")
    after = store.get(TS, "TrafficSplit", "default", "web")
    assert _managers(after) == ["meshtui"]
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]


def test_http_writes_take_field_manager_or_the_user_agent(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("web"))
    apiserver.kubectl("patch", "trafficsplits.v1alpha2.split.smi-spec.io", "web", "--type",
                      "merge", "-p", '{"spec":{"backends":[{"service":"podinfo-primary",'
                      '"weight":10},{"service":"podinfo-canary","weight":90}]}}')
    obj = json.loads(apiserver.kubectl("get", "trafficsplits.v1alpha2.split.smi-spec.io", "web",
                                       "-o", "json", "--show-managed-fields").stdout)
    # kubectl names itself with --field-manager's default, "kubectl-patch".
    assert _managers(obj)[-1].startswith("kubectl")
