"""List-then-watch threads against the emulated API server over real HTTP."""

from __future__ import annotations

import pytest

from meshtui.kube.events import ConnectionChanged, ObjectChanged, ObjectsListed
from meshtui.kube.watch import Backoff
from tests.kube.harness import KubeHarness, Recorder, traffic_split
from tests.waiting import wait_for

TS = ["trafficsplits"]


def _changes(rec: Recorder, name: str) -> list[str]:
    return [e.type for e in rec.of(ObjectChanged, resource="trafficsplits")
            if e.obj["metadata"]["name"] == name]


def _patch_weight(kube: KubeHarness, name: str, canary: int) -> None:
    kube.custom().patch_namespaced_custom_object(
        "split.smi-spec.io", "v1alpha2", "test", "trafficsplits", name,
        {"spec": {"backends": [{"service": "podinfo-primary", "weight": 100 - canary},
                               {"service": "podinfo-canary", "weight": canary}]}})


def test_list_then_added_modified_deleted(kube: KubeHarness) -> None:
    kube.create(traffic_split("before"))
    rec = Recorder()
    kube.watch(None, rec, TS)
    listed = wait_for(lambda: rec.of(ObjectsListed), message="the initial list")
    assert [o["metadata"]["name"] for o in listed[0].objects] == ["before"]
    assert listed[0].objects[0]["kind"] == "TrafficSplit"

    kube.create(traffic_split("podinfo"))
    _patch_weight(kube, "podinfo", 30)
    kube.custom().delete_namespaced_custom_object("split.smi-spec.io", "v1alpha2", "test",
                                                  "trafficsplits", "podinfo")
    wait_for(lambda: _changes(rec, "podinfo") == ["ADDED", "MODIFIED", "DELETED"],
             message="ADDED, MODIFIED, DELETED of podinfo")
    modified = next(e for e in rec.of(ObjectChanged, type="MODIFIED"))
    assert modified.obj["spec"]["backends"][1]["weight"] == 30
    assert modified.obj["kind"] == "TrafficSplit"
    assert _changes(rec, "before") == [], "a listed object must not come again as ADDED"
    assert len(rec.of(ObjectsListed)) == 1, "no re-list without a reason"


def test_namespace_filter(kube: KubeHarness) -> None:
    rec = Recorder()
    kube.watch("other", rec, TS)
    wait_for(lambda: rec.of(ObjectsListed), message="the initial list")
    kube.create(traffic_split("in-test"))
    kube.create(traffic_split("in-other", namespace="other"))
    wait_for(lambda: _changes(rec, "in-other") == ["ADDED"], message="ADDED in other")
    assert _changes(rec, "in-test") == []


def test_stream_end_resumes_without_duplicates(kube: KubeHarness,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    # Streams of one second force many resumptions from the last resourceVersion.
    monkeypatch.setattr("meshtui.kube.watch.WATCH_TIMEOUT_SECONDS", 1)
    rec = Recorder()
    kube.watch("test", rec, TS)
    wait_for(lambda: rec.of(ObjectsListed), message="the initial list")
    kube.create(traffic_split("podinfo"))
    wait_for(lambda: _changes(rec, "podinfo") == ["ADDED"], message="ADDED")
    watches = lambda: [r for r in kube.server.requests if r.query.get("watch")]  # noqa: E731 - a count re-read below
    before = len(watches())
    wait_for(lambda: len(watches()) >= before + 2, timeout=10,
             message="the watch to be resumed at least twice")
    _patch_weight(kube, "podinfo", 40)
    wait_for(lambda: _changes(rec, "podinfo") == ["ADDED", "MODIFIED"], message="MODIFIED")
    assert len(rec.of(ObjectsListed)) == 1, "a clean stream end must resume, not re-list"


def test_expired_resource_version_relists(kube: KubeHarness) -> None:
    from meshtui.kube.watch import ResourceWatcher

    kube.create(traffic_split("one"))
    _patch_weight(kube, "one", 20)
    kube.store.compact()
    served = kube.client.discover()["trafficsplits"]
    calls = []

    def lister(served_resource, namespace):
        objects, rv = kube.client._list_served(served_resource, namespace)
        calls.append(rv)
        # The first list claims a version the server has already forgotten.
        return (objects, "1") if len(calls) == 1 else (objects, rv)

    rec = Recorder()
    watcher = ResourceWatcher(kube.cluster.api_client, served, "test", rec, lister)
    watcher.start()
    try:
        wait_for(lambda: len(rec.of(ObjectsListed)) >= 2, message="a re-list after the 410")
        kube.create(traffic_split("two"))
        wait_for(lambda: _changes(rec, "two") == ["ADDED"], message="the watch after re-listing")
        assert rec.of(ConnectionChanged) == [], "a 410 is not a connection problem"
    finally:
        watcher.stop()
        assert watcher.join(5.0)


def test_server_restart_reports_and_recovers(kube: KubeHarness) -> None:
    rec = Recorder()
    kube.create(traffic_split("podinfo"))
    kube.watch(None, rec, TS)
    wait_for(lambda: rec.of(ObjectsListed), message="the initial list")
    kube.server.stop()
    down = wait_for(lambda: rec.of(ConnectionChanged, connected=False), message="disconnection")
    assert down[0].error and "\n" not in down[0].error
    kube.server.start()
    wait_for(lambda: rec.of(ConnectionChanged, connected=True), timeout=15, message="recovery")
    assert len(rec.of(ConnectionChanged, connected=False)) == 1, "one report per outage"
    _patch_weight(kube, "podinfo", 50)
    wait_for(lambda: "MODIFIED" in _changes(rec, "podinfo"), message="events after recovery")
    last_list = rec.of(ObjectsListed)[-1]
    assert [o["metadata"]["name"] for o in last_list.objects] == ["podinfo"]


def test_stop_is_prompt_while_blocked(kube: KubeHarness) -> None:
    rec = Recorder()
    ws = kube.client.watch(None, rec)
    wait_for(lambda: len(rec.of(ObjectsListed)) == len(ws.watchers), message="every list")
    assert ws.stop(timeout=3.0), "every watcher must end when stopped"
    assert not any(w.alive for w in ws.watchers)


def test_backoff_is_capped_and_jittered() -> None:
    backoff = Backoff(0.2, 5.0)
    delays = [backoff.next() for _ in range(12)]
    assert all(0.1 <= d <= 5.0 for d in delays)
    assert max(delays[6:]) > 1.0, "delays must grow"
    backoff.reset()
    assert backoff.next() <= 0.2


def test_splits_are_parsed_in_the_watch_thread(kube: KubeHarness, monkeypatch: pytest.MonkeyPatch) -> None:
    """The list and every change carry their parsed splits; an object that breaks the parser
    becomes a split with a problem, and the watch goes on."""
    import threading

    from meshtui.model import split as split_module

    real = split_module.parse_split
    threads: set[str] = set()

    def breaks_on_bad(obj: dict) -> object:
        threads.add(threading.current_thread().name)
        if obj["metadata"]["name"] == "bad":
            raise ValueError("unreadable")
        return real(obj)

    monkeypatch.setattr("meshtui.model.mesh.parse_split", breaks_on_bad)
    kube.create(traffic_split("bad"))
    kube.create(traffic_split("good"))
    rec = Recorder()
    kube.watch(None, rec, TS)
    [listed] = wait_for(lambda: rec.of(ObjectsListed), message="the initial list")
    assert listed.parsed is not None
    assert listed.parsed["test", "bad"].problems == ("the object could not be read (ValueError)",)
    assert [b.weight for b in listed.parsed["test", "good"].backends] == [90, 10]
    _patch_weight(kube, "good", 30)
    wait_for(lambda: _changes(rec, "good") == ["MODIFIED"], message="MODIFIED after the bad object")
    [modified] = rec.of(ObjectChanged, type="MODIFIED")
    assert modified.parsed is not None and modified.parsed.obj == modified.obj
    assert [b.weight for b in modified.parsed.backends] == [70, 30]
    assert threads == {"meshtui-watch-trafficsplits"}, "parsed in the watch thread only"
    assert not rec.of(ConnectionChanged), "a bad object is no connection failure"
