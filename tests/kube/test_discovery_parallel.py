"""Concurrent and narrowed discovery give the same answer as the full one, with fewer requests."""

from __future__ import annotations

import pytest

from meshtui.kube.client import MeshClient
from meshtui.kube.discovery import discover
from meshtui.kube.errors import Unreachable
from meshtui.kube.resources import RESOURCES, SPLIT_KEYS
from tests.kube.harness import KubeHarness, http_route, traffic_split


def _discovery_paths(kube: KubeHarness) -> list[str]:
    return [r.path for r in kube.server.requests if r.path.startswith("/apis")
            and r.method == "GET" and r.path.count("/") <= 3]


def test_narrow_discovery_matches_the_full_one_and_skips_other_groups(kube: KubeHarness) -> None:
    full = discover(kube.cluster.api_client, kube.cluster.server)
    assert set(SPLIT_KEYS) <= set(full) <= set(RESOURCES)
    kube.server.clear_requests()
    narrow = discover(kube.cluster.api_client, kube.cluster.server, SPLIT_KEYS)
    assert narrow == {key: full[key] for key in SPLIT_KEYS}
    asked = _discovery_paths(kube)
    assert "/apis" in asked
    assert not [p for p in asked if p.startswith(("/apis/flagger.app", "/apis/argoproj.io"))], asked


def test_each_group_version_is_asked_once(kube: KubeHarness) -> None:
    kube.server.clear_requests()
    discover(kube.cluster.api_client, kube.cluster.server)
    asked = _discovery_paths(kube)
    assert len(asked) == len(set(asked)), asked


def test_list_splits_uses_narrow_discovery_then_full_discovery_agrees(kube: KubeHarness) -> None:
    kube.create(traffic_split("podinfo"))
    kube.create(http_route("web"))
    client = MeshClient(kube.cluster)
    assert [s.name for s in client.list_splits()] == ["podinfo", "web"]
    narrow = client.served_for(SPLIT_KEYS)
    assert client.discover() == discover(kube.cluster.api_client, kube.cluster.server)
    assert client.served_for(SPLIT_KEYS) == narrow


def test_served_for_rejects_unknown_keys(kube: KubeHarness) -> None:
    with pytest.raises(KeyError, match="unknown resource"):
        MeshClient(kube.cluster).served_for(["widgets"])


def test_parallel_discovery_failure_is_one_clear_error(kube: KubeHarness) -> None:
    kube.server.stop()
    try:
        with pytest.raises(Unreachable, match="cannot reach the API server"):
            MeshClient(kube.cluster).list_splits()
    finally:
        kube.server.start()
