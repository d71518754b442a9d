"""The watch-event inbox and the weight-change log, without an app."""

from __future__ import annotations

import threading

from meshtui.kube.events import ConnectionChanged, ObjectChanged, ObjectsListed
from meshtui.model.mesh import MeshState
from meshtui.model.split import parse_split
from meshtui.ui.feed import EventFeed, apply_events
from meshtui.ui.messages import MeshEventsReceived
from meshtui.ui.weight_log import WeightLog


class Inbox:
    def __init__(self) -> None:
        self.messages: list[object] = []

    def post_message(self, message: object) -> bool:
        self.messages.append(message)
        return True


def route(weights: tuple[int, int]) -> dict:
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
            "metadata": {"name": "web", "namespace": "shop", "resourceVersion": str(sum(weights))},
            "spec": {"service": "web", "backends": [{"service": "web", "weight": weights[0]},
                                                    {"service": "web-canary", "weight": weights[1]}]}}


def test_a_burst_from_many_threads_posts_one_message() -> None:
    """Thousands of events from several threads cost one notice until drained."""
    inbox = Inbox()
    feed = EventFeed(inbox)
    threads = [threading.Thread(target=lambda: [feed.put(i) for i in range(1000)]) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(inbox.messages) == 1 and isinstance(inbox.messages[0], MeshEventsReceived)
    assert len(feed.drain()) == 4000
    feed.put("next")
    assert len(inbox.messages) == 2, "the first event after a drain notifies again"
    feed.close()
    feed.put("late")
    assert feed.drain() == ["next"]


def test_notices_replace_each_other() -> None:
    """A pending notice absorbs the next one."""
    assert MeshEventsReceived().can_replace(MeshEventsReceived())


def test_events_apply_in_order() -> None:
    """List, change, delete and connection events land in the state and the connection table."""
    state = MeshState()
    connections: dict[str, tuple[bool, str | None]] = {}
    apply_events(state, connections, [
        ObjectsListed("trafficsplits", (route((90, 10)),), "1"),
        ObjectChanged("trafficsplits", "MODIFIED", route((50, 50))),
        ConnectionChanged("httproutes.gateway.networking.k8s.io", False, "connection refused"),
    ])
    [split] = state.splits()
    assert [b.percent for b in split.backends] == [50.0, 50.0]
    assert connections == {"trafficsplits": (True, None),
                           "httproutes.gateway.networking.k8s.io": (False, "connection refused")}
    apply_events(state, connections, [ObjectChanged("trafficsplits", "DELETED", route((50, 50)))])
    assert state.splits() == []


def test_weight_log_marks_changes_only() -> None:
    """A split seen for the first time is no change; new weights are; the same weights are not."""
    log = WeightLog()
    first = parse_split(route((90, 10)))
    log.observe([first], 100.0)
    log.observe([first], 101.0)
    assert log.changes == {}
    log.observe([parse_split(route((80, 20)))], 102.0)
    assert log.changes == {first.ref: [102.0]}
