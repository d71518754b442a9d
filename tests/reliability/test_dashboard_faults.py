"""Dashboard-level fault scenarios: the app itself, driven by a Pilot, while things break below it.

API server restarts under a running dashboard, Prometheus faults while keys are pressed, terminal
resizes while data streams in, and ``--read-only`` against every key of the app. Each records its
figures for docs/reliability.md.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable

import pytest

from meshtui.metrics.prometheus import PrometheusSource
from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.widgets.split_list import SplitList
from tests.metrics.stub_prometheus import StubPrometheus
from tests.reliability import figures
from tests.reliability.dashboard_support import (
    SlowMetrics,
    authors_percents,
    cursor_moves,
    make_writer_app,
    mesh,
    mesh_client,
    navigator_matches,
    set_authors_weights,
    slow_error,
)
from tests.ui.conftest import FailingMetrics, mutating_requests
from tests.ui.control_helpers import AUTHORS, SIZE, dialog, open_split, stored_weights
from tests.waiting import settle

RESTARTS = 20
RECOVERY_BOUND = 5.0
"""Seconds the dashboard may take to reconnect by itself once the server is back."""


async def _outage_write(pilot, app, screen) -> str:
    """`+`, `a`, `y` on authors-split while the server is down; return the failure note."""
    screen.control.notes.pop(AUTHORS, None)
    await pilot.press("plus", "a")
    await dialog(pilot, app)
    await pilot.press("y")
    note = await settle(pilot, lambda: screen.control.notes.get(AUTHORS), timeout=15,
                        message="the outage write's result")
    # Drop the pending weights so a later cycle starts from the live split.
    await pilot.press("escape")
    return note


@pytest.mark.heavy
async def test_api_server_restarts_under_the_dashboard(make_writer_app: Callable, mesh,
                                                       mesh_client) -> None:
    """20 stops and restarts on the same port: each shown, each recovered, the rows exact."""
    settings = Settings()
    app = make_writer_app(settings=settings, live=True)
    shown: list[float] = []
    recovered: list[float] = []
    failed_writes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        status = screen.status
        writes_before = len(mutating_requests(mesh))
        for cycle in range(RESTARTS):
            await settle(pilot, lambda: status.connection == "connected", message="connected")
            start = time.monotonic()
            await asyncio.to_thread(mesh.server.stop)
            await settle(pilot, lambda: status.connection != "connected",
                         timeout=2 * settings.refresh, message=f"outage {cycle} on the status bar")
            shown.append(time.monotonic() - start)
            if cycle % 3 == 0:
                set_authors_weights(mesh, 75 - cycle, 25 + cycle)
            if cycle % 5 == 2:
                weights = stored_weights(mesh, AUTHORS)
                failed_writes.append(await _outage_write(pilot, app, screen))
                assert stored_weights(mesh, AUTHORS) == weights
            await asyncio.to_thread(mesh.server.start)
            back = time.monotonic()
            await settle(pilot, lambda: status.connection == "connected", timeout=RECOVERY_BOUND,
                         message=f"recovery {cycle} on the status bar")
            recovered.append(time.monotonic() - back)
            await settle(pilot, lambda: navigator_matches(screen, mesh_client, mesh),
                         message=f"the navigator equal to the server after restart {cycle}")
        assert not isinstance(app.screen, ConfirmDialog)
        # A failed write is never replayed once the server is back.
        await settle(pilot, lambda: navigator_matches(screen, mesh_client, mesh), message="final")
        replayed = len(mutating_requests(mesh)) - writes_before
    assert len(failed_writes) == 4 and all(failed_writes), failed_writes
    assert replayed == 0, f"{replayed} write(s) sent after the outages"
    assert authors_percents(mesh)[1] == 25 + 18
    figures.record("dashboard_restarts", restarts=RESTARTS, recovered=len(recovered),
                   outage_shown_max_s=figures.summary(shown)["max_s"],
                   outage_shown_median_s=figures.summary(shown)["median_s"],
                   recovery_max_s=figures.summary(recovered)["max_s"],
                   recovery_median_s=figures.summary(recovered)["median_s"],
                   outage_writes_failed_visibly=len(failed_writes), outage_writes_replayed=replayed)


def _garbage_source() -> tuple[PrometheusSource, StubPrometheus]:
    """A real `PrometheusSource` against a stub answering 200 with a body that is not JSON."""
    stub = StubPrometheus(lambda path, query: (200, b"<html>not prometheus</html>")).start()
    return PrometheusSource(stub.url, timeout=1.0), stub


@pytest.mark.heavy
@pytest.mark.parametrize("fault", ["error", "slow", "garbage"])
async def test_prometheus_faults_keep_the_dashboard_responsive(make_writer_app: Callable, mesh,
                                                               fault: str) -> None:
    """The status bar says so, nothing is shown fresh, keys answer and a write still lands."""
    stub = None
    if fault == "error":
        source = FailingMetrics()
    elif fault == "slow":
        source = SlowMetrics(slow_error())
    else:
        source, stub = _garbage_source()
    settings = Settings(refresh=1.0)
    app = make_writer_app(source, settings, live=True)
    states: list[str] = []
    latencies: list[float] = []
    try:
        async with app.run_test(size=SIZE) as pilot:
            screen = await open_split(pilot, app, AUTHORS)
            status = screen.status
            await settle(pilot, lambda: status.metrics_state == "unavailable",
                         timeout=10, message="the metrics fault on the status bar")
            screen.split_list.focus()
            await pilot.pause()
            for press in range(20):
                latencies.append(await cursor_moves(pilot, screen, "j" if press % 2 == 0 else "k"))
                states.append(status.metrics_state)
                assert not screen.presenter.stale or status.metrics_state != "ok"
            screen.select_split(AUTHORS)
            await settle(pilot, lambda: screen.detail.query("WeightSlider"), message="slider")
            before = len(mutating_requests(mesh))
            await pilot.press("plus", "a")
            await dialog(pilot, app)
            await pilot.press("y")
            await settle(pilot, lambda: len(mutating_requests(mesh)) > before,
                         message="the PATCH of a write during the fault")
            states.append(status.metrics_state)
            detail_stale = screen.detail.has_class("-stale")
    finally:
        if stub is not None:
            stub.stop()
    assert "ok" not in states, states
    assert detail_stale or screen.presenter.metrics_state != "ok"
    assert [r.method for r in mutating_requests(mesh)[before:]] == ["PATCH"]
    assert max(latencies) < 2.0, f"keys stalled during the fault: {latencies}"
    figures.record("dashboard_metrics_faults", **{
        f"{fault}_key_latency_median_ms": round(1000 * statistics.median(latencies), 1),
        f"{fault}_key_latency_max_ms": round(1000 * max(latencies), 1),
        f"{fault}_presses": len(latencies),
        f"{fault}_states": sorted(set(states)),
        f"{fault}_write_landed": True,
    })


RESIZE_SIZES = [(140, 40), (80, 24), (200, 60), (60, 15), (120, 30), (100, 50), (40, 12),
                (160, 45), (90, 20), (140, 40)]
RESIZE_ROUNDS = 6
"""Rounds through `RESIZE_SIZES` (60 resizes), a watch event and a traffic step between each."""


@pytest.mark.heavy
async def test_resizes_while_data_streams_in(make_writer_app: Callable, mesh, mesh_client) -> None:
    """60 resizes with watch events and fresh metrics between them: no error, the rows exact."""
    app = make_writer_app(mesh.source(), Settings(refresh=0.5), live=True)
    resizes = 0
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        for round_number in range(RESIZE_ROUNDS):
            for index, (width, height) in enumerate(RESIZE_SIZES):
                mesh.traffic.step(1.0)
                if index % 3 == 0:
                    set_authors_weights(mesh, 70 - round_number - index, 30 + round_number + index)
                await pilot.resize_terminal(width, height)
                resizes += 1
                await pilot.pause()
        await pilot.resize_terminal(*SIZE)
        await settle(pilot, lambda: app.size == SIZE, message="the final size")
        await settle(pilot, lambda: navigator_matches(screen, mesh_client, mesh),
                     message="the navigator equal to the server after the resizes")
        screen.split_list.focus()
        latency = await cursor_moves(pilot, screen, "j")
        rows = len(screen.query_one(SplitList).rows)
        assert app.return_code is None and app._exception is None
    assert rows == 4
    figures.record("dashboard_resizes", resizes=resizes, watch_events=RESIZE_ROUNDS * 4,
                   rows_after=rows, key_after_ms=round(1000 * latency, 1))


def _every_key(write_keys_only: bool = False) -> list[str]:
    """Each key bound on the dashboard, the navigator and the app, except quit (pressed last).

    Args:
        write_keys_only: Only the weight, owner and plan keys (for the second and third split).
    """
    from meshtui.ui.app import MeshtuiApp
    from meshtui.ui.dashboard import CONTROL_BINDINGS, PLAN_BINDINGS, DashboardScreen

    keys: list[str] = []
    bindings = [*CONTROL_BINDINGS, *PLAN_BINDINGS] if write_keys_only else \
        [*DashboardScreen.BINDINGS, *SplitList.BINDINGS, *MeshtuiApp.BINDINGS]
    for binding in bindings:
        for key in binding.key.split(","):  # type: ignore[union-attr]
            if key.strip() and key.strip() != "q" and key.strip() not in keys:
                keys.append(key.strip())
    return keys


MODAL_KEYS = ["c", "f", "5", "0", "y", "enter"]
"""Pressed whenever a key opened something: the confirmation, its options, a percentage, OK."""


async def _back_to_dashboard(pilot, app, pressed: list[str]) -> None:
    """Escape (bounded) until the dashboard is on top and its navigator has focus."""
    for _ in range(6):
        if app.screen is app.dashboard and isinstance(app.focused, SplitList):
            return
        await pilot.press("escape")
        pressed.append("escape")
    app.dashboard.split_list.focus()
    await pilot.pause()


@pytest.mark.heavy
async def test_read_only_every_key_writes_nothing(make_writer_app: Callable, mesh) -> None:
    """Every binding on every kind of split, the confirmation keys and the palette: no write."""
    from tests.ui.control_helpers import BOOKS, PODINFO

    app = make_writer_app(mesh.source(), read_only=True)
    pressed: list[str] = []
    before = None
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        before = len(mutating_requests(mesh))
        assert screen.status.read_only
        for ref in (AUTHORS, BOOKS, PODINFO):
            for key in _every_key(write_keys_only=ref != AUTHORS):
                screen.select_split(ref)
                await pilot.pause()
                await pilot.press(key)
                pressed.append(key)
                if app.screen is not screen or not isinstance(app.focused, SplitList):
                    if key == "ctrl+p":
                        for typed in ("a", "p", "p", "l", "y", "enter"):
                            await pilot.press(typed)
                            pressed.append(typed)
                    for typed in MODAL_KEYS:
                        await pilot.press(typed)
                        pressed.append(typed)
                await _back_to_dashboard(pilot, app, pressed)
        await pilot.press("q")
        pressed.append("q")
        await settle(pilot, lambda: app.return_code is not None or not app.is_running,
                     message="q to quit")
    writes = mutating_requests(mesh)[before:]
    assert writes == [], [(r.method, r.path) for r in writes]
    figures.record("dashboard_read_only", keys_pressed=len(pressed),
                   distinct_keys=len(set(pressed)), splits=3, mutating_requests=len(writes))
