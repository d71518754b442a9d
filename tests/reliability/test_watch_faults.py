"""Scenario 2: watch trouble. 410 Expired, a stalled stream, a stream cut in the middle of an event.

In each case the watch re-lists and resumes by itself, and the `MeshState` it feeds ends equal to
a direct list of the server: no duplicated, lost or stale rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.events import ConnectionChanged, ObjectsListed
from meshtui.sim.apiserver import ApiServer, Store, write_kubeconfig
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.proxy import TcpProxy
from tests.reliability.support import StateFeeder, server_snapshot
from tests.waiting import wait_for

TS_V = "split.smi-spec.io/v1alpha2"
TS = ["trafficsplits"]


class Rig:
    """A server, an optional stalling/cutting proxy before it, and a client through the proxy."""

    def __init__(self, tmp_path: Path, bookmark_interval: float) -> None:
        self.store = Store()
        for ns in ("test", "other"):
            self.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
        self.server = ApiServer(self.store, bookmark_interval=bookmark_interval).start()
        self.proxy = TcpProxy(self.server.port).start()
        # Plain HTTP through the proxy, so it can see where one event ends.
        self.kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", self.proxy.url, tls=False)
        self.cluster = load_cluster(str(self.kubeconfig), "meshtui-sim")
        self.client = MeshClient(self.cluster)
        direct = write_kubeconfig(tmp_path / "direct", self.server.url)
        self.direct_cluster = load_cluster(str(direct), "meshtui-sim")
        self.direct = MeshClient(self.direct_cluster)
        self.feeder = StateFeeder()
        self.watch = None

    def start_watch(self) -> None:
        """Watch namespace ``test`` and wait for the first list."""
        self.watch = self.client.watch("test", self.feeder, TS)
        wait_for(lambda: self.feeder.of(ObjectsListed), message="the first list")

    def set_weight(self, name: str, canary: int, namespace: str = "test") -> None:
        """Change a split directly in the store."""
        self.store.patch(TS_V, "TrafficSplit", namespace, name, {"spec": {"backends": [
            {"service": "podinfo-primary", "weight": 100 - canary},
            {"service": "podinfo-canary", "weight": canary}]}}, "merge")

    def consistent(self) -> bool:
        """Whether the watched state equals a direct list of the server."""
        return self.feeder.snapshot() == server_snapshot(self.direct, "test")

    def close(self) -> None:
        """Stop the watch (it must stop), the proxy and the server."""
        if self.watch is not None:
            assert self.watch.stop(timeout=5.0), "the watch did not stop"
        self.cluster.close()
        self.direct_cluster.close()
        self.proxy.stop()
        self.server.stop()


@pytest.fixture
def rig_factory(tmp_path: Path) -> Iterator:
    """Build rigs, closed at teardown."""
    rigs: list[Rig] = []

    def make(bookmark_interval: float = 0.2) -> Rig:
        rig = Rig(tmp_path / str(len(rigs)), bookmark_interval)
        rigs.append(rig)
        return rig

    yield make
    for rig in rigs:
        rig.close()


def test_expired_history_relists(rig_factory, monkeypatch: pytest.MonkeyPatch) -> None:
    # Short streams and no bookmarks: the watch resumes from the rv of its last event.
    monkeypatch.setattr("meshtui.kube.watch.WATCH_TIMEOUT_SECONDS", 1)
    rig = rig_factory(bookmark_interval=600)
    for name in ("a", "b"):
        rig.store.create(trafficsplit(name, "test"))
    rig.store.create(trafficsplit("elsewhere", "other"))
    rig.start_watch()
    watches_before = sum(1 for r in rig.server.requests if r.query.get("watch"))
    for canary in range(1, 6):
        rig.set_weight("elsewhere", canary, "other")  # moves the server's rv past the watch's
    rig.store.compact()
    wait_for(lambda: len(rig.feeder.of(ObjectsListed)) >= 2, timeout=10,
             message="a re-list after 410 Expired")
    # Changes after the re-list, in the watched namespace, must not be missed either.
    rig.store.delete(TS_V, "TrafficSplit", "test", "b")
    rig.store.create(trafficsplit("c", "test", weights=(70, 30)))
    wait_for(rig.consistent, message="the state to equal a direct list")
    assert sum(1 for r in rig.server.requests if r.query.get("watch")) > watches_before
    assert rig.feeder.of(ConnectionChanged) == [], "a 410 is not an outage"
    assert [k[2] for k in rig.feeder.snapshot()] == ["a", "c"]
    figures.record("watch_faults", expired_relists=len(rig.feeder.of(ObjectsListed)) - 1)


def test_stalled_stream_is_dropped_and_relisted(rig_factory,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("meshtui.kube.watch.STALL_SECONDS", 1.0, raising=False)
    rig = rig_factory(bookmark_interval=0.2)
    rig.store.create(trafficsplit("a", "test"))
    rig.start_watch()
    lists = lambda: [r for r in rig.server.requests  # noqa: E731 - a count re-read below
                     if r.method == "GET" and not r.query.get("watch")
                     and r.path.endswith("/trafficsplits")]
    listed_before = len(lists())
    rig.proxy.stall()
    rig.set_weight("a", 40)
    rig.store.create(trafficsplit("b", "test"))
    wait_for(lambda: len(lists()) > listed_before, timeout=10,
             message="the stalled stream to be dropped and the type re-listed")
    rig.proxy.unstall()
    wait_for(rig.consistent, timeout=10, message="the state to equal a direct list")
    assert rig.feeder.snapshot()[("trafficsplits", "test", "a")][1] == (60, 40)
    figures.record("watch_faults", stall_detected=True)


def test_stream_cut_mid_event_relists(rig_factory) -> None:
    rig = rig_factory(bookmark_interval=0.2)
    for name in ("a", "b"):
        rig.store.create(trafficsplit(name, "test"))
    rig.start_watch()
    rig.proxy.cut_when(lambda chunk: b'"MODIFIED"' in chunk and b'"name":"a"' in chunk)
    rig.set_weight("a", 25)
    wait_for(lambda: rig.proxy.cuts == 1, message="the stream to be cut mid-event")
    rig.store.create(trafficsplit("c", "test"))
    rig.store.delete(TS_V, "TrafficSplit", "test", "b")
    wait_for(lambda: len(rig.feeder.of(ObjectsListed)) >= 2, timeout=10, message="a re-list")
    wait_for(rig.consistent, timeout=10, message="the state to equal a direct list")
    snapshot = rig.feeder.snapshot()
    assert sorted(k[2] for k in snapshot) == ["a", "c"], "no lost or duplicated rows"
    assert snapshot[("trafficsplits", "test", "a")][1] == (75, 25)
    downs = rig.feeder.of(ConnectionChanged, connected=False)
    ups = rig.feeder.of(ConnectionChanged, connected=True)
    assert len(downs) == len(ups) <= 1, "a cut stream is at most one short, recovered outage"
    figures.record("watch_faults", cut_mid_event_relists=len(rig.feeder.of(ObjectsListed)) - 1)
