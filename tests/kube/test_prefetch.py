"""`MeshClient.prefetch`: the watch's first list is the prefetched one, and nothing is missed."""

from __future__ import annotations

from meshtui.kube import client as client_module
from meshtui.kube.client import MeshClient
from meshtui.kube.events import ObjectChanged, ObjectsListed
from tests.kube.harness import KubeHarness, Recorder, traffic_split
from tests.waiting import wait_for

TS_PATH = "/apis/split.smi-spec.io/v1alpha2/trafficsplits"


def _lists(kube: KubeHarness) -> list:
    return [r for r in kube.server.requests
            if r.method == "GET" and r.path == TS_PATH and r.query.get("watch") != "true"]


def test_watch_uses_the_prefetched_list_then_sees_later_changes(kube: KubeHarness) -> None:
    kube.create(traffic_split("before"))
    client = MeshClient(kube.cluster)
    client.prefetch(None, ["trafficsplits"])
    wait_for(lambda: _lists(kube), message="the prefetch list request")
    # Created after the prefetched list: the watch must deliver it from that list's version.
    kube.create(traffic_split("after"))
    rec = Recorder()
    ws = client.watch(None, rec, ["trafficsplits"])
    kube.watch_sets.append(ws)
    (listed,) = wait_for(lambda: rec.of(ObjectsListed), message="the first list")
    assert [o["metadata"]["name"] for o in listed.objects] == ["before"]
    wait_for(lambda: [e.obj["metadata"]["name"] for e in rec.of(ObjectChanged, type="ADDED")]
             == ["after"], message="the object created after the prefetch")
    assert len(_lists(kube)) == 1, "the watch listed again instead of using the prefetch"


def test_a_stale_prefetch_is_listed_again(kube: KubeHarness, monkeypatch) -> None:
    kube.create(traffic_split("one"))
    client = MeshClient(kube.cluster)
    client.prefetch(None, ["trafficsplits"])
    wait_for(lambda: _lists(kube), message="the prefetch list request")
    monkeypatch.setattr(client_module, "PREFETCH_MAX_AGE", -1.0)
    rec = Recorder()
    kube.watch_sets.append(client.watch(None, rec, ["trafficsplits"]))
    wait_for(lambda: rec.of(ObjectsListed), message="the first list")
    assert len(_lists(kube)) == 2


def test_a_failed_prefetch_is_listed_again(kube: KubeHarness) -> None:
    client = MeshClient(kube.cluster)
    client.discover()
    kube.server.stop()
    try:
        client.prefetch("test", ["trafficsplits"])
        entry = client._prefetched[("trafficsplits", "test")][1]
        wait_for(lambda: entry.done(), message="the failed prefetch")
        assert entry.exception() is not None
    finally:
        kube.server.start()
    kube.create(traffic_split("late"))
    rec = Recorder()
    kube.watch_sets.append(client.watch("test", rec, ["trafficsplits"]))
    (listed,) = wait_for(lambda: rec.of(ObjectsListed), message="the first list")
    assert [o["metadata"]["name"] for o in listed.objects] == ["late"]
