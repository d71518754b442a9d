"""The plan store and the per-split Lease against the Kubernetes API emulator over real HTTP,
with an injected clock (no waiting)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshtui.kube.audit import AuditLog, read_audit
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.errors import Conflict
from meshtui.kube.writer import ClusterWriter, ReadOnly
from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION, advance
from meshtui.model.split import parse_split
from meshtui.rollout import commands
from meshtui.rollout.lease import SplitLease
from meshtui.rollout.status import plan_status
from meshtui.rollout.store import (
    RolloutError,
    canary_percent,
    choose_roles,
    read_state,
    write_transition,
)
from meshtui.sim.apiserver import ADMIN_TOKEN
from tests.plugins.apiserver import RunningApiServer, trafficsplit

PLAN = parse_plan("- setWeight: 25\n- pause: {untilApproved: true}\n- setWeight: 100\n")


@pytest.fixture
def kube(apiserver: RunningApiServer, tmp_path: Path) -> Iterator[tuple[Any, ClusterWriter, Path]]:
    """A client, a writer and the audit log's path for the emulator."""
    cluster = load_cluster(str(apiserver.kubeconfig))
    audit_path = tmp_path / "audit.log"
    try:
        yield MeshClient(cluster), ClusterWriter(cluster, audit=AuditLog(audit_path)), audit_path
    finally:
        cluster.close()


def _route(name: str) -> dict[str, Any]:
    """An unowned Gateway API HTTPRoute with all traffic on the primary."""
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": "default"},
            "spec": {"parentRefs": [{"group": "", "kind": "Service", "name": "podinfo",
                                     "port": 9898}],
                     "rules": [{"backendRefs": [
                         {"group": "", "kind": "Service", "name": "podinfo-primary",
                          "port": 9898, "weight": 100},
                         {"group": "", "kind": "Service", "name": "podinfo-canary",
                          "port": 9898, "weight": 0}]}]}}


def _start(writer: ClusterWriter, split: Any) -> tuple[Any, Any]:
    """Start `PLAN` on the split (podinfo-canary against podinfo-primary); (split, transition)."""
    started = commands.start(PLAN, canary="podinfo-canary", stable="podinfo-primary", weight=0,
                             now=10.0, by="me")
    return write_transition(writer, split, None, started, "rollout-start"), started


def _first_step(apiserver: RunningApiServer, writer: ClusterWriter, split: Any,
                started: Any) -> tuple[Any, Any]:
    """Take the plan's first step (25 %) in exactly one PATCH; (transition, split as written)."""
    step = advance(started.state, now=11.0, observed=0, by="me")
    before = len([r for r in apiserver.server.requests if r.method == "PATCH"])
    written = write_transition(writer, split, started.state, step, "rollout-step")
    assert len([r for r in apiserver.server.requests if r.method == "PATCH"]) == before + 1
    return step, written


@pytest.mark.parametrize("obj", [trafficsplit("web"), _route("web")], ids=["ts", "httproute"])
def test_a_step_writes_weights_and_state_in_one_guarded_write(
        apiserver: RunningApiServer, kube: tuple, obj: dict[str, Any]) -> None:
    client, writer, audit_path = kube
    apiserver.store.create(obj)
    split = parse_split(client.get(
        "trafficsplits" if obj["kind"] == "TrafficSplit"
        else "httproutes.gateway.networking.k8s.io", "default", "web"))
    assert choose_roles(split, PLAN) == ("podinfo-canary", "podinfo-primary")
    split, started = _start(writer, split)
    step, written = _first_step(apiserver, writer, split, started)
    assert canary_percent(written, "podinfo-canary") == 25
    assert read_state(written).state == step.state
    with pytest.raises(Conflict):
        # The same transition computed from the older read is refused: never applied twice.
        write_transition(writer, split, started.state, step, "rollout-step")
    status = plan_status(written)
    assert status is not None
    assert (status.step, status.awaiting_approval, status.observed) == (1, True, 25)
    assert status.actions == ("approve", "pause", "promote", "abort")
    assert [s.state for s in status.steps] == ["done", "current", "pending"]
    records = read_audit(audit_path)
    assert [r["result"] for r in records] == ["ok", "ok", "conflict"]
    assert ADMIN_TOKEN not in audit_path.read_text()


def test_a_step_moves_every_rule_that_splits_between_canary_and_stable(
        apiserver: RunningApiServer, kube: tuple) -> None:
    """Two paths split primary/canary, a third goes to the primary only: one PATCH moves both
    splitting rules to 75/25 and leaves the third alone."""
    client, writer, _ = kube
    route = _route("paths")
    pair = route["spec"]["rules"][0]
    route["spec"]["rules"] = [
        {"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}], **pair},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/"}}], **pair},
        {"matches": [{"path": {"type": "PathPrefix", "value": "/admin"}}],
         "backendRefs": [dict(pair["backendRefs"][0])]},
    ]
    apiserver.store.create(route)
    split = parse_split(client.get("httproutes.gateway.networking.k8s.io", "default", "paths"))
    split, started = _start(writer, split)
    _, written = _first_step(apiserver, writer, split, started)
    rules = written.obj["spec"]["rules"]
    assert [[ref["weight"] for ref in rule["backendRefs"]] for rule in rules] == [
        [75, 25], [75, 25], [100]]


def test_owned_or_single_backend_splits_refuse_plans(apiserver: RunningApiServer,
                                                     kube: tuple) -> None:
    client, _, _ = kube
    owned = trafficsplit("owned")
    owned["metadata"]["ownerReferences"] = [{"apiVersion": "flagger.app/v1beta1",
                                             "kind": "Canary", "name": "web", "uid": "u1",
                                             "controller": True}]
    apiserver.store.create(owned)
    with pytest.raises(RolloutError, match="flagger"):
        choose_roles(parse_split(client.get("trafficsplits", "default", "owned")), PLAN)


def test_one_runner_holds_the_lease_until_it_expires(apiserver: RunningApiServer,
                                                     kube: tuple) -> None:
    client, writer, audit_path = kube
    apiserver.store.create(trafficsplit("web"))
    split = parse_split(client.get("trafficsplits", "default", "web"))
    a = SplitLease(writer, split, "runner-a", 2)
    b = SplitLease(writer, split, "runner-b", 2)
    assert a.acquire(1000.0) and a.held(1000.0)
    assert not b.acquire(1000.5) and not b.held(1000.5)
    writes = len(read_audit(audit_path))
    assert a.acquire(1000.6)
    assert len(read_audit(audit_path)) == writes, "a fresh hold is not renewed on every tick"
    assert a.acquire(1001.5) and not b.acquire(1002.0)
    assert b.acquire(1003.6), "an expired lease is taken over"
    assert b.hold is not None and b.hold.transitions == 1
    assert not a.acquire(1003.7) and not a.held(1003.7)
    stale = b.read()
    assert stale is not None and stale.holder == "runner-b"
    assert b.acquire(1004.5)
    with pytest.raises(Conflict):
        # A runner acting on an old read of the Lease loses the race.
        a._update(stale, 1004.6, "rollout-lease-takeover", 2)
    b.release()
    assert a.acquire(1004.7)


def test_read_only_refuses_the_lease(apiserver: RunningApiServer, tmp_path: Path) -> None:
    apiserver.store.create(trafficsplit("web"))
    cluster = load_cluster(str(apiserver.kubeconfig))
    try:
        writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "a.log"), read_only=True)
        split = parse_split(MeshClient(cluster).get("trafficsplits", "default", "web"))
        with pytest.raises(ReadOnly):
            SplitLease(writer, split, "runner", 5).acquire(1.0)
    finally:
        cluster.close()
    assert not [r for r in apiserver.server.requests if r.method in ("POST", "PATCH")]
    assert ANNOTATION not in str(apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit",
                                                     "default", "web"))


def test_the_lease_create_goes_through_the_write_path(apiserver: RunningApiServer,
                                                      tmp_path: Path) -> None:
    """Creating the Lease is audited like any write, and a dry run creates nothing."""
    apiserver.store.create(trafficsplit("web"))
    cluster = load_cluster(str(apiserver.kubeconfig))
    try:
        split = parse_split(MeshClient(cluster).get("trafficsplits", "default", "web"))
        dry = ClusterWriter(cluster, audit=AuditLog(tmp_path / "dry.log"), dry_run=True)
        assert SplitLease(dry, split, "runner", 5).acquire(1.0)
        assert [(r["verb"], r["result"]) for r in read_audit(tmp_path / "dry.log")] == \
            [("create", "dry-run")]
        assert SplitLease(dry, split, "runner", 5).read() is None, "a dry run created the Lease"
        real = ClusterWriter(cluster, audit=AuditLog(tmp_path / "real.log"))
        assert SplitLease(real, split, "runner", 5).acquire(1.0)
        [record] = read_audit(tmp_path / "real.log")
        assert (record["verb"], record["result"], record["action"]) == \
            ("create", "ok", "rollout-lease-acquire")
        assert record["object"]["kind"] == "Lease" and record["before"] is None
    finally:
        cluster.close()
