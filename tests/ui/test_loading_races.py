"""Keys racing the first load: owner actions before the Rollout list, stale cursor highlights."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from meshtui.kube.audit import AuditLog
from meshtui.kube.config import load_cluster
from meshtui.kube.writer import ClusterWriter
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import AUTHORS, BOOKS, SIZE, dialog, open_split
from tests.waiting import settle


class HeldRollouts:
    """A `MeshClient` whose Rollout events are held back until `release()` (a slow list)."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.held: list[Any] = []
        self.sink: Callable[[Any], None] | None = None
        self.lock = threading.Lock()
        self.released = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def watch(self, namespace: str | None, sink: Callable[[Any], None], **kwargs: Any) -> Any:
        """Watch through the real client, keeping Rollout events aside."""
        self.sink = sink

        def holding(event: Any) -> None:
            with self.lock:
                if not self.released and getattr(event, "resource", "") == "rollouts":
                    self.held.append(event)
                    return
            sink(event)

        return self.inner.watch(namespace, holding, **kwargs)

    def release(self) -> None:
        """Deliver the held events and stop holding."""
        with self.lock:
            self.released = True
            held, self.held = self.held, []
        for event in held:
            assert self.sink is not None
            self.sink(event)


async def test_abort_before_rollouts_listed_says_why(mesh, mesh_client, tmp_path) -> None:
    """`A` on the Argo-owned split while Rollouts are loading warns and writes nothing (without
    the guard the split looks unowned and abort would write its weights directly); once the list
    is in, the same key opens the Argo confirmation."""
    client = HeldRollouts(mesh_client)
    cluster = load_cluster(str(mesh.write_kubeconfig(tmp_path / "writer.kubeconfig")), None)
    writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log"))
    app = MeshtuiApp(client, None, Settings(), writer=writer, clock=lambda: mesh.traffic.now,
                     live=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                         and len(app.screen.query_one(SplitList).rows) == 4
                         and app.screen.initial_load_done and client.held, message="4 rows",
                         timeout=20)
            screen = app.dashboard
            screen.select_split(BOOKS)
            await settle(pilot, lambda: screen.current_split() is not None, message="books shown")
            await pilot.press("A")
            await settle(pilot, lambda: any("still loading rollouts" in n.message
                                            for n in app.said), message="the reason")
            assert not isinstance(app.screen, ConfirmDialog)
            assert not mutating_requests(mesh)
            client.release()
            await settle(pilot, lambda: screen.pipeline.all_listed(screen.state),
                         message="every list")
            await pilot.press("A")
            confirm = await dialog(pilot, app)
            assert any("abort" in line for line in confirm.confirmation.lines)
            await pilot.press("n")
    finally:
        cluster.close()
    assert not mutating_requests(mesh)


async def test_stale_highlight_does_not_take_the_selection_back(make_control_app: Callable) -> None:
    """A cursor highlight posted before `select_split` (the initial placement still queued on a
    busy machine) leaves the chosen split shown; a later one moves the detail as usual."""
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        other = next(row.ref for row in screen.split_list.rows if row.ref not in (AUTHORS, BOOKS))
        seen: list[Any] = []
        screen.watch(screen, "selected", lambda ref: seen.append(ref), init=False)
        stale = SplitList.SplitHighlighted(screen.split_list, AUTHORS)
        screen.select_split(BOOKS)
        screen.split_list.post_message(stale)
        # Handled in order: once the fresh one is followed, the stale one was handled before it.
        screen.split_list.post_message(SplitList.SplitHighlighted(screen.split_list, other))
        await settle(pilot, lambda: screen.selected == other, message="the fresh highlight followed")
        assert seen == [BOOKS, other]


async def test_an_app_that_owns_its_process_freezes_what_the_first_lists_loaded(
        mesh, mesh_client, monkeypatch) -> None:
    """`meshtui` (owns_process) freezes once, after the first lists; a hosted app never does."""
    import gc

    frozen: list[int] = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append(1))
    for owns_process, expected in ((False, []), (True, [1])):
        frozen.clear()
        app = MeshtuiApp(mesh_client, None, Settings(), live=False, owns_process=owns_process)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda app=app: isinstance(app.screen, DashboardScreen)
                         and app.screen.initial_load_done, message="the first lists", timeout=20)
            await pilot.pause()
            assert frozen == expected, owns_process


async def test_an_app_that_owns_its_process_paces_the_collector_and_gives_it_back(
        mesh, mesh_client, monkeypatch) -> None:
    """After the first lists `meshtui` turns automatic collection off and collects on its timer
    (no collection lands in a worker mid-keystroke); on exit collection is Python's again. A
    hosted app leaves the collector alone."""
    import gc

    monkeypatch.setattr(gc, "freeze", lambda: None)  # the test process's objects stay collectable
    collected: list[int] = []
    real_collect = gc.collect
    monkeypatch.setattr(gc, "collect", lambda generation=2: collected.append(generation)
                        or real_collect(generation))
    assert gc.isenabled()
    for owns_process in (False, True):
        app = MeshtuiApp(mesh_client, None, Settings(), live=False, owns_process=owns_process)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda app=app: isinstance(app.screen, DashboardScreen)
                         and app.screen.initial_load_done, message="the first lists", timeout=20)
            await pilot.pause()
            assert gc.isenabled() is not owns_process
            assert app.collector.active is owns_process
            if owns_process:
                await settle(pilot, lambda: collected, message="a paced collection", timeout=5)
                assert collected[0] == 1, "the young generations, not a full collection"
        assert gc.isenabled(), "collection handed back when the app ends"
        assert not app.collector.active
