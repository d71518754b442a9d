"""Fixtures of the simulated mesh: a started `SimulatedMesh` on loopback, stopped at teardown.

`sim_mesh` runs traffic in real time (a daemon thread); `sim_mesh_manual` does not, so a test
advances simulated time itself with ``mesh.traffic.step(dt)`` and gets deterministic counters.
Both use the default scenario and seed 1.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from meshtui.sim.mesh import SimulatedMesh


@pytest.fixture
def sim_mesh() -> Iterator[SimulatedMesh]:
    """A started default-scenario mesh (seed 1) with real-time traffic."""
    mesh = SimulatedMesh(scenario="default", seed=1, realtime=True)
    try:
        yield mesh
    finally:
        mesh.stop()


@pytest.fixture
def sim_mesh_manual() -> Iterator[SimulatedMesh]:
    """A started default-scenario mesh (seed 1) whose traffic only moves on ``traffic.step(dt)``."""
    mesh = SimulatedMesh(scenario="default", seed=1, realtime=False)
    try:
        yield mesh
    finally:
        mesh.stop()
