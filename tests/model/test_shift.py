"""The objects of an incident shift: percentages, the created split, and what ending refuses."""

from __future__ import annotations

import pytest

from meshtui.model.write_descriptions import DELETE, JSON
from meshtui.model.shift import (
    CREATED_AT_ANNOTATION,
    CREATED_BY_ANNOTATION,
    MANAGED_BY_LABEL,
    REASON_ANNOTATION,
    SHIFT_KINDS,
    ShiftBackend,
    ShiftRefused,
    ShiftRequest,
    check_split_name,
    end_refusal,
    end_write,
    is_meshtui_made,
    picked_percents,
    fallbacks,
    shift_object,
    shift_percents,
    shift_write,
)
from meshtui.model.split import parse_split
from meshtui.model.weight_writes import rule_percents

POLICY, GATEWAY, SMI = SHIFT_KINDS


def _request(kind=POLICY, version="v1beta3", reason="web-svc 5xx", port=80) -> ShiftRequest:
    return ShiftRequest(namespace="emojivoto", service="web-svc",
                        backends=(ShiftBackend("web-svc", 0, 80),
                                  ShiftBackend("web-svc-west", 100, 80)),
                        kind=kind, version=version, name="web-svc-shift",
                        created_by="alice@prod", created_at="2026-12-07T06:30:00Z",
                        reason=reason, port=port)


def test_the_rest_stays_on_the_service() -> None:
    assert shift_percents("web-svc", {"web-svc-west": "100"}) == {"web-svc": 0,
                                                                  "web-svc-west": 100}
    assert shift_percents("web-svc", {"web-svc-west": "30%", "web-v2": 20}) == {
        "web-svc": 50, "web-svc-west": 30, "web-v2": 20}
    assert shift_percents("web-svc", {"web-svc": 10, "web-svc-west": 90}) == {
        "web-svc": 10, "web-svc-west": 90}


@pytest.mark.parametrize(("assignments", "message"), [
    ({"web-svc-west": "0"}, "nothing moves off web-svc"),
    ({}, "nothing moves off web-svc"),
    ({"a": 60, "b": 50}, "add up to 110, more than 100"),
    ({"web-svc": 10, "b": 50}, "add up to 60, not 100"),
    ({"West_Svc": 100}, "invalid backend"),
    ({"b": "1e9"}, "b: "),
    ({"b": "-5"}, "b: "),
])
def test_refused_percentages(assignments: dict[str, object], message: str) -> None:
    with pytest.raises(ShiftRefused, match=message):
        shift_percents("web-svc", assignments)


def test_split_names_are_checked() -> None:
    assert check_split_name("web-svc.shift") == "web-svc.shift"
    for bad in ("Web", "a/b", "x" * 254, "-a", "a\x1b[31m"):
        with pytest.raises(ShiftRefused):
            check_split_name(bad)


def test_policy_httproute_is_labelled_annotated_and_parses_as_the_shift() -> None:
    obj = shift_object(_request())
    assert obj["apiVersion"] == "policy.linkerd.io/v1beta3" and obj["kind"] == "HTTPRoute"
    meta = obj["metadata"]
    assert meta["labels"] == {MANAGED_BY_LABEL: "meshtui"}
    assert meta["annotations"] == {CREATED_BY_ANNOTATION: "alice@prod",
                                   CREATED_AT_ANNOTATION: "2026-12-07T06:30:00Z",
                                   REASON_ANNOTATION: "web-svc 5xx"}
    assert obj["spec"]["parentRefs"] == [{"group": "core", "kind": "Service", "name": "web-svc",
                                          "port": 80}]
    split = parse_split({**obj, "metadata": {**meta, "resourceVersion": "7"}})
    assert split.service == "web-svc" and not split.problems
    assert rule_percents(split, 0) == [0, 100]
    assert is_meshtui_made(obj)


def test_gateway_route_parent_group_is_empty_and_no_port_means_every_port() -> None:
    obj = shift_object(_request(GATEWAY, "v1", port=None))
    assert obj["spec"]["parentRefs"] == [{"group": "", "kind": "Service", "name": "web-svc"}]


def test_trafficsplit_v1alpha1_weights_are_quantities() -> None:
    obj = shift_object(_request(SMI, "v1alpha1"))
    assert obj["spec"] == {"service": "web-svc", "backends": [
        {"service": "web-svc", "weight": "0"}, {"service": "web-svc-west", "weight": "100"}]}
    assert shift_object(_request(SMI, "v1alpha2"))["spec"]["backends"][1]["weight"] == 100


def test_reason_is_one_bounded_line_and_empty_is_left_out() -> None:
    long = shift_object(_request(reason="a\nb\t" + "x" * 2000))
    assert long["metadata"]["annotations"][REASON_ANNOTATION].startswith("a b x")
    assert len(long["metadata"]["annotations"][REASON_ANNOTATION]) == 500
    assert REASON_ANNOTATION not in shift_object(_request(reason=" "))["metadata"]["annotations"]


def test_shift_write_creates_at_the_served_version() -> None:
    planned = shift_write(_request())
    assert planned.patch_type == JSON
    assert str(planned.target) == "httproute/emojivoto/web-svc-shift"
    assert planned.target.resource == "httproutes.policy.linkerd.io"
    assert "web-svc-west 100%" in planned.description


def test_ending_refuses_foreign_splits_unless_forced() -> None:
    ours = parse_split({**shift_object(_request()),
                        "metadata": {"name": "web-svc-shift", "namespace": "emojivoto",
                                     "labels": {MANAGED_BY_LABEL: "meshtui"},
                                     "resourceVersion": "12", "uid": "u-1"}})
    assert end_refusal(ours, force=False) is None
    foreign = parse_split({**shift_object(_request()),
                           "metadata": {"name": "voting", "namespace": "emojivoto",
                                        "labels": {MANAGED_BY_LABEL: "argocd"},
                                        "resourceVersion": "3"}})
    refusal = end_refusal(foreign, force=False)
    assert refusal is not None and "not created by meshtui" in refusal and "--force" in refusal
    assert end_refusal(foreign, force=True) is None
    planned = end_write(ours)
    assert planned.patch_type == DELETE
    assert planned.patch == {"preconditions": {"resourceVersion": "12", "uid": "u-1"}}
    assert planned.target.version == "v1beta3"


def test_picked_backends_share_evenly_or_take_what_was_typed() -> None:
    assert picked_percents(["a"], "") == {"a": 100}
    assert picked_percents(["a", "b", "c"], " ") == {"a": 34, "b": 33, "c": 33}
    assert picked_percents(["a", "b"], "60, 30") == {"a": 60, "b": 30}
    for picked, typed, message in ((["a", "b"], "100", "1 percentages for 2 backends"),
                                   ([], "", "pick at least one"),
                                   (["a"], "x", "a: ")):
        with pytest.raises(ShiftRefused, match=message):
            picked_percents(picked, typed)


def test_fallbacks_put_the_apex_mirror_and_versions_first_and_skip_odd_names() -> None:
    def svc(name: object, cluster: str = "") -> dict[str, object]:
        labels = {"mirror.linkerd.io/mirrored-service": "true",
                  "mirror.linkerd.io/cluster-name": cluster} if cluster else {}
        return {"metadata": {"name": name, "labels": labels}}

    found = fallbacks("web-svc", [svc("api"), svc("web-svc"), svc("voting-svc-west", "west"),
                                  svc("web-svc-v2"), svc("web-svc-west", "west"), svc(7),
                                  svc("Bad\x1b")])
    assert [(f.name, f.note) for f in found] == [
        ("web-svc-west", "mirrored from west"), ("web-svc-v2", ""),
        ("voting-svc-west", "mirrored from west"), ("api", "")]
