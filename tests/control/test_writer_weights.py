"""Weight writes through `ClusterWriter` against the API emulator over real HTTP."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.kube.audit import read_audit
from meshtui.kube.errors import Forbidden, Invalid
from meshtui.kube.writer import Conflict, ReadOnly
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from meshtui.sim.apiserver import ADMIN_TOKEN, READONLY_TOKEN
from tests.control.conftest import httproute, mutating
from tests.plugins.apiserver import trafficsplit

CASES = {
    "ts-v1alpha1": (trafficsplit("ts", version="v1alpha1", weights=("90", "10")),
                    ["25", "75"], "application/merge-patch+json"),
    "ts-v1alpha2": (trafficsplit("ts", version="v1alpha2", weights=(900, 100)),
                    [250, 750], "application/merge-patch+json"),
    "hr-gateway": (httproute("ts"), [25, 75], "application/json-patch+json"),
    "hr-gateway-v1beta1": (httproute("ts", version="v1beta1", weights=(1, None)), [25, 75],
                           "application/json-patch+json"),
    "hr-linkerd": (httproute("ts", group="policy.linkerd.io", version="v1beta3"), [25, 75],
                   "application/json-patch+json"),
}


def _weights(obj: dict[str, Any]) -> list[Any]:
    if obj["kind"] == "TrafficSplit":
        return [b["weight"] for b in obj["spec"]["backends"]]
    return [ref.get("weight") for ref in obj["spec"]["rules"][0]["backendRefs"]]


def _read(apiserver: Any, obj: dict[str, Any]) -> Any:
    meta = obj["metadata"]
    return parse_split(apiserver.store.get(obj["apiVersion"], obj["kind"], meta["namespace"],
                                           meta["name"]))


@pytest.mark.parametrize("case", list(CASES))
def test_weights_land_exactly_in_the_objects_own_form(apiserver, make_writer, audit_path, case):
    obj, stored_weights, content_type = CASES[case]
    apiserver.store.create(obj)
    split = _read(apiserver, obj)

    result = make_writer().set_weights(split, [25, "75%"])

    after = _read(apiserver, obj)
    assert _weights(after.obj) == stored_weights
    assert rule_percents(after, 0) == [25, 75]
    assert [b.percent for b in after.backends] == [25.0, 75.0]
    assert not result.dry_run and result.obj["metadata"]["resourceVersion"] == after.resource_version
    patches = mutating(apiserver.server)
    assert [(r.method, r.content_type, r.status) for r in patches] == [("PATCH", content_type, 200)]
    assert f"/{obj['apiVersion']}/" in patches[0].path
    records = read_audit(audit_path)
    assert [r["result"] for r in records] == ["ok"]
    assert records[0]["before"] == dict(zip([b.name for b in split.backends],
                                            rule_percents(split, 0), strict=True))
    assert list(records[0]["after"].values()) == [25, 75]
    assert records[0]["object"]["resourceVersion"] == split.resource_version


@pytest.mark.parametrize("case", ["ts-v1alpha2", "hr-gateway"])
def test_stale_resource_version_is_a_conflict_carrying_the_live_object(
        apiserver, make_writer, audit_path, case):
    obj = CASES[case][0]
    apiserver.store.create(obj)
    stale = _read(apiserver, obj)
    # Someone else moves the weights after meshtui read the object.
    other = make_writer().set_weights(stale, [50, 50])
    live_rv = other.obj["metadata"]["resourceVersion"]

    with pytest.raises(Conflict) as caught:
        make_writer().set_weights(stale, [0, 100])

    assert caught.value.live is not None
    assert caught.value.live["metadata"]["resourceVersion"] == live_rv
    assert rule_percents(parse_split(caught.value.live), 0) == [50, 50]
    assert rule_percents(_read(apiserver, obj), 0) == [50, 50]
    assert _read(apiserver, obj).resource_version == live_rv
    assert [r["result"] for r in read_audit(audit_path)] == ["ok", "conflict"]


def test_forbidden_names_verb_and_object_and_changes_nothing(apiserver, make_writer, audit_path):
    obj = CASES["hr-linkerd"][0]
    apiserver.store.create(obj)
    split = _read(apiserver, obj)

    with pytest.raises(Forbidden) as caught:
        make_writer("readonly").set_weights(split, [0, 100])

    message = caught.value.message
    assert "patch" in message and "httproutes.policy.linkerd.io" in message
    assert "default/ts" in message and "readonly" in message
    assert caught.value.verb == "patch" and caught.value.name == "ts"
    assert _read(apiserver, obj).resource_version == split.resource_version
    assert [r["result"] for r in read_audit(audit_path)] == ["forbidden"]


def test_read_only_sends_no_request_at_all(apiserver, make_writer, audit_path):
    obj = CASES["ts-v1alpha2"][0]
    apiserver.store.create(obj)
    split = _read(apiserver, obj)
    writer = make_writer(read_only=True)
    apiserver.server.clear_requests()

    with pytest.raises(ReadOnly, match="read-only"):
        writer.set_weights(split, [0, 100])

    assert apiserver.server.requests == []
    assert _read(apiserver, obj).resource_version == split.resource_version
    [record] = read_audit(audit_path)
    assert record["result"] == "read-only"
    assert record["after"] == {"podinfo-primary": 0, "podinfo-canary": 100}


@pytest.mark.parametrize("case", ["ts-v1alpha1", "hr-linkerd"])
def test_dry_run_stores_nothing_and_returns_the_preview(apiserver, make_writer, audit_path, case):
    obj = CASES[case][0]
    apiserver.store.create(obj)
    split = _read(apiserver, obj)

    result = make_writer(dry_run=True).set_weights(split, [40, 60])

    assert result.dry_run
    assert rule_percents(parse_split(result.obj), 0) == [40, 60]
    stored = _read(apiserver, obj)
    assert stored.resource_version == split.resource_version
    assert rule_percents(stored, 0) == [90, 10]
    [patch] = mutating(apiserver.server)
    assert patch.query.get("dryRun") == "All"
    assert [r["result"] for r in read_audit(audit_path)] == ["dry-run"]


@pytest.mark.parametrize("percents", [[-10, 110], [50, "x"], [60, 60], [0, 0], [100],
                                      [50, 50, 0], [33.5, 66.5], [None, 100]])
def test_invalid_percentages_are_refused_before_any_request(apiserver, make_writer, audit_path,
                                                            percents):
    apiserver.store.create(CASES["hr-gateway"][0])
    split = _read(apiserver, CASES["hr-gateway"][0])
    writer = make_writer()
    apiserver.server.clear_requests()

    with pytest.raises(Invalid, match="invalid weights"):
        writer.set_weights(split, percents)

    assert apiserver.server.requests == []
    assert read_audit(audit_path) == []


def test_audit_log_records_every_attempt_and_never_a_token(apiserver, make_writer, audit_path):
    obj = CASES["ts-v1alpha2"][0]
    apiserver.store.create(obj)
    split = _read(apiserver, obj)
    make_writer().set_weights(split, [70, 30])
    with pytest.raises(Conflict):
        make_writer().set_weights(split, [60, 40])
    with pytest.raises(Forbidden):
        make_writer("readonly").set_weights(_read(apiserver, obj), [60, 40])
    with pytest.raises(ReadOnly):
        make_writer(read_only=True).set_weights(_read(apiserver, obj), [60, 40])
    make_writer(dry_run=True).set_weights(_read(apiserver, obj), [60, 40])

    records = read_audit(audit_path)
    assert [r["result"] for r in records] == ["ok", "conflict", "forbidden", "read-only", "dry-run"]
    assert [r["identity"] for r in records] == ["admin", "admin", "readonly", "admin", "admin"]
    assert {r["action"] for r in records} == {"set-weights"}
    assert all(r["object"]["name"] == "ts" and r["verb"] == "patch" for r in records)
    text = audit_path.read_text()
    assert ADMIN_TOKEN not in text and READONLY_TOKEN not in text
    assert "Bearer" not in text
    assert oct(audit_path.stat().st_mode & 0o777) == "0o600"
