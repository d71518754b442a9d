"""Scenario 1: the API server stops and restarts on the same port 20 times during one watch run.

Each outage must be reported, recovery must come by itself within 5 s of the server's return,
and the `MeshState` fed by the watch must then equal a direct list (splits and resourceVersions).
A write attempted during an outage fails with an exception and is never replayed later; writes
racing with a stop either land or fail visibly.
"""

from __future__ import annotations

import threading
import time

import pytest

from meshtui.kube.errors import KubeError
from meshtui.kube.events import ConnectionChanged
from meshtui.model.split import parse_split
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.support import StateFeeder, server_snapshot
from tests.waiting import wait_for

RESTARTS = 20
RECOVERY_BOUND = 5.0
TS_V = "split.smi-spec.io/v1alpha2"


def _stored_weights(env, name: str) -> tuple[str, list]:
    obj = env.apiserver.store.get(TS_V, "TrafficSplit", "test", name)
    return obj["metadata"]["resourceVersion"], [b["weight"] for b in obj["spec"]["backends"]]


class _Writer(threading.Thread):
    """Writes weights in a loop until told to stop, keeping every outcome."""

    def __init__(self, env, name: str) -> None:
        super().__init__(daemon=True)
        self.env, self.name_ = env, name
        self.halt = threading.Event()
        self.outcomes: list[tuple[int, str]] = []

    def run(self) -> None:
        for attempt in range(10_000):
            if self.halt.is_set():
                return
            canary = attempt % 100
            try:
                split = parse_split(self.env.client.get("trafficsplits", "test", self.name_))
                self.env.writer.set_weights(split, [100 - canary, canary])
                self.outcomes.append((canary, "ok"))
            except KubeError as exc:
                self.outcomes.append((canary, type(exc).__name__))
                self.halt.wait(0.02)


@pytest.mark.heavy
def test_twenty_restarts_during_one_watch(env) -> None:
    store, server = env.apiserver.store, env.apiserver.server
    store.create(trafficsplit("steady", "test", weights=(90, 10)))
    store.create(trafficsplit("busy", "test", weights=(50, 50)))
    feeder = StateFeeder()
    resources = ["trafficsplits"]
    watch = env.client.watch("test", feeder, resources)
    recoveries: list[float] = []
    outage_writes_refused = 0
    racing_outcomes: list[tuple[int, str]] = []
    try:
        wait_for(lambda: feeder.snapshot() == server_snapshot(env.client, "test"),
                 message="the first list")
        for round_ in range(RESTARTS):
            mid_write = round_ % 2 == 1
            writer = _Writer(env, "busy") if mid_write else None
            if writer is not None:
                writer.start()
                wait_for(lambda w=writer: len(w.outcomes) >= 3, message="writes in flight")
            downs = len(feeder.of(ConnectionChanged, connected=False))
            server.stop()
            if writer is not None:
                writer.halt.set()
                writer.join(10)
                assert not writer.is_alive()
                racing_outcomes += writer.outcomes
            wait_for(lambda d=downs: len(feeder.of(ConnectionChanged, connected=False)) > d,
                     message=f"the outage report of restart {round_ + 1}")
            assert feeder.connection("trafficsplits") is False

            # A write during the outage: it must raise, and never be replayed later.
            split = feeder.state.split(parse_split(store.get(TS_V, "TrafficSplit", "test",
                                                             "steady")).ref)
            before = _stored_weights(env, "steady")
            with pytest.raises(KubeError) as refused:
                env.writer.set_weights(split, [0, 100])
            assert "\n" not in refused.value.message
            outage_writes_refused += 1
            # The store changes behind the watch's back, so recovery must re-list to be right.
            store.patch(TS_V, "TrafficSplit", "test", "busy",
                        {"spec": {"backends": [{"service": "podinfo-primary", "weight": round_},
                                               {"service": "podinfo-canary",
                                                "weight": 100 - round_}]}},
                        "merge")

            ups = len(feeder.of(ConnectionChanged, connected=True))
            server.start()
            back = time.monotonic()
            wait_for(lambda u=ups: len(feeder.of(ConnectionChanged, connected=True)) > u,
                     timeout=RECOVERY_BOUND + 5, message=f"recovery after restart {round_ + 1}")
            wait_for(lambda: feeder.snapshot() == server_snapshot(env.client, "test"),
                     timeout=RECOVERY_BOUND, message="the state to match a direct list")
            recoveries.append(time.monotonic() - back)
            assert _stored_weights(env, "steady") == before, "an outage write was replayed"
    finally:
        watch.stop()
    assert len(feeder.of(ConnectionChanged, connected=False)) == RESTARTS
    assert len(feeder.of(ConnectionChanged, connected=True)) == RESTARTS
    assert max(recoveries) <= RECOVERY_BOUND, recoveries
    assert {result for _, result in racing_outcomes} <= {"ok", "Unreachable", "KubeError",
                                                         "Conflict"}
    stats = figures.summary(recoveries)
    figures.record("restarts", restarts=RESTARTS, survived=len(recoveries),
                   recovery_max_s=stats["max_s"], recovery_median_s=stats["median_s"],
                   outage_writes_refused=outage_writes_refused,
                   outage_writes_replayed=0,
                   racing_writes=len(racing_outcomes),
                   racing_writes_ok=sum(1 for _, r in racing_outcomes if r == "ok"),
                   racing_writes_failed_visibly=sum(1 for _, r in racing_outcomes if r != "ok"))
