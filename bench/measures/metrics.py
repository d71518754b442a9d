"""Metrics: PromQL queries per refresh at several sizes, and a metrics answer to the screen.

A real Prometheus scrapes a small mesh (the scale scenario's ``/metrics`` page is ~74 MB at
1,000 splits). The query count does not depend on which backends have data, so each size runs
the app over its own small emulator and asks the same Prometheus.
"""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from bench.cluster import scenario_with_backends, started_mesh
from bench.probe import wait_until
from bench.profiles import Profile
from bench.session import app_session
from bench.stats import Measure, at_most


class TimedSource:
    """Wraps a `PrometheusSource`, noting when each `fetch` answer came back and what it was."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.name = inner.name
        self.answers: list[tuple[float, Any]] = []
        self.calls: list[tuple[str, float, int]] = []
        """(``fetch`` or ``history``, start time, queries it made), in order of completion."""
        # One call at a time, so each call's query count is its own.
        self._lock = threading.Lock()

    @property
    def queries_made(self) -> int:
        """Queries the wrapped source has sent."""
        return int(self.inner.queries_made)

    def fetch(self, targets: Any, window: str) -> Any:
        """Fetch, then note the time the answer arrived."""
        with self._lock:
            start, before = time.perf_counter(), self.queries_made
            snapshot = self.inner.fetch(targets, window)
            self.answers.append((time.perf_counter(), snapshot))
            self.calls.append(("fetch", start, self.queries_made - before))
        return snapshot

    def history(self, targets: Any, window: str, step: float) -> Any:
        """History, with its query count noted."""
        with self._lock:
            start, before = time.perf_counter(), self.queries_made
            series = self.inner.history(targets, window, step)
            self.calls.append(("history", start, self.queries_made - before))
        return series

    def first_calls_since(self, since: float) -> dict[str, int]:
        """Queries of the first fetch and the first history call started after `since`."""
        found: dict[str, int] = {}
        for kind, start, queries in self.calls:
            if start >= since and kind not in found:
                found[kind] = queries
        return found


def _client(kubeconfig: Path) -> Any:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster

    return MeshClient(load_cluster(str(kubeconfig), None))


async def _queries_at(client: Any, source: TimedSource, splits: int) -> tuple[int, int]:
    """(targets fetched, queries made) by one manual refresh once the app is idle."""
    async with app_session(client, source, expect=splits, refresh=3600) as (app, pilot, _probe):
        pipeline = app.dashboard.pipeline
        await wait_until(lambda: pipeline.snapshot is not None and pipeline.idle, message="first fetch")
        await wait_until(lambda: app.dashboard.selected is not None, message="a split selected")
        # A TrafficSplit's history skips the route family's query: the same kind at every size.
        screen = app.dashboard
        first = min((s.ref for s in screen.state.splits() if s.ref.kind == "TrafficSplit"),
                    key=lambda ref: (ref.namespace, ref.name), default=None)
        if first is not None:
            screen.select_split(first)
            await wait_until(lambda: (current := screen.current_split()) is not None
                             and current.ref == first, message=f"{first} selected")
            await wait_until(lambda: pipeline.idle, message="its history fetched")
        # The coverage query is skipped once a window is found covered (and whether it is depends
        # on the data, not the size): forget that, so every size counts a refresh that asks all.
        getattr(source.inner, "_covered_at", {}).clear()
        pressed = time.perf_counter()
        await pilot.press("r")
        calls = await wait_until(lambda: len(source.first_calls_since(pressed)) == 2 and
                                 source.first_calls_since(pressed), message="refresh")
        return len(pipeline.targets), calls["fetch"] + calls["history"]


def measure_queries(profile: Profile, prometheus_url: str, workdir: Path) -> Measure:
    """``queries_per_refresh``: PromQL queries of one refresh (signals and history) per size."""
    from meshtui.metrics.prometheus import PrometheusSource

    by_size: dict[str, int] = {}
    for size in profile.query_sizes:
        scenario = scenario_with_backends(size)
        with started_mesh(scenario, workdir, f"q{size}") as (_mesh, kubeconfig):
            client = _client(kubeconfig)
            source = TimedSource(PrometheusSource(prometheus_url))
            try:
                targets, queries = asyncio.run(_queries_at(client, source, len(scenario.splits)))
            finally:
                client.cluster.close()
        by_size[str(targets)] = queries
    counts = list(by_size.values())
    return Measure("queries_per_refresh", tuple(float(c) for c in counts), "queries",
                   "the same at every size", len(set(counts)) == 1 and len(counts) == len(profile.query_sizes),
                   note="one refresh ('r'): the signals fetch of every backend in view plus the "
                        "selected TrafficSplit's history, keyed by backends in view; each size on its own "
                        "emulator; the window-coverage query counted (it is skipped once the window "
                        "is found covered, one query fewer)", by_size=by_size)


async def _refreshes(client: Any, source: TimedSource, profile: Profile, splits: int) -> tuple[list[float], int]:
    samples: list[float] = []
    async with app_session(client, source, expect=splits, refresh=3600) as (app, _pilot, probe):
        pipeline = app.dashboard.pipeline
        await wait_until(lambda: pipeline.snapshot is not None and pipeline.idle, message="first fetch")
        for _ in range(profile.refresh_samples):
            answers = len(source.answers)
            probe.arm(lambda answers=answers: len(source.answers) > answers
                      and pipeline.snapshot is source.answers[answers][1])
            pipeline.fetch_metrics()
            shown = await probe.wait()
            if shown is not None:
                samples.append((shown - source.answers[answers][0]) * 1000)
            await wait_until(lambda: pipeline.idle, message="fetch finished")
    return samples, probe.timeouts


def measure_refresh(profile: Profile, mesh_kubeconfig: Path, prometheus_url: str, splits: int) -> Measure:
    """``refresh_to_screen_ms``: a metrics answer returned to the first frame drawn with it."""
    from meshtui.metrics.prometheus import PrometheusSource

    client = _client(mesh_kubeconfig)
    source = TimedSource(PrometheusSource(prometheus_url))
    try:
        samples, timeouts = asyncio.run(_refreshes(client, source, profile, splits))
    finally:
        client.cluster.close()
    note = (f"{2 * splits} backends in view, real Prometheus scraping them; from fetch() returning "
            "to the first frame drawn with that snapshot")
    if timeouts:
        note += f"; {timeouts} refreshes never reached the screen within 10 s"
    measure = Measure("refresh_to_screen_ms", tuple(samples), "ms", "p95 <= 100", None, note)
    return replace(measure, met=at_most(measure.p95, 100.0) if not timeouts else False)
