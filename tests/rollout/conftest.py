"""Fixtures of the rollout tests: a simulated mesh of unowned splits, a real Prometheus
scraping it, and helpers to run ``python -m meshtui.rollout`` (CLI and runner) as subprocesses.

One mesh and one Prometheus serve the whole module; every test uses its own namespace of
`scenario.yaml`, so tests do not see each other's plans.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from meshtui.model.plan_state import ANNOTATION, PlanState
from meshtui.model.split import parse_split
from meshtui.cli.rollout import main
from meshtui.rollout.store import canary_percent
from meshtui.sim.mesh import SimulatedMesh
from tests.plugins.prometheus import require_prometheus
from tests.waiting import wait_for

SCENARIO = Path(__file__).with_name("scenario.yaml")
HTTPROUTE_NAMESPACES = ("race",)


@dataclass
class PlanMesh:
    """The mesh, its Prometheus and helpers to drive plans on ``<namespace>/web``."""

    mesh: SimulatedMesh
    prometheus: Any
    kubeconfig: Path
    workdir: Path
    runners: list[subprocess.Popen[str]] = field(default_factory=list)
    weights: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def object(self, namespace: str) -> dict[str, Any]:
        """The split ``web`` of a namespace as stored."""
        if namespace in HTTPROUTE_NAMESPACES:
            return self.mesh.store.get("gateway.networking.k8s.io/v1", "HTTPRoute", namespace, "web")
        return self.mesh.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", namespace, "web")

    def state(self, namespace: str) -> PlanState | None:
        """The plan state on the split, if any."""
        text = (self.object(namespace)["metadata"].get("annotations") or {}).get(ANNOTATION)
        return PlanState.from_annotation(text) if text else None

    def canary(self, namespace: str) -> int:
        """The canary's percentage now."""
        return canary_percent(parse_split(self.object(namespace)), "web-canary")

    def plan_file(self, name: str, text: str) -> Path:
        """Write a plan file."""
        path = self.workdir / f"{name}.yaml"
        path.write_text(text)
        return path

    def cli(self, *args: str, check: bool = True,
            subprocess_: bool = False) -> subprocess.CompletedProcess[str]:
        """Run ``meshtui rollout ARGS`` against the mesh: in this process (real HTTP all the
        same, and faster), or as ``python -m meshtui.rollout`` with `subprocess_`."""
        argv = [*args, "--kubeconfig", str(self.kubeconfig)]
        if subprocess_:
            result = subprocess.run([sys.executable, "-m", "meshtui.rollout", *argv],
                                    capture_output=True, text=True, timeout=60, check=False)
        else:
            out, err = io.StringIO(), io.StringIO()
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main(argv)
            result = subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
        if check and result.returncode != 0:
            raise AssertionError(f"rollout {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
        return result

    def runner(self, namespace: str, identity: str, *extra: str,
               prometheus_url: str | None = None) -> subprocess.Popen[str]:
        """Start ``meshtui rollout run -n NAMESPACE`` as a subprocess (killed at teardown)."""
        process = subprocess.Popen(
            [sys.executable, "-m", "meshtui.rollout", "run", "-n", namespace,
             "--kubeconfig", str(self.kubeconfig), "--identity", identity,
             "--prometheus-url", prometheus_url or self.prometheus.url,
             "--interval", "0.1", "--lease-duration", "2", *extra],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.runners.append(process)
        return process

    def _record(self, event_type: str, obj: dict[str, Any]) -> None:
        meta = obj.get("metadata") or {}
        if meta.get("name") != "web" or obj.get("kind") not in ("TrafficSplit", "HTTPRoute"):
            return
        percent = canary_percent(parse_split(obj), "web-canary")
        with self.lock:
            seen = self.weights.setdefault(meta.get("namespace", ""), [0])
            if seen[-1] != percent:
                seen.append(percent)

    def weight_history(self, namespace: str) -> list[int]:
        """Every canary percentage the split went through, in order (from the store's events).

        The store hands events to listeners after a write's lock is released, so a read that has
        just seen the last write can run before its event is recorded: wait (bounded) until the
        record has caught up with the split as it is now.
        """
        def caught_up() -> list[int] | None:
            with self.lock:
                seen = list(self.weights.get(namespace, [0]))
            return seen if seen[-1] == self.canary(namespace) else None

        return wait_for(caught_up, timeout=10, message=f"the weight record of {namespace} to catch up")


def kill_seed() -> int:
    """The seed of the SIGKILL points, printed so a failing run can be replayed.

    Fixed unless `MESHTUI_KILL_SEED` names one (`random` draws a new one): CI judges the same kill
    points on every run of a commit, as it does the derandomized Hypothesis examples.
    """
    chosen = os.environ.get("MESHTUI_KILL_SEED") or "228022337"
    seed = random.randrange(1 << 30) if chosen == "random" else int(chosen)
    print(f"SIGKILL seed: {seed} (rerun with MESHTUI_KILL_SEED={seed})")
    return seed


def stop_world(runners: list[subprocess.Popen], prometheus: Any, mesh: Any) -> None:
    """Kill the runner processes still alive, then stop Prometheus and the mesh."""
    for process in runners:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
    prometheus.stop()
    mesh.stop()


ACT_TIMEOUT = 30.0
"""Bound on waiting for a runner about to be killed to act at all."""


def kill_runners(start: Callable[[str], subprocess.Popen], ended: Callable[[], Any],
                 rng: random.Random, *, rounds: int, delay: tuple[float, float],
                 state: Callable[[], PlanState | None]) -> int:
    """Start runners and SIGKILL each at a random point until the plan ends or `rounds` pass;
    then leave one runner to finish it. Returns the number of kills.

    The random point counts from the runner's first entry in the plan's history: counted from its
    start, a runner slow to start (a loaded machine) was killed before it did anything, and no
    kill interrupted the plan at all.
    """
    kills = 0
    for round_number in range(rounds):
        name = f"runner-kill-{round_number}"
        process = start(name)

        def acted(name: str = name) -> bool:
            current = state()
            return ended() is not None or (
                current is not None and any(h.by == name for h in current.history))

        try:
            # Not timed assertions: a runner that never acts is killed all the same, and the
            # plan ending before the kill point just ends the loop.
            wait_for(acted, timeout=ACT_TIMEOUT, message=f"{name} to act")
            wait_for(ended, timeout=rng.uniform(*delay), message="the plan to end before the kill")
            done = True
        except AssertionError:
            done = False
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
        kills += 1
        if done:
            break
    if ended() is None:
        start("runner-kill-last")
    return kills


def history_steps(state: PlanState) -> list[int]:
    """Indexes of the steps the history records as done, in order."""
    return [h.step for h in state.history if h.kind == "step"]


def dump(state: PlanState | None) -> str:
    """A readable dump of a state for assertion messages."""
    return json.dumps(json.loads(state.to_annotation()), indent=1) if state else "no state"


@pytest.fixture(scope="module")
def plan_mesh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlanMesh]:
    """The plan test mesh (real-time traffic, no controllers) and a Prometheus scraping it."""
    from meshtui.sim.prometheus import PrometheusProcess

    binary = require_prometheus()
    workdir = tmp_path_factory.mktemp("rollout")
    mesh = SimulatedMesh(SCENARIO, seed=7, controllers=False)
    prometheus = PrometheusProcess([mesh.metrics_target], scrape_interval="1s", binary=binary)
    env = PlanMesh(mesh, prometheus, mesh.write_kubeconfig(workdir / "kubeconfig"), workdir)
    mesh.store.add_listener(env._record)
    try:
        prometheus.start()
        yield env
    finally:
        stop_world(env.runners, prometheus, mesh)
