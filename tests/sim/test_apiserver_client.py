"""The emulator driven by the official `kubernetes` client (v37) over real HTTP."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from kubernetes import client, config, watch
from kubernetes.client.rest import ApiException

from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.waiting import wait_for

GROUP, VERSION, PLURAL = "split.smi-spec.io", "v1alpha2", "trafficsplits"


@pytest.fixture
def api(apiserver: RunningApiServer) -> Iterator[client.CustomObjectsApi]:
    """CustomObjectsApi for the admin context."""
    api_client = config.new_client_from_config(config_file=str(apiserver.kubeconfig))
    try:
        yield client.CustomObjectsApi(api_client)
    finally:
        api_client.close()


@pytest.fixture
def readonly_api(apiserver: RunningApiServer) -> Iterator[client.CustomObjectsApi]:
    """CustomObjectsApi for the readonly context."""
    api_client = config.new_client_from_config(config_file=str(apiserver.kubeconfig),
                                               context="readonly")
    try:
        yield client.CustomObjectsApi(api_client)
    finally:
        api_client.close()


def _create(api: client.CustomObjectsApi, name: str, **kwargs: Any) -> dict[str, Any]:
    return api.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL,
                                               trafficsplit(name, **kwargs))


def test_create_returns_the_body_with_201(api: client.CustomObjectsApi,
                                          apiserver: RunningApiServer) -> None:
    created = _create(api, "podinfo")
    assert created is not None, "a 200 instead of 201 makes the v37 client return None"
    assert created["metadata"]["name"] == "podinfo"
    assert created["metadata"]["generation"] == 1
    assert int(created["metadata"]["resourceVersion"]) == apiserver.store.resource_version
    post = [r for r in apiserver.server.requests if r.method == "POST"]
    assert [(r.path, r.status) for r in post] == [
        ("/apis/split.smi-spec.io/v1alpha2/namespaces/default/trafficsplits", 201)]
    assert apiserver.store.get(f"{GROUP}/{VERSION}", "TrafficSplit", "default", "podinfo")


def test_list_get_and_versions(api: client.CustomObjectsApi, apiserver: RunningApiServer) -> None:
    apiserver.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "test"}})
    _create(api, "b")
    api.create_namespaced_custom_object(GROUP, VERSION, "test", PLURAL, trafficsplit("a", "test"))
    everything = api.list_cluster_custom_object(GROUP, VERSION, PLURAL)
    assert everything["kind"] == "TrafficSplitList"
    assert [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in everything["items"]] == [
        ("default", "b"), ("test", "a")]
    in_test = api.list_namespaced_custom_object(GROUP, VERSION, "test", PLURAL)
    assert [i["metadata"]["name"] for i in in_test["items"]] == ["a"]
    # Stored once, served at every version with the apiVersion rewritten.
    old = api.get_namespaced_custom_object(GROUP, "v1alpha1", "test", PLURAL, "a")
    assert old["apiVersion"] == "split.smi-spec.io/v1alpha1"
    assert old["spec"]["backends"][0]["weight"] == 100


def test_label_and_field_selectors_and_paging(api: client.CustomObjectsApi) -> None:
    for index in range(5):
        body = trafficsplit(f"ts-{index}")
        body["metadata"]["labels"] = {"tier": "gold" if index % 2 else "silver"}
        api.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, body)
    gold = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL,
                                             label_selector="tier in (gold)")
    assert [i["metadata"]["name"] for i in gold["items"]] == ["ts-1", "ts-3"]
    named = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL,
                                              field_selector="metadata.name=ts-4")
    assert [i["metadata"]["name"] for i in named["items"]] == ["ts-4"]
    first = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, limit=2)
    assert len(first["items"]) == 2 and first["metadata"]["continue"]
    rest = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, limit=10,
                                             _continue=first["metadata"]["continue"])
    assert [i["metadata"]["name"] for i in rest["items"]] == ["ts-2", "ts-3", "ts-4"]
    assert "continue" not in rest["metadata"]


def test_merge_and_json_patch(api: client.CustomObjectsApi, apiserver: RunningApiServer) -> None:
    _create(api, "podinfo")
    backends = [{"service": "podinfo-primary", "weight": 70},
                {"service": "podinfo-canary", "weight": 30}]
    merged = api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo",
                                                {"spec": {"backends": backends}})
    assert merged["spec"]["backends"] == backends
    assert merged["metadata"]["generation"] == 2
    ops = [{"op": "test", "path": "/spec/backends/1/service", "value": "podinfo-canary"},
           {"op": "replace", "path": "/spec/backends/1/weight", "value": 50}]
    # CustomObjectsApi sends merge-patch+json for any body unless told otherwise.
    patched = api.patch_namespaced_custom_object(
        GROUP, VERSION, "default", PLURAL, "podinfo", ops,
        _content_type="application/json-patch+json")
    assert patched["spec"]["backends"][1]["weight"] == 50
    failing = [{"op": "test", "path": "/spec/backends/1/service", "value": "other"}]
    with pytest.raises(ApiException) as excinfo:
        api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo", failing,
                                           _content_type="application/json-patch+json")
    assert excinfo.value.status == 422
    kinds = [r.content_type for r in apiserver.server.requests if r.method == "PATCH"]
    assert kinds == ["application/merge-patch+json", "application/json-patch+json",
                     "application/json-patch+json"]
    stored = apiserver.store.get(f"{GROUP}/{VERSION}", "TrafficSplit", "default", "podinfo")
    assert stored["spec"]["backends"][1]["weight"] == 50


def test_stale_resource_version_conflicts(api: client.CustomObjectsApi) -> None:
    created = _create(api, "podinfo")
    api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo",
                                       {"spec": {"service": "other"}})
    with pytest.raises(ApiException) as excinfo:
        api.replace_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo", created)
    assert excinfo.value.status == 409
    assert "the object has been modified" in excinfo.value.body
    stale = {"metadata": {"resourceVersion": created["metadata"]["resourceVersion"]},
             "spec": {"service": "third"}}
    with pytest.raises(ApiException) as excinfo:
        api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo", stale)
    assert excinfo.value.status == 409
    current = api.get_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo")
    assert current["spec"]["service"] == "other"
    current["spec"]["service"] = "fresh"
    replaced = api.replace_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo",
                                                    current)
    assert replaced["spec"]["service"] == "fresh"


def test_dry_run_changes_nothing(api: client.CustomObjectsApi, apiserver: RunningApiServer) -> None:
    _create(api, "podinfo")
    rv = apiserver.store.resource_version
    would_be = api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo",
                                                  {"spec": {"service": "dry"}}, dry_run="All")
    assert would_be["spec"]["service"] == "dry"
    api.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, trafficsplit("ghost"),
                                        dry_run="All")
    api.delete_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "podinfo",
                                        dry_run="All")
    assert apiserver.store.resource_version == rv
    names = [o["metadata"]["name"] for o in apiserver.store.list(f"{GROUP}/{VERSION}",
                                                                 "TrafficSplit")]
    assert names == ["podinfo"]
    assert apiserver.store.get(f"{GROUP}/{VERSION}", "TrafficSplit", "default",
                               "podinfo")["spec"]["service"] == "podinfo"


def test_readonly_is_forbidden_and_nothing_is_stored(readonly_api: client.CustomObjectsApi,
                                                     apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("x"))
    with pytest.raises(ApiException) as excinfo:
        readonly_api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "x",
                                                    {"spec": {"service": "evil"}})
    assert excinfo.value.status == 403
    assert ('trafficsplits.split.smi-spec.io "x" is forbidden: User "readonly" cannot patch '
            'resource "trafficsplits" in API group "split.smi-spec.io" in the namespace '
            '"default"') == json.loads(excinfo.value.body)["message"]
    with pytest.raises(ApiException) as excinfo:
        readonly_api.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL,
                                                     trafficsplit("y"))
    assert excinfo.value.status == 403
    assert readonly_api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)["items"]
    assert [o["metadata"]["name"] for o in apiserver.store.list(f"{GROUP}/{VERSION}",
                                                                "TrafficSplit")] == ["x"]
    assert apiserver.store.get(f"{GROUP}/{VERSION}", "TrafficSplit", "default",
                               "x")["spec"]["service"] == "podinfo"
    assert {r.status for r in apiserver.server.requests if r.method != "GET"} == {403}
    assert {r.identity for r in apiserver.server.requests} == {"readonly"}


def _stream(api: client.CustomObjectsApi, **kwargs: Any) -> list[dict[str, Any]]:
    return list(watch.Watch().stream(api.list_namespaced_custom_object, GROUP, VERSION, "default",
                                      PLURAL, **kwargs))


def test_watch_resumes_from_resource_version_without_duplicates(
        api: client.CustomObjectsApi, apiserver: RunningApiServer) -> None:
    _create(api, "a")
    listed = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)
    rv = listed["metadata"]["resourceVersion"]
    _create(api, "b")
    api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "a",
                                       {"spec": {"service": "changed"}})
    api.delete_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "b")
    events = _stream(api, resource_version=rv, timeout_seconds=1)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "b"), ("MODIFIED", "a"), ("DELETED", "b")]
    assert events[1]["object"]["spec"]["service"] == "changed"
    watches = [r for r in apiserver.server.requests if r.query.get("watch")]
    assert watches[-1].query["resourceVersion"] == rv


def test_watch_without_version_sends_synthetic_added(api: client.CustomObjectsApi) -> None:
    _create(api, "a")
    _create(api, "b")
    events = _stream(api, timeout_seconds=1)
    assert [(e["type"], e["object"]["metadata"]["name"]) for e in events] == [
        ("ADDED", "a"), ("ADDED", "b")]


def test_watch_sees_later_changes_live(api: client.CustomObjectsApi,
                                       apiserver: RunningApiServer) -> None:
    _create(api, "a")
    rv = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)["metadata"][
        "resourceVersion"]
    seen: list[tuple[str, str]] = []
    watcher = watch.Watch()

    def consume() -> None:
        for event in watcher.stream(api.list_namespaced_custom_object, GROUP, VERSION, "default",
                                    PLURAL, resource_version=rv, timeout_seconds=10):
            seen.append((event["type"], event["object"]["spec"]["service"]))
            if event["object"]["spec"]["service"] == "live":
                watcher.stop()

    thread = threading.Thread(target=consume)
    thread.start()
    wait_for(lambda: apiserver.store.watchers(), message="the watch to register")
    api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "a",
                                       {"spec": {"service": "live"}})
    thread.join(10)
    assert not thread.is_alive()
    assert seen == [("MODIFIED", "live")]


def test_watch_from_compacted_history_gets_410(api: client.CustomObjectsApi,
                                               apiserver: RunningApiServer) -> None:
    _create(api, "a")
    rv = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)["metadata"][
        "resourceVersion"]
    api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "a",
                                       {"spec": {"service": "x"}})
    apiserver.store.compact()
    with pytest.raises(ApiException) as excinfo:
        _stream(api, resource_version=rv, timeout_seconds=1)
    assert excinfo.value.status == 410
    # The 410 travels inside a 200 stream, as on a real server.
    watches = [r for r in apiserver.server.requests if r.query.get("watch")]
    assert watches and all(r.status == 200 for r in watches)


def test_watch_bookmarks_carry_the_current_version(api: client.CustomObjectsApi,
                                                   apiserver: RunningApiServer) -> None:
    _create(api, "a")
    rv = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)["metadata"][
        "resourceVersion"]
    apiserver.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "other"}})
    watcher = watch.Watch()
    bookmark = None
    for event in watcher.stream(api.list_namespaced_custom_object, GROUP, VERSION, "default",
                                PLURAL, resource_version=rv, allow_watch_bookmarks=True,
                                timeout_seconds=5):
        if event["type"] == "BOOKMARK":
            bookmark = event
            watcher.stop()
    assert bookmark is not None, "no bookmark within the stream's timeout"
    assert bookmark["raw_object"]["kind"] == "TrafficSplit"
    assert int(bookmark["raw_object"]["metadata"]["resourceVersion"]) == (
        apiserver.store.resource_version)


def test_watch_label_selector_turns_leaving_objects_into_deleted(
        api: client.CustomObjectsApi) -> None:
    body = trafficsplit("a")
    body["metadata"]["labels"] = {"app": "podinfo"}
    api.create_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, body)
    rv = api.list_namespaced_custom_object(GROUP, VERSION, "default", PLURAL)["metadata"][
        "resourceVersion"]
    api.patch_namespaced_custom_object(GROUP, VERSION, "default", PLURAL, "a",
                                       {"metadata": {"labels": {"app": "other"}}})
    events = _stream(api, resource_version=rv, label_selector="app=podinfo", timeout_seconds=1)
    assert [e["type"] for e in events] == ["DELETED"]
