"""The store's semantics without HTTP: versions, generation, subresources, finalizers, history."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.sim.apiserver import ApiError, Store
from meshtui.sim.apiserver.selectors import field_selector, label_selector
from tests.plugins.apiserver import trafficsplit

TS_API = "split.smi-spec.io/v1alpha1"


def _canary(name: str = "podinfo") -> dict[str, Any]:
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"analysis": {"stepWeight": 10}},
            "status": {"phase": "Progressing", "canaryWeight": 10}}


def test_create_fills_metadata_and_bumps_the_version() -> None:
    store = Store()
    before = store.resource_version
    created = store.create(trafficsplit("a", version="v1alpha1", weights=("100", "0")))
    meta = created["metadata"]
    assert meta["generation"] == 1 and meta["uid"] and meta["creationTimestamp"].endswith("Z")
    assert int(meta["resourceVersion"]) == before + 1 == store.resource_version
    assert created["spec"]["backends"][0]["weight"] == "100"


def test_missing_namespace_duplicates_and_bad_names() -> None:
    store = Store()
    with pytest.raises(ApiError) as excinfo:
        store.create(trafficsplit("a", "nowhere"))
    assert excinfo.value.code == 404 and 'namespaces "nowhere" not found' in excinfo.value.message
    store.create(trafficsplit("a"))
    with pytest.raises(ApiError) as excinfo:
        store.create(trafficsplit("a"))
    assert excinfo.value.code == 409 and excinfo.value.reason == "AlreadyExists"
    with pytest.raises(ApiError) as excinfo:
        store.create(trafficsplit("Bad_Name"))
    assert excinfo.value.code == 422


def test_generate_name() -> None:
    store = Store()
    body = trafficsplit("x")
    body["metadata"] = {"generateName": "split-", "namespace": "default"}
    created = store.create(body)
    assert created["metadata"]["name"].startswith("split-")
    assert len(created["metadata"]["name"]) == len("split-") + 5


def test_one_storage_served_at_every_version() -> None:
    store = Store()
    store.create(trafficsplit("a", version="v1alpha1", weights=("500m", "500m")))
    for version in ("v1alpha2", "v1alpha3", "v1alpha4"):
        obj = store.get(f"split.smi-spec.io/{version}", "TrafficSplit", "default", "a")
        assert obj["apiVersion"] == f"split.smi-spec.io/{version}"
        assert obj["spec"]["backends"][0]["weight"] == "500m"


def test_generation_moves_on_spec_changes_only_and_noop_writes_do_not_bump() -> None:
    store = Store()
    store.create(trafficsplit("a"))
    labelled = store.patch(TS_API, "TrafficSplit", "default", "a",
                           {"metadata": {"labels": {"x": "y"}}})
    assert labelled["metadata"]["generation"] == 1
    changed = store.patch(TS_API, "TrafficSplit", "default", "a", {"spec": {"service": "b"}})
    assert changed["metadata"]["generation"] == 2
    rv = store.resource_version
    same = store.patch(TS_API, "TrafficSplit", "default", "a", {"spec": {"service": "b"}})
    assert store.resource_version == rv
    assert same["metadata"]["resourceVersion"] == str(rv)


def test_update_with_stale_version_conflicts() -> None:
    store = Store()
    first = store.create(trafficsplit("a"))
    store.patch(TS_API, "TrafficSplit", "default", "a", {"spec": {"service": "b"}})
    first["spec"]["service"] = "c"
    with pytest.raises(ApiError) as excinfo:
        store.update(first)
    assert excinfo.value.code == 409
    assert excinfo.value.message == (
        'Operation cannot be fulfilled on trafficsplits.split.smi-spec.io "a": the object has been '
        "modified; please apply your changes to the latest version and try again")


def test_status_subresource_separates_spec_and_status() -> None:
    store = Store()
    store.create(_canary())
    api = "flagger.app/v1beta1"
    main = store.patch(api, "Canary", "default", "podinfo",
                       {"spec": {"suspend": True}, "status": {"phase": "Failed"}})
    assert main["spec"]["suspend"] is True and main["status"]["phase"] == "Progressing"
    status = store.patch(api, "Canary", "default", "podinfo",
                         {"spec": {"suspend": False}, "status": {"phase": "Succeeded"}},
                         subresource="status")
    assert status["spec"]["suspend"] is True and status["status"]["phase"] == "Succeeded"
    assert status["metadata"]["generation"] == main["metadata"]["generation"] == 2
    with pytest.raises(ApiError) as excinfo:
        store.patch(TS_API, "TrafficSplit", "default", "x", {}, subresource="status")
    assert excinfo.value.code == 404


def test_strategic_merge_is_refused_on_custom_resources() -> None:
    store = Store()
    store.create(trafficsplit("a"))
    with pytest.raises(ApiError) as excinfo:
        store.patch(TS_API, "TrafficSplit", "default", "a", {"spec": {}}, "strategic")
    assert excinfo.value.code == 415


def test_finalizers_only_mark_deletion_until_removed() -> None:
    store = Store()
    body = trafficsplit("a")
    body["metadata"]["finalizers"] = ["example.com/keep"]
    store.create(body)
    marked = store.delete(TS_API, "TrafficSplit", "default", "a")
    assert marked["metadata"]["deletionTimestamp"]
    assert store.get(TS_API, "TrafficSplit", "default", "a")
    store.patch(TS_API, "TrafficSplit", "default", "a", {"metadata": {"finalizers": None}})
    with pytest.raises(ApiError) as excinfo:
        store.get(TS_API, "TrafficSplit", "default", "a")
    assert excinfo.value.code == 404


def test_deleting_a_namespace_deletes_its_objects() -> None:
    store = Store()
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "test"}})
    store.create(trafficsplit("a", "test"))
    store.create(trafficsplit("b"))
    store.delete("v1", "Namespace", None, "test")
    assert [o["metadata"]["name"] for o in store.list(TS_API, "TrafficSplit")] == ["b"]


def test_apply_creates_then_replaces_including_status() -> None:
    store = Store()
    store.apply(_canary())
    replaced = store.apply({**_canary(), "status": {"phase": "Succeeded"}})
    assert replaced["status"] == {"phase": "Succeeded"}
    assert replaced["metadata"]["generation"] == 1


def test_listeners_see_every_committed_write_in_order() -> None:
    store = Store()
    seen: list[tuple[str, str, str]] = []
    store.add_listener(lambda kind, obj: seen.append(
        (kind, obj["metadata"]["name"], obj["metadata"]["resourceVersion"])))
    store.create(trafficsplit("a"))
    store.patch(TS_API, "TrafficSplit", "default", "a", {"spec": {"service": "b"}})
    store.delete(TS_API, "TrafficSplit", "default", "a")
    assert [s[:2] for s in seen] == [("ADDED", "a"), ("MODIFIED", "a"), ("DELETED", "a")]
    versions = [int(s[2]) for s in seen]
    assert versions == sorted(versions) and versions[-1] == store.resource_version


def test_listener_copies_cannot_corrupt_the_store() -> None:
    store = Store()
    store.add_listener(lambda kind, obj: obj["spec"].clear())
    store.create(trafficsplit("a"))
    assert store.get(TS_API, "TrafficSplit", "default", "a")["spec"]["service"] == "podinfo"


def test_dry_run_persists_nothing() -> None:
    store = Store()
    rv = store.resource_version
    store.create(trafficsplit("a"), dry_run=True)
    assert store.resource_version == rv
    assert store.list(TS_API, "TrafficSplit") == []


def test_creating_a_crd_serves_its_kind_and_deleting_it_removes_them() -> None:
    store = Store()
    store.create({"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
                  "metadata": {"name": "widgets.example.com"},
                  "spec": {"group": "example.com", "scope": "Namespaced",
                           "names": {"plural": "widgets", "kind": "Widget"},
                           "versions": [{"name": "v1", "served": True, "storage": True}]}})
    store.create({"apiVersion": "example.com/v1", "kind": "Widget",
                  "metadata": {"name": "w", "namespace": "default"}})
    assert len(store.list("example.com/v1", "Widget")) == 1
    store.delete("apiextensions.k8s.io/v1", "CustomResourceDefinition", None,
                 "widgets.example.com")
    with pytest.raises(ApiError):
        store.list("example.com/v1", "Widget")


@pytest.mark.parametrize(("selector", "expected"), [
    ("app=web", ["a"]), ("app==web", ["a"]), ("app!=web", ["b", "c"]),
    ("app in (web, api)", ["a", "b"]), ("app notin (web)", ["b", "c"]),
    ("app", ["a", "b"]), ("!app", ["c"]), ("app=web,tier=gold", ["a"]),
])
def test_label_selectors(selector: str, expected: list[str]) -> None:
    objects = [{"metadata": {"name": "a", "labels": {"app": "web", "tier": "gold"}}},
               {"metadata": {"name": "b", "labels": {"app": "api"}}},
               {"metadata": {"name": "c"}}]
    match = label_selector(selector)
    assert [o["metadata"]["name"] for o in objects if match(o)] == expected


def test_field_selectors_reject_unknown_fields() -> None:
    match = field_selector("metadata.namespace=default,metadata.name!=b")
    assert match({"metadata": {"name": "a", "namespace": "default"}})
    assert not match({"metadata": {"name": "b", "namespace": "default"}})
    with pytest.raises(ApiError) as excinfo:
        field_selector("spec.service=x")
    assert excinfo.value.code == 400


def test_managed_fields_record_the_version_each_write_used() -> None:
    """As the API server does: the apiVersion of the request, not the storage version, so a
    reader at another version can tell which version's rules the spec was written under."""
    store = Store()
    store.create(trafficsplit("a", version="v1alpha4", weights=(90, 10)), manager="kubectl")
    patched = store.patch("split.smi-spec.io/v1alpha1", "TrafficSplit", "default", "a",
                          {"spec": {"backends": [{"service": "podinfo-primary", "weight": "80"},
                                                 {"service": "podinfo-canary", "weight": "20"}]}},
                          manager="flagger")
    written = {e["manager"]: e["apiVersion"] for e in patched["metadata"]["managedFields"]}
    assert written == {"kubectl": "split.smi-spec.io/v1alpha4", "flagger": "split.smi-spec.io/v1alpha1"}
