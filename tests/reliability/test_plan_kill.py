"""Scenario: ``meshtui rollout run`` killed with SIGKILL during plan steps on the default scenario.

The runner drives a plan on ``booksapp/authors-split`` (the default scenario, real-time traffic,
a real Prometheus scraping it) and is killed at seeded random points; a new runner takes over
after the lease expires. The plan must end once, every step done exactly once, the canary's
weight only ever rising. The runner kill test of `tests/rollout/test_runner.py` does the same on
its own scenario; its helpers (`history_steps`, `dump`) are reused here.
"""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from meshtui.model.plan_state import ANNOTATION, PlanState
from meshtui.model.split import parse_split
from meshtui.rollout.store import canary_percent
from meshtui.sim.mesh import SimulatedMesh
from tests.plugins.prometheus import require_prometheus
from tests.reliability import figures
from tests.reliability.support import ROOT
from tests.rollout.conftest import dump, history_steps, kill_runners, kill_seed, stop_world
from tests.waiting import wait_for

PLAN = """\
steps:
  - setWeight: 30
  - pause: {duration: 1s}
  - setWeight: 50
  - pause: {duration: 1s}
  - setWeight: 70
  - pause: {duration: 1s}
  - setWeight: 100
"""
ENDED = ("Succeeded", "RolledBack", "Paused")
KILL_ROUNDS = 5


class Authors:
    """The default scenario's authors-split in a running mesh, with its weight history."""

    def __init__(self, mesh: SimulatedMesh, prometheus_url: str, kubeconfig: Path) -> None:
        self.mesh, self.prometheus_url, self.kubeconfig = mesh, prometheus_url, kubeconfig
        self.weights = [25]
        self.runners: list[subprocess.Popen[str]] = []
        mesh.store.add_listener(self._record)

    def _record(self, event_type: str, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        if obj.get("kind") == "TrafficSplit" and meta.get("name") == "authors-split":
            percent = canary_percent(parse_split(obj), "authors-v2")
            if self.weights[-1] != percent:
                self.weights.append(percent)

    def state(self) -> PlanState | None:
        """The plan state annotated on the split, if any."""
        obj = self.mesh.store.get("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp",
                                  "authors-split")
        text = (obj["metadata"].get("annotations") or {}).get(ANNOTATION)
        return PlanState.from_annotation(text) if text else None

    def ended(self) -> PlanState | None:
        """The plan state once the plan has ended."""
        state = self.state()
        return state if state is not None and state.phase in ENDED else None

    def rollout(self, *args: str, wait: bool = True) -> subprocess.Popen[str]:
        """``python -m meshtui.rollout ARGS`` against the mesh (waited for unless `wait` is off)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "meshtui.rollout", *args, "--kubeconfig", str(self.kubeconfig)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
        self.runners.append(process)
        if wait:
            out, _ = process.communicate(timeout=60)
            assert process.returncode == 0, out
        return process

    def runner(self, identity: str) -> subprocess.Popen[str]:
        """Start a plan runner for booksapp with a one-second lease."""
        return self.rollout("run", "-n", "booksapp", "--identity", identity, "--prometheus-url",
                            self.prometheus_url, "--interval", "0.1", "--lease-duration", "1",
                            wait=False)


@pytest.fixture
def authors(tmp_path: Path) -> Iterator[Authors]:
    """The default scenario in real time, a real Prometheus scraping it, runners killed after."""
    from meshtui.sim.prometheus import PrometheusProcess

    binary = require_prometheus()
    mesh = SimulatedMesh("default", seed=3, controllers=False)
    prometheus = PrometheusProcess([mesh.metrics_target], scrape_interval="1s", binary=binary)
    env = Authors(mesh, "", mesh.write_kubeconfig(tmp_path / "kubeconfig"))
    try:
        prometheus.start()
        env.prometheus_url = prometheus.url
        yield env
    finally:
        stop_world(env.runners, prometheus, mesh)


@pytest.mark.heavy
def test_runner_killed_during_plan_steps_on_authors_split(authors: Authors, tmp_path: Path) -> None:
    """SIGKILL at seeded random points: the plan still ends once, each step done once."""
    seed = kill_seed()
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    authors.rollout("start", "-n", "booksapp", "ts/authors-split", "--plan", str(plan))
    kills = kill_runners(authors.runner, authors.ended, random.Random(seed), rounds=KILL_ROUNDS,
                         delay=(0.5, 2.5), state=authors.state)
    state = wait_for(authors.ended, timeout=45,
                     message=f"the plan to end after {kills} kills (seed {seed})")
    assert state.phase == "Succeeded", f"seed {seed}\n{dump(state)}"
    weights = authors.weights
    # The canary starts at 25%; every setWeight lands once, in order, none skipped or repeated.
    assert weights == [25, 30, 50, 70, 100], f"seed {seed}: {weights}"
    assert history_steps(state) == list(range(len(state.plan.steps))), f"seed {seed}"
    drivers = {h.by for h in state.history if h.kind == "step"}
    assert len(drivers) >= 2, f"seed {seed}: no kill interrupted the plan ({drivers})"
    figures.record("plan_kill", kills=kills, steps=len(state.plan.steps), phase=state.phase,
                   drivers=len(drivers), weights=weights, steps_repeated=0, seed=seed)
