"""Filter keystroke to list redrawn, with thousands of rows in the navigator.

The rows come from the scale scenario's objects handed to the real app as one re-list
(`ObjectsListed`), the same event its watch threads send: seeding an emulator with 5,000 splits
and 15,000 services would cost the quick run a quarter of its minute, and the transport plays
no part in what a keystroke costs.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field, replace
from typing import Any

from bench.profiles import Profile
from bench.session import app_session
from bench.stats import Measure, at_most

TYPED = "app-01"
"""Typed then erased, one key at a time: each key narrows or widens the list."""


@dataclass
class _Cluster:
    context: str = "bench-in-memory"


@dataclass
class _Watch:
    resources: list[str]

    def stop(self, timeout: float = 3.0) -> bool:
        return True


@dataclass
class InMemoryMesh:
    """A `MeshClient` stand-in whose watch lists fixed objects once (no server, no threads)."""

    objects: dict[str, list[dict[str, Any]]]
    cluster: _Cluster = field(default_factory=_Cluster)

    def watch(self, namespace: str | None, sink: Any) -> _Watch:
        """Hand every resource's objects to `sink` as one re-list each."""
        from meshtui.kube.events import ObjectsListed

        for resource, objects in self.objects.items():
            sink(ObjectsListed(resource, objects, "1"))
        return _Watch(list(self.objects))


def split_objects(rows: int) -> dict[str, list[dict[str, Any]]]:
    """The split objects of a scale scenario with `rows` splits, by resource key."""
    from meshtui.kube.resources import SPLIT_KEYS, resource_type
    from meshtui.sim.scale import scale_scenario
    from meshtui.sim.scenario_objects import split_object

    scenario = scale_scenario(namespaces=20, services=3 * rows, splits=rows)
    by_key: dict[str, list[dict[str, Any]]] = {key: [] for key in SPLIT_KEYS}
    groups = {resource_type(key).group: key for key in SPLIT_KEYS}
    for spec in scenario.splits:
        obj = split_object(spec, scenario)
        by_key[groups[spec.api_version.split("/")[0]]].append(obj)
    return by_key


def keystrokes(count: int) -> list[str]:
    """Keys to press: type `TYPED`, erase it, again, until `count` keys."""
    cycle = [*TYPED, *(["backspace"] * len(TYPED))]
    return [cycle[i % len(cycle)] for i in range(count)]


async def _filter(profile: Profile) -> tuple[list[float], int]:
    mesh = InMemoryMesh(split_objects(profile.filter_rows))
    samples: list[float] = []
    async with app_session(mesh, None, expect=profile.filter_rows, live=False) as (app, pilot, probe):
        await pilot.press("slash")
        text = ""
        for key in keystrokes(profile.filter_samples):
            text = text[:-1] if key == "backspace" else text + key
            split_list = app.dashboard.split_list
            probe.arm(lambda text=text, split_list=split_list: split_list.filter == text)
            start = time.perf_counter()
            await pilot.press(key)
            shown = await probe.wait()
            if shown is not None:
                samples.append((shown - start) * 1000)
    return samples, probe.timeouts


def measure_filter(profile: Profile) -> Measure:
    """``filter_keystroke_ms``: key press to the first frame drawn with the new filter applied."""
    samples, timeouts = asyncio.run(_filter(profile))
    note = (f"{profile.filter_rows} rows, typing and erasing {TYPED!r}; rows handed to the real app "
            "as one re-list event (no emulator)")
    if timeouts:
        note += f"; {timeouts} keystrokes never reached the screen within 10 s"
    measure = Measure("filter_keystroke_ms", tuple(samples), "ms", "p95 <= 30", None, note)
    return replace(measure, met=at_most(measure.p95, 30.0) if not timeouts else False)
