"""The traffic simulator: seeded request counts routed by the split weights currently stored.

Each tick draws a Poisson count of requests per client call, routes them across the apex's
backends by the weights of the split object as it is in the Store *now* (so a weight patch shows
within a tick), then draws failures and latency-grid counts from each backend's behaviour.
Counters are cumulative and kept per (client pod, backend Service, backend pod, HTTPRoute,
status code): everything the exporter renders is a sum of these cells.
"""

from __future__ import annotations

import random
import threading
import time
from array import array
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from meshtui.sim.scenario import GRID_BOUNDS_MS, Scenario, ServiceSpec
from meshtui.sim.scenario_objects import PodInfo, workload_pods
from meshtui.sim.traffic_routes import RouteInfo, RoutingTable
from meshtui.sim.traffic_sampling import LatencySampler, binomial, multinomial, poisson

GRID_CELLS = len(GRID_BOUNDS_MS) + 1
# Per backend in a snapshot: requests, successes, then one count per latency-grid cell.
SNAPSHOT_STRIDE = 2 + GRID_CELLS
SPLIT_KINDS = (("split.smi-spec.io/v1alpha1", "TrafficSplit"), ("gateway.networking.k8s.io/v1", "HTTPRoute"),
               ("policy.linkerd.io/v1beta3", "HTTPRoute"))


@dataclass(frozen=True)
class CellKey:
    """Identity of one counter cell (one set of exported series)."""

    src: PodInfo
    backend: int
    dst: PodInfo
    route: RouteInfo | None
    status: int
    apex: tuple[str, str] = ("", "")
    """The Service the client called, (namespace, name): the request's authority, whichever
    backend a split sent it to."""


@dataclass
class Cell:
    """Cumulative counts of one cell: requests, latency sum (ms) and latency-grid counts."""

    count: int
    sum_ms: float
    grid: list[int]


@dataclass
class BackendState:
    """One backend Service: its behaviour, pods and ground-truth counters."""

    namespace: str
    service: ServiceSpec
    pods: tuple[PodInfo, ...]
    sampler: LatencySampler
    requests: int = 0
    successes: int = 0
    grid: list[int] = field(default_factory=list)

    def truth(self) -> dict[str, Any]:
        """Ground truth as served on ``/truth``."""
        behaviour = self.service.behaviour
        return {"namespace": self.namespace, "service": self.service.name, "requests": self.requests,
                "successes": self.successes, "success_rate": behaviour.success_rate,
                "failure_status": behaviour.failure_status, "latency": behaviour.latency.to_json()}


@dataclass(frozen=True)
class _Call:
    pods: tuple[PodInfo, ...]
    target: tuple[str, str]
    rps: float


class TrafficSimulator:
    """Simulated request traffic over a scenario, routed by the weights stored in `store`.

    Args:
        scenario: The mesh to simulate.
        store: The apiserver `Store` holding the split objects (read each tick, cheaply).
        seed: Seed of the random draws: the same seed and steps give the same counters.
        ring_size: Number of snapshots kept for `SimulatorSource` (one per `snapshot_every`); by
            default an hour's worth, fewer for big scenarios so the ring stays near 16 MB.
        snapshot_every: Simulated seconds between snapshots.
        epoch: Wall-clock time of simulated time 0 (default: now).
    """

    def __init__(self, scenario: Scenario, store: Any, seed: int = 1, *, ring_size: int | None = None,
                 snapshot_every: float = 1.0, epoch: float | None = None) -> None:
        self.scenario = scenario
        self._store = store
        self._rng = random.Random(seed)
        self._lock = threading.RLock()
        self.time = 0.0
        self.epoch = time.time() if epoch is None else epoch
        self.snapshot_every = snapshot_every
        self.pods = workload_pods(scenario)
        self.backends: list[BackendState] = []
        self.index: dict[tuple[str, str], int] = {}
        samplers: dict[Any, LatencySampler] = {}
        for svc in scenario.services:
            latency = svc.behaviour.latency
            sampler = samplers.setdefault(latency, LatencySampler(latency))
            self.index[(svc.namespace, svc.name)] = len(self.backends)
            self.backends.append(BackendState(svc.namespace, svc, self.pods.get((svc.namespace, svc.deployment), ()),
                                              sampler, grid=[0] * GRID_CELLS))
        self._calls = [_Call(self.pods[(c.namespace, c.name)], (call.namespace, call.service), call.rps)
                       for c in scenario.clients for call in c.calls if self.pods.get((c.namespace, c.name))]
        self.cells: dict[CellKey, Cell] = {}
        self.routing = RoutingTable(self.index)
        self._last_store_version: Any = object()
        if ring_size is None:
            budget = 2_000_000 // max(1, SNAPSHOT_STRIDE * len(self.backends))
            ring_size = max(60, min(3600, budget))
        self.ring: deque[tuple[float, array]] = deque(maxlen=ring_size)
        self._next_snapshot = 0.0
        self._listeners: list[Callable[[float], None]] = []
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.refresh_routes()
        self._snapshot()

    @property
    def now(self) -> float:
        """Wall-clock time of the current simulated instant."""
        return self.epoch + self.time

    def refresh_routes(self) -> None:
        """Re-read the split objects from the store if it changed since the last read."""
        version = _store_version(self._store)
        if version is not None and version == self._last_store_version:
            return
        self._last_store_version = version
        self.routing.update(_split_objects(self._store))

    def step(self, dt: float) -> None:
        """Advance simulated time by `dt` seconds, drawing that much traffic (deterministic)."""
        if dt <= 0:
            return
        with self._lock:
            self.refresh_routes()
            routes = self.routing.routes
            for call in self._calls:
                n = poisson(self._rng, call.rps * dt)
                if n == 0:
                    continue
                routing = routes.get(call.target)
                if routing is None:
                    target = self.index.get(call.target)
                    if target is not None:
                        self._serve(call, target, None, n)
                    continue
                shares = routing.backends
                counts = multinomial(self._rng, n, [share for _, share in shares])
                for (backend, _), count in zip(shares, counts):
                    if count:
                        self._serve(call, backend, routing.route, count)
            self.time += dt
            if self.time + 1e-9 >= self._next_snapshot:
                self._snapshot()
        for listener in list(self._listeners):
            listener(self.time)

    def _serve(self, call: _Call, index: int, route: RouteInfo | None, n: int) -> None:
        backend = self.backends[index]
        if not backend.pods:
            return
        rng = self._rng
        src = call.pods[0] if len(call.pods) == 1 else rng.choice(call.pods)
        dst = backend.pods[0] if len(backend.pods) == 1 else rng.choice(backend.pods)
        behaviour = backend.service.behaviour
        ok = binomial(rng, n, behaviour.success_rate)
        backend.requests += n
        backend.successes += ok
        backend_grid = backend.grid
        for status, count in ((200, ok), (behaviour.failure_status, n - ok)):
            if count == 0:
                continue
            grid = backend.sampler.draw(rng, count)
            key = CellKey(src, index, dst, route, status, call.target)
            cell = self.cells.get(key)
            if cell is None:
                cell = self.cells[key] = Cell(0, 0.0, [0] * GRID_CELLS)
            cell.count += count
            cell.sum_ms += backend.sampler.total_ms(grid)
            totals = cell.grid
            for i, c in enumerate(grid):
                if c:
                    totals[i] += c
                    backend_grid[i] += c

    def _snapshot(self) -> None:
        data = array("q")
        for backend in self.backends:
            data.append(backend.requests)
            data.append(backend.successes)
            data.extend(backend.grid)
        self.ring.append((self.now, data))
        self._next_snapshot = self.time + self.snapshot_every

    def snapshots(self) -> list[tuple[float, array]]:
        """The ring of `(wall time, per-backend counters)`; see `SNAPSHOT_STRIDE` for the layout."""
        with self._lock:
            return list(self.ring)

    def series(self) -> list[tuple[CellKey, int, float, tuple[int, ...]]]:
        """A consistent copy of every counter cell: `(key, count, sum_ms, grid counts)`."""
        with self._lock:
            return [(key, cell.count, cell.sum_ms, tuple(cell.grid)) for key, cell in self.cells.items()]

    def truth(self) -> dict[str, Any]:
        """Ground truth per backend Service (cumulative requests and successes, behaviour)."""
        with self._lock:
            return {"time": self.now, "sim_time": self.time,
                    "backends": [b.truth() for b in self.backends if b.pods]}

    def add_listener(self, listener: Callable[[float], None]) -> None:
        """Call `listener(sim_time)` after every step (from the stepping thread)."""
        self._listeners.append(listener)

    def start(self, tick: float = 0.1) -> None:
        """Run in real time in a daemon thread, one step of the elapsed time every `tick` seconds."""
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(tick,), name="meshtui-sim-traffic", daemon=True)
        self._thread.start()

    def _run(self, tick: float) -> None:
        last = time.monotonic()
        while not self._stop.wait(tick):
            current = time.monotonic()
            self.step(current - last)
            last = current

    def stop(self) -> None:
        """Stop the real-time thread (idempotent)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def running(self) -> bool:
        """Whether the real-time thread is running."""
        return self._thread is not None


def _store_version(store: Any) -> Any:
    """The store's global resourceVersion, or None when it cannot tell (then always re-read)."""
    value = getattr(store, "resource_version", None)
    if callable(value):
        value = value()
    return value


def _split_objects(store: Any) -> Iterable[dict[str, Any]]:
    for api_version, kind in SPLIT_KINDS:
        try:
            yield from store.list(api_version, kind)
        except Exception:  # noqa: BLE001 - a resource type that is not registered has no splits
            continue
