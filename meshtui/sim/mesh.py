"""`SimulatedMesh`: a scenario's store, Kubernetes API emulator, traffic, metrics and controllers together."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.controllers import DEFAULT_SPEED, Controllers
from meshtui.sim.exporter import MetricsExporter
from meshtui.sim.scenario import Scenario, load_scenario
from meshtui.sim.scenario_objects import owner_reference, scenario_objects
from meshtui.sim.traffic import TrafficSimulator

SEED_MANAGER = "kubectl-client-side-apply"
"""The field manager of scenario objects: `kubectl apply`'s, as if a human had applied them."""

PROMETHEUS_SERVICE = ("linkerd-viz", "prometheus", 9090)


def _api_server_class() -> Any:
    try:
        from meshtui.sim.apiserver import ApiServer
    except ImportError:
        from meshtui.sim.apiserver.server import ApiServer
    return ApiServer


def seed_store(store: Any, scenario: Scenario) -> int:
    """Create every object of `scenario` in `store`; returns how many were written.

    Owner objects are created before the splits they own, whose ownerReferences then get the
    owner's real ``uid`` (Flagger and Argo set controller references the same way).
    """
    # Keys as the objects give them: a cluster-scoped owner has no namespace.
    stored: dict[tuple[Any, ...], dict[str, Any]] = {}
    count = 0
    for obj in scenario_objects(scenario):
        meta = obj.get("metadata") or {}
        for ref in meta.get("ownerReferences") or []:
            owner = stored.get((ref.get("kind"), meta.get("namespace"), ref.get("name")))
            if owner is not None and not ref.get("uid"):
                ref.update(owner_reference(owner))
        try:
            # As applied by kubectl: managedFields say who wrote the object, and at which version.
            result = store.create(obj, manager=SEED_MANAGER)
        except ApiError as exc:
            # Namespaces such as "default" exist in every store from the start.
            if exc.code != 409:
                raise
            result = store.apply(obj)
        stored[(obj["kind"], meta.get("namespace"), meta.get("name"))] = result
        count += 1
    return count


class SimulatedMesh:
    """A whole simulated Linkerd mesh on loopback: API server, traffic, ``/metrics`` and ``/truth``.

    Args:
        scenario: Shipped scenario name, path of a scenario file, or a `Scenario` (None: default).
        seed: Seed of the traffic draws (None: 1).
        api_port: Port of the Kubernetes API emulator (0: a free one).
        metrics_port: Port of the metrics exporter (0: a free one).
        realtime: Run traffic in a daemon thread; when False tests call ``mesh.traffic.step(dt)``.
        tick: Real-time tick in seconds.
        prometheus_url: If given, ``linkerd-viz/prometheus:9090`` is proxied to it.
        controllers: Run the stand-in Flagger and Argo Rollouts controllers and Flagger's load
            tester (``mesh.controllers``; None when False). Real-time meshes run them in a thread;
            otherwise tests call ``mesh.controllers.step(dt)``.
        controller_speed: Analysis intervals and pause durations are divided by this (the
            default 12 plays a ``1m`` Flagger interval in 5 s).
        autostart: Start the servers (and traffic) from the constructor; `start` is idempotent.
    """

    def __init__(self, scenario: str | Path | Scenario | None = "default", seed: int | None = 1, api_port: int = 0,
                 metrics_port: int = 0, *, realtime: bool = True, tick: float = 0.1,
                 prometheus_url: str | None = None, autostart: bool = True, controllers: bool = True,
                 controller_speed: float = DEFAULT_SPEED) -> None:
        from meshtui.sim.apiserver.store import Store

        # None means "the default" (the CLI passes its unset options through).
        self.scenario = scenario if isinstance(scenario, Scenario) else load_scenario(scenario or "default")
        self.seed = 1 if seed is None else seed
        self.realtime = realtime
        self.tick = tick
        self.store = Store()
        seed_store(self.store, self.scenario)
        self.traffic = TrafficSimulator(self.scenario, self.store, self.seed)
        self.server = _api_server_class()(self.store, host="127.0.0.1", port=api_port)
        self.exporter = MetricsExporter(self.traffic, port=metrics_port)
        self.controllers: Controllers | None = (
            Controllers(self.store, self.traffic, speed=controller_speed, tick=max(tick, 0.25))
            if controllers else None)
        self._started = False
        self.prometheus_url: str | None = None
        if prometheus_url:
            self.set_prometheus(prometheus_url)
        if autostart:
            self.start()

    @property
    def api_url(self) -> str:
        """Base URL of the Kubernetes API emulator."""
        return str(self.server.url)

    @property
    def metrics_url(self) -> str:
        """URL of the exporter's ``/metrics``."""
        return self.exporter.metrics_url

    @property
    def truth_url(self) -> str:
        """URL of the exporter's ``/truth``."""
        return f"{self.exporter.url}/truth"

    @property
    def metrics_target(self) -> str:
        """``host:port`` of the exporter, as a Prometheus scrape target."""
        return f"{self.exporter.host}:{self.exporter.port}"

    def start(self) -> SimulatedMesh:
        """Start the API server, the exporter and (if real-time) the traffic thread; returns self."""
        if self._started:
            return self
        self.server.start()
        self.exporter.start()
        if self.controllers is not None:
            self.controllers.start_loadtester(self.server)
        if self.realtime:
            self.traffic.start(self.tick)
            if self.controllers is not None:
                self.controllers.start()
        self._started = True
        return self

    def stop(self) -> None:
        """Stop controllers, traffic, exporter and API server (idempotent)."""
        if self.controllers is not None:
            self.controllers.stop()
        self.traffic.stop()
        self.exporter.stop()
        if self._started:
            self.server.stop()
        self._started = False

    def set_prometheus(self, url: str) -> None:
        """Proxy ``linkerd-viz/prometheus:9090`` (the service proxy path) to a real Prometheus at `url`."""
        namespace, service, port = PROMETHEUS_SERVICE
        self.server.proxy(namespace, service, port, url)
        self.prometheus_url = url

    def write_kubeconfig(self, path: str | Path) -> Path:
        """Write a kubeconfig for the API emulator (admin identity) and return its path."""
        try:
            from meshtui.sim.apiserver import write_kubeconfig
        except ImportError:
            from meshtui.sim.apiserver.kubeconfig import write_kubeconfig
        return Path(write_kubeconfig(path, self.api_url))

    def source(self) -> Any:
        """A `SimulatorSource` over this mesh's traffic (metrics without Prometheus)."""
        from meshtui.sim.source import SimulatorSource

        return SimulatorSource(self.traffic)

    def __enter__(self) -> SimulatedMesh:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "started" if self._started else "stopped"
        return f"SimulatedMesh(scenario={self.scenario.name!r}, seed={self.seed}, {state})"
