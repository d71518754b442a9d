"""Owner-aware actions carried out by `ClusterWriter.apply` against the API emulator."""

from __future__ import annotations

from typing import Any

import pytest

from meshtui.kube.audit import read_audit
from meshtui.kube.errors import NotFound
from meshtui.kube.writer import PartialWrite, ReadOnly
from meshtui.model.actions import ActionPlan, Unavailable, plan_action
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.write_descriptions import MERGE_PATCH, ObjectTarget, PlannedWrite
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents
from tests.control.conftest import canary, httproute, mutating, owner_ref, rollout
from tests.plugins.apiserver import trafficsplit

ROLLOUT_PATH = "/apis/argoproj.io/v1alpha1/namespaces/default/rollouts/books"
GATE_HOOK = {"name": "gate", "type": "confirm-promotion",
             "url": "http://flagger-loadtester.default/gate/check"}
ROLLBACK_HOOK = {"name": "rollback", "type": "rollback",
                 "url": "http://flagger-loadtester.default/rollback/check"}
PROXY = "/api/v1/namespaces/default/services/flagger-loadtester:80/proxy"


def _argo_split(apiserver: Any, **status: Any) -> tuple[Any, RolloutState]:
    split_obj = trafficsplit("books", service="books", weights=(80, 20))
    split_obj["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(split_obj)
    apiserver.store.create(rollout(**status))
    split = parse_split(apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit",
                                            "default", "books"))
    state = RolloutState.from_object(apiserver.store.get("argoproj.io/v1alpha1", "Rollout",
                                                         "default", "books"))
    return split, state


def _stored_rollout(apiserver: Any) -> dict[str, Any]:
    return apiserver.store.get("argoproj.io/v1alpha1", "Rollout", "default", "books")


def _plan(split: Any, state: Any, action: str) -> ActionPlan:
    plan = plan_action(split, state, action)
    assert isinstance(plan, ActionPlan), plan
    return plan


def _patches(apiserver: Any) -> list[tuple[str, str, str | None]]:
    return [(r.method, r.path, r.content_type) for r in mutating(apiserver.server)]


def test_argo_promote_clears_pause_conditions_on_the_status_subresource(apiserver, make_writer,
                                                                       audit_path):
    split, state = _argo_split(apiserver)
    results = make_writer().apply(_plan(split, state, "promote"))

    stored = _stored_rollout(apiserver)
    assert "pauseConditions" not in stored["status"]
    assert stored["status"]["currentStepIndex"] == 1
    assert _patches(apiserver) == [("PATCH", ROLLOUT_PATH + "/status",
                                    "application/merge-patch+json")]
    assert [r.audit_record["result"] for r in results] == ["ok"]
    [record] = read_audit(audit_path)
    assert record["object"] == {"kind": "Rollout", "namespace": "default", "name": "books",
                                "resourceVersion": None, "subresource": "status"}
    assert record["after"] == {"status": {"pauseConditions": None}}
    assert record["before"]["status"]["pauseConditions"][0]["reason"] == "CanaryPauseStep"


def test_argo_promote_of_a_manually_paused_rollout_patches_spec_then_status(apiserver, make_writer):
    """`kubectl argo rollouts promote` unpauses the spec, then clears the pause conditions on the
    status subresource (argo-rollouts pkg/kubectl-argo-rollouts/cmd/promote/promote.go)."""
    split, _ = _argo_split(apiserver)
    apiserver.store.patch("argoproj.io/v1alpha1", "Rollout", "default", "books",
                          {"spec": {"paused": True}})
    state = RolloutState.from_object(_stored_rollout(apiserver))

    make_writer().apply(_plan(split, state, "promote"))

    stored = _stored_rollout(apiserver)
    assert "paused" not in stored["spec"] or stored["spec"]["paused"] is False
    assert "pauseConditions" not in stored["status"]
    assert [path for _, path, _ in _patches(apiserver)] == [ROLLOUT_PATH, ROLLOUT_PATH + "/status"]


@pytest.mark.parametrize(("action", "field", "value"), [
    ("promote-full", "promoteFull", True),
    ("abort", "abort", True),
])
def test_argo_status_actions(apiserver, make_writer, action, field, value):
    split, state = _argo_split(apiserver)
    make_writer().apply(_plan(split, state, action))
    assert _stored_rollout(apiserver)["status"][field] is value
    assert [path for _, path, _ in _patches(apiserver)] == [ROLLOUT_PATH + "/status"]


def test_argo_retry_after_abort_and_pause_on_the_main_resource(apiserver, make_writer):
    split, state = _argo_split(apiserver, abort=True, pauseConditions=None)
    make_writer().apply(_plan(split, state, "retry"))
    assert _stored_rollout(apiserver)["status"]["abort"] is False

    state = RolloutState.from_object(_stored_rollout(apiserver))
    make_writer().apply(_plan(split, state, "pause"))
    assert _stored_rollout(apiserver)["spec"]["paused"] is True
    assert [path for _, path, _ in _patches(apiserver)] == [ROLLOUT_PATH + "/status", ROLLOUT_PATH]


def _flagger_split(apiserver: Any, webhooks: list[dict[str, Any]]) -> tuple[Any, CanaryState]:
    route = httproute("podinfo")
    route["metadata"]["ownerReferences"] = owner_ref("Canary", "podinfo")
    apiserver.store.create(route)
    apiserver.store.create(canary(webhooks=webhooks))
    split = parse_split(apiserver.store.get("gateway.networking.k8s.io/v1", "HTTPRoute",
                                            "default", "podinfo"))
    state = CanaryState.from_object(apiserver.store.get("flagger.app/v1beta1", "Canary",
                                                        "default", "podinfo"))
    return split, state


def test_flagger_pause_and_resume_toggle_suspend(apiserver, make_writer):
    split, state = _flagger_split(apiserver, [])
    make_writer().apply(_plan(split, state, "pause"))
    stored = apiserver.store.get("flagger.app/v1beta1", "Canary", "default", "podinfo")
    assert stored["spec"]["suspend"] is True

    make_writer().apply(_plan(split, CanaryState.from_object(stored), "resume"))
    stored = apiserver.store.get("flagger.app/v1beta1", "Canary", "default", "podinfo")
    assert stored["spec"]["suspend"] is False
    path = "/apis/flagger.app/v1beta1/namespaces/default/canaries/podinfo"
    assert [p for _, p, _ in _patches(apiserver)] == [path, path]


@pytest.mark.parametrize(("action", "gate"), [("promote", "/gate/open"),
                                              ("abort", "/rollback/open")])
def test_flagger_gates_are_posted_through_the_service_proxy(apiserver, make_writer, loadtester,
                                                            audit_path, action, gate):
    apiserver.server.proxy("default", "flagger-loadtester", 80, loadtester.url)
    split, state = _flagger_split(apiserver, [GATE_HOOK, ROLLBACK_HOOK])

    [result] = make_writer().apply(_plan(split, state, action))

    assert loadtester.posts == [(gate, {"name": "podinfo", "namespace": "default"})]
    assert _patches(apiserver) == [("POST", PROXY + gate, "application/json")]
    assert result.obj["status"] == 202
    [record] = read_audit(audit_path)
    assert (record["verb"], record["result"], record["object"]["path"]) == ("create", "ok", gate)


def test_flagger_gate_is_not_sent_in_read_only_or_dry_run(apiserver, make_writer, loadtester,
                                                          audit_path):
    apiserver.server.proxy("default", "flagger-loadtester", 80, loadtester.url)
    split, state = _flagger_split(apiserver, [GATE_HOOK])
    plan = _plan(split, state, "promote")
    apiserver.server.clear_requests()

    with pytest.raises(ReadOnly):
        make_writer(read_only=True).apply(plan)
    [preview] = make_writer(dry_run=True).apply(plan)

    assert preview.dry_run
    assert loadtester.posts == []
    assert mutating(apiserver.server) == []
    assert [r["result"] for r in read_audit(audit_path)] == ["read-only", "dry-run"]


@pytest.mark.parametrize(("action", "percents"), [("promote", [0, 100]), ("abort", [100, 0])])
def test_split_without_owner_promote_and_abort_move_all_traffic(apiserver, make_writer, action,
                                                                percents):
    apiserver.store.create(trafficsplit("plain", weights=(70, 30)))
    split = parse_split(apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit",
                                            "default", "plain"))
    assert isinstance(plan_action(split, None, "pause"), Unavailable)
    assert isinstance(plan_action(split, None, "resume"), Unavailable)

    make_writer().apply(_plan(split, None, action))

    stored = parse_split(apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit",
                                             "default", "plain"))
    assert rule_percents(stored, 0) == percents


def test_apply_stops_at_the_first_failure_and_says_what_landed(apiserver, make_writer, audit_path):
    split, _ = _argo_split(apiserver)
    present = ObjectTarget("rollouts", "argoproj.io", "v1alpha1", "Rollout", "default", "books")
    missing = ObjectTarget("rollouts", "argoproj.io", "v1alpha1", "Rollout", "default", "gone")
    writes = tuple(PlannedWrite(target, {"spec": {"paused": True}}, MERGE_PATCH, "", text)
                   for target, text in ((present, "pause books"), (missing, "pause gone"),
                                        (present, "never sent")))
    plan = ActionPlan("pause", split.ref, "argo-rollouts", "pause both", writes)

    with pytest.raises(PartialWrite) as caught:
        make_writer().apply(plan)

    assert len(caught.value.landed) == 1 and caught.value.failed is writes[1]
    assert isinstance(caught.value.cause, NotFound)
    assert "1 of 3" in caught.value.message and "pause books" in caught.value.message
    assert _stored_rollout(apiserver)["spec"]["paused"] is True
    assert [r["result"] for r in read_audit(audit_path)] == ["ok", "error"]
