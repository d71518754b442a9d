"""Tests of object slimming: pods keep what the services view reads and nothing else."""

from __future__ import annotations

from meshtui.kube.slim import MAX_LABELS, slimmed
from meshtui.model._pods import pod_summary


def test_pod_keeps_what_the_services_view_reads() -> None:
    """Labels, the inject annotation, container names and readiness survive; the rest is gone,
    and the summary read from the slim pod equals the one read from the whole pod."""
    big = {"apiVersion": "v1", "kind": "Pod",
           "metadata": {"name": "web-1", "namespace": "prod", "labels": {"app": "web"},
                        "annotations": {"linkerd.io/inject": "enabled", "huge": "x" * 100_000},
                        "managedFields": [{"manager": "kubelet"}] * 50},
           "spec": {"containers": [{"name": "web", "env": [{"name": "A", "value": "b" * 10_000}]},
                                   {"name": "linkerd-proxy"}],
                    "volumes": [{"name": "v"}] * 100},
           "status": {"phase": "Running",
                      "conditions": [{"type": "Ready", "status": "True", "message": "m" * 1000},
                                     {"type": "PodScheduled", "status": "True"}],
                      "containerStatuses": [{"name": "linkerd-proxy", "ready": True, "state": {}}]}}
    slim = slimmed("pods", big)
    assert len(repr(slim)) < 1000
    assert slim["metadata"]["annotations"] == {"linkerd.io/inject": "enabled"}
    assert pod_summary(slim) == pod_summary(big)


def test_labels_bounded_and_malformed_fields_tolerated() -> None:
    """A pod with thousands of labels keeps `MAX_LABELS`; wrong types never raise."""
    many = {"metadata": {"labels": {f"k{i}": "v" for i in range(5000)}}, "spec": "nope", "status": []}
    slim = slimmed("pods", many)
    assert len(slim["metadata"]["labels"]) == MAX_LABELS
    assert pod_summary(slim) is not None
    assert slimmed("services", many) is many
