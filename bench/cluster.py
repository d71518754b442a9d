"""The clusters a run measures: the scale scenario on the emulator, and small meshes for metrics."""

from __future__ import annotations

import dataclasses
import math
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from meshtui.sim.mesh import SimulatedMesh
from meshtui.sim.scale import scale_scenario
from meshtui.sim.scenario import Scenario


def scenario_with_backends(backends: int, seed: int = 1) -> Scenario:
    """A scale scenario whose splits have `backends` backends in all (odd counts: one has one)."""
    splits = max(1, math.ceil(backends / 2))
    scenario = scale_scenario(namespaces=min(20, splits), services=3 * splits, splits=splits, seed=seed)
    if backends % 2:
        last = scenario.splits[-1]
        trimmed = dataclasses.replace(last, backends=last.backends[:1])
        scenario = dataclasses.replace(scenario, splits=(*scenario.splits[:-1], trimmed))
    return scenario


class WriteTimes:
    """The writes an emulator applied, as (perf_counter time, method, path), shared by threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.writes: list[tuple[float, str, str]] = []
        """(perf_counter time, method, path) of each write."""

    def _add(self, at: float, method: str, path: str) -> None:
        with self._lock:
            self.writes.append((at, method, path))

    def since(self, index: int) -> list[tuple[float, str, str]]:
        """Writes logged after the first `index` ones."""
        with self._lock:
            return self.writes[index:]

    def __len__(self) -> int:
        with self._lock:
            return len(self.writes)


def stop_child(proc: Any, timeout: float) -> None:
    """End a child that serves until its stdin closes: close it, wait, kill past `timeout`."""
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout)


class WriteLog(WriteTimes):
    """Timestamps of the write requests an emulator logged (PATCH/PUT/POST), by monotonic clock.

    It wraps the server's ``record`` on the instance: the emulator logs a request once it has
    applied it and before the client sees the answer, so this is when a write lands.
    """

    def __init__(self, mesh: SimulatedMesh) -> None:
        super().__init__()
        self._server = mesh.server
        self._inner = mesh.server.record
        self._server.record = self._record  # type: ignore[method-assign]

    def _record(self, request: Any) -> None:
        now = time.perf_counter()
        if request.method in ("PATCH", "PUT", "POST"):
            self._add(now, request.method, request.path)
        self._inner(request)

    def close(self) -> None:
        """Stop recording."""
        self._server.record = self._inner  # type: ignore[method-assign]


@contextmanager
def started_mesh(scenario: Scenario, workdir: Path, name: str, *,
                 realtime: bool = False) -> Iterator[tuple[SimulatedMesh, Path]]:
    """A started mesh for `scenario` and its kubeconfig; stopped on exit."""
    mesh = SimulatedMesh(scenario, seed=1, realtime=realtime)
    try:
        yield mesh, mesh.write_kubeconfig(workdir / f"{name}.kubeconfig")
    finally:
        mesh.stop()
