"""A metrics refresh of thousands of services to the services view redrawn.

The services, their pods and namespaces come from the scale scenario's objects handed to the
real app as one re-list each (as `measures.filter` does: the transport plays no part in what a
refresh costs). The metrics source answers at once from memory with new figures for a tenth of
the services at each call, the share a live mesh changes between two refreshes; so the time is
the app's own: rows rebuilt from the model and the snapshot, and the changed ones redrawn.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bench.measures.filter import InMemoryMesh
from bench.probe import wait_until
from bench.profiles import Profile
from bench.session import app_session
from bench.stats import Measure, at_most

CHANGED_SHARE = 10
"""One service in this many gets new figures at each refresh."""

_KEYS = {"Namespace": "namespaces", "Service": "services", "Pod": "pods", "Deployment": "deployments"}


def service_objects(services: int) -> dict[str, list[dict[str, Any]]]:
    """Namespaces, Services, Pods and Deployments of a scale scenario with `services` services
    and no split (every service is a row of the view)."""
    from meshtui.sim.scale import scale_scenario
    from meshtui.sim.scenario_objects import scenario_objects

    by_key: dict[str, list[dict[str, Any]]] = {key: [] for key in _KEYS.values()}
    for obj in scenario_objects(scale_scenario(namespaces=20, services=services, splits=0)):
        key = _KEYS.get(obj.get("kind", ""))
        if key is not None:
            by_key[key].append(obj)
    return by_key


class ChangingSource:
    """A metrics source answering from memory, a tenth of the figures new at each call."""

    name = "bench in-memory"

    def __init__(self) -> None:
        self.calls = 0
        self.answers: list[tuple[float, Any]] = []
        """(time fetch returned, snapshot) of every call."""

    def fetch(self, targets: Sequence[Any], window: str) -> Any:
        from meshtui.model.signals import GoldenSignals, MetricsSnapshot

        self.calls += 1
        signals = {}
        for index, target in enumerate(targets):
            bump = self.calls if index % CHANGED_SHARE == self.calls % CHANGED_SHARE else 0
            signals[target.key] = GoldenSignals(0.999, 5.0 + index % 7 + bump / 100, 3.0, 9.0, 20.0)
        snapshot = MetricsSnapshot(taken_at=time.time(), signals=signals, source=self.name)
        self.answers.append((time.perf_counter(), snapshot))
        return snapshot

    def history(self, targets: Sequence[Any], window: str, step: float) -> dict[Any, list[Any]]:
        return {}


async def _refreshes(profile: Profile) -> tuple[list[float], int, int]:
    objects = service_objects(profile.filter_rows)
    mesh = InMemoryMesh(objects)
    source = ChangingSource()
    samples: list[float] = []
    async with app_session(mesh, source, expect=0, refresh=3600) as (app, _pilot, probe):
        screen = app.dashboard
        pipeline = screen.pipeline
        await wait_until(lambda: len(screen.state.meshed_services()) >= profile.filter_rows,
                         message="services listed")
        screen.services.show("services")
        table = screen.services.pane.table
        await wait_until(lambda: pipeline.idle and len(table.rows) >= profile.filter_rows
                         and any(row.rps for row in table.rows), message="services with figures")
        for _ in range(profile.refresh_samples):
            answers = len(source.answers)
            probe.arm(lambda answers=answers: len(source.answers) > answers
                      and pipeline.snapshot is source.answers[answers][1] and table.redrawn_rows >= 0)
            pipeline.fetch_metrics()
            shown = await probe.wait()
            if shown is not None:
                samples.append((shown - source.answers[answers][0]) * 1000)
            await wait_until(lambda: pipeline.idle, message="fetch finished")
        return samples, probe.timeouts, len(pipeline.targets)


def measure_services_refresh(profile: Profile) -> Measure:
    """``services_refresh_to_screen_ms``: a metrics answer for every service in the services
    view to the first frame drawn with it."""
    samples, timeouts, targets = asyncio.run(_refreshes(profile))
    note = (f"{targets} services in the services view (:svc), a tenth with new figures per refresh; "
            "objects handed to the real app as one re-list each (no emulator), metrics from memory; "
            "from fetch() returning to the first frame drawn with that snapshot")
    if timeouts:
        note += f"; {timeouts} refreshes never reached the screen within 10 s"
    measure = Measure("services_refresh_to_screen_ms", tuple(samples), "ms", "p95 <= 100", None, note)
    return replace(measure, met=at_most(measure.p95, 100.0) if not timeouts else False)
