"""`Controllers`: the stand-in Flagger, Argo Rollouts and linkerd-failover controllers and the
load tester, on one clock.

Real time: one daemon thread steps both controllers every `tick` seconds (a bounded loop that
ends on `stop`). Manual time (deterministic tests): call ``step(dt)``.

Speed: Flagger's ``analysis.interval`` and Argo's ``pause.duration`` are divided by `speed`, so
with the default of 12 a ``1m`` interval plays as 5 s and a ``60s`` pause as 5 s. Argo reconciles
every tick whatever the speed, so a manual weight edit is reverted within about `tick` seconds.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from meshtui.sim.controllers.argo import ArgoController
from meshtui.sim.controllers.base import log
from meshtui.sim.controllers.failover import FailoverController
from meshtui.sim.controllers.flagger import CANARY_API, FlaggerController
from meshtui.sim.controllers.flagger_checks import ServiceDirectory, AnalysisProbe
from meshtui.sim.controllers.loadtester import LoadTester

DEFAULT_SPEED = 12.0
DEFAULT_TICK = 0.25
LOADTESTER_SERVICE = ("flagger-loadtester", 80)


class Controllers:
    """Flagger, Argo Rollouts, linkerd-failover and Flagger's load tester for a simulated cluster.

    Args:
        store: The apiserver `Store`.
        traffic: The `TrafficSimulator` whose ground truth Flagger's analysis reads (None: no
            analysis, every check passes).
        speed: Speed factor of intervals and pause durations (see the module docstring).
        tick: Seconds between reconciles in real time.
        epoch: Wall-clock time of controller time 0 (default: now).
    """

    def __init__(self, store: Any, traffic: Any = None, *, speed: float = DEFAULT_SPEED,
                 tick: float = DEFAULT_TICK, epoch: float | None = None) -> None:
        if speed <= 0:
            raise ValueError(f"speed must be positive, not {speed!r}")
        self.store = store
        self.time = 0.0
        self.epoch = time.time() if epoch is None else epoch
        self.tick = tick
        self.speed = speed
        self.directory = ServiceDirectory()
        self.probe = AnalysisProbe(traffic)
        self.loadtester = LoadTester()
        self.flagger = FlaggerController(store, self.probe, self.directory, speed=speed, clock=self.now)
        self.argo = ArgoController(store, speed=speed, clock=self.now)
        self.failover = FailoverController(store)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._proxy_server: Any = None
        self._served: set[str] = set()
        # Schedule the first analysis of the Canaries that exist now, one interval from time 0.
        self.flagger.reconcile(self.time)

    def now(self) -> float:
        """Wall-clock time of the controllers' current instant."""
        return self.epoch + self.time

    def start_loadtester(self, server: Any = None) -> None:
        """Serve the load tester as ``flagger-loadtester`` (port 80) in every namespace holding a
        Canary (and ``default``), for webhooks and, given the API `server`, its service proxy.

        Namespaces of Canaries created later are added on the next step.
        """
        self.loadtester.start()
        self._proxy_server = server
        self._serve_loadtester({"default"})

    def _serve_loadtester(self, extra: set[str] | None = None) -> None:
        if not self.loadtester.running:
            return
        try:
            namespaces = {c["metadata"]["namespace"] for c in self.store.list(CANARY_API, "Canary")}
        except Exception:  # noqa: BLE001 - no Canary type registered: nothing to serve
            namespaces = set()
        service, port = LOADTESTER_SERVICE
        for namespace in sorted((namespaces | (extra or set())) - self._served):
            self.directory.register(namespace, service, port, self.loadtester.url)
            if self._proxy_server is not None:
                self._proxy_server.proxy(namespace, service, port, self.loadtester.url)
            self._served.add(namespace)

    def step(self, dt: float) -> None:
        """Advance controller time by `dt` seconds and reconcile once (deterministic)."""
        with self._lock:
            self.time += max(0.0, dt)
            self._serve_loadtester()
            self.argo.reconcile(self.time)
            self.flagger.reconcile(self.time)
            self.failover.reconcile(self.time)

    def start(self) -> Controllers:
        """Run in real time in a daemon thread (idempotent); returns self."""
        if self._thread is not None:
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="meshtui-sim-controllers", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        last = time.monotonic()
        while not self._stop.wait(self.tick):
            current = time.monotonic()
            try:
                self.step(current - last)
            except Exception:  # noqa: BLE001 - a controller bug must not kill the demo's controllers
                log.exception("controllers: reconcile failed")
            last = current

    def stop(self) -> None:
        """Stop the thread and the load tester (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None
        self.loadtester.stop()

    @property
    def running(self) -> bool:
        """Whether the real-time thread runs."""
        return self._thread is not None

    def canary_interval(self, namespace: str, name: str) -> float:
        """Seconds of controller time between two analysis runs of a Canary."""
        return self.flagger.interval(self.store.get(CANARY_API, "Canary", namespace, name))

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"Controllers(speed={self.speed}, t={self.time:.1f}s, {state})"

