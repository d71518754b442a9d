"""Scenarios: declarative descriptions of a simulated Linkerd mesh, loaded from YAML.

A scenario names namespaces, meshed services (with their deployments and per-backend behaviour),
clients with request rates, splits of both kinds (SMI TrafficSplit and HTTPRoute) with optional
owners (Flagger ``Canary`` / Argo ``Rollout``) and raw Kubernetes objects. The format is documented
in ``docs/scenarios.md``. Validation errors name the offending field, e.g.
``services[2].behaviour.successRate: must be a number between 0 and 1, got 'high'``.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml


# Linkerd's legacy latency bucket bounds in ms (linkerd2-proxy linkerd/metrics/src/latency.rs).
LINKERD_BOUNDS_MS: tuple[float, ...] = (
    1, 2, 3, 4, 5, 10, 20, 30, 40, 50, 100, 200, 300, 400, 500,
    1000, 2000, 3000, 4000, 5000, 10000, 20000, 30000, 40000, 50000,
)
# Bounds of outbound_http_route_backend_response_duration_seconds, in ms.
ROUTE_BOUNDS_MS: tuple[float, ...] = (25, 50, 100, 250, 500, 1000, 10000)
# One grid serves both histograms: counts are drawn per cell, then summed per bound set.
GRID_BOUNDS_MS: tuple[float, ...] = tuple(sorted(set(LINKERD_BOUNDS_MS) | set(ROUTE_BOUNDS_MS)))


DEFAULT_LINKERD = "2.16"
"""The Linkerd generation a scenario's proxies export metrics as, unless it says otherwise."""
OLDEST_LINKERD = 12
"""The oldest Linkerd minor version (2.12) a scenario can stand for."""


class ScenarioError(ValueError):
    """A scenario file is missing, unreadable or invalid; the message names the field."""


@dataclass(frozen=True)
class LatencyProfile:
    """A latency distribution given by its quantiles, in milliseconds.

    Between the given quantiles the quantile function is interpolated linearly in log(ms); the
    tail above p99 reaches ``max_ms`` (default 3 x p99) at quantile 1.
    """

    p50: float
    p95: float
    p99: float
    max_ms: float | None = None

    @cached_property
    def _points(self) -> tuple[tuple[float, float], ...]:
        top = self.max_ms if self.max_ms is not None else self.p99 * 3
        low = max(self.p50 / 4, 0.05)
        return ((0.0, low), (0.5, self.p50), (0.95, self.p95), (0.99, self.p99), (1.0, max(top, self.p99)))

    def cdf(self, ms: float) -> float:
        """Probability that one request takes at most `ms` milliseconds."""
        points = self._points
        if ms <= points[0][1]:
            return 0.0
        if ms >= points[-1][1]:
            return 1.0
        for (q0, v0), (q1, v1) in zip(points, points[1:]):
            if ms <= v1:
                if v1 <= v0:
                    return q1
                frac = (math.log(ms) - math.log(v0)) / (math.log(v1) - math.log(v0))
                return q0 + frac * (q1 - q0)
        return 1.0

    def quantile(self, q: float) -> float:
        """The latency in ms at quantile `q` (0..1) of this profile."""
        points = self._points
        qs = [p[0] for p in points]
        i = min(max(bisect.bisect_left(qs, q), 1), len(points) - 1)
        (q0, v0), (q1, v1) = points[i - 1], points[i]
        frac = 0.0 if q1 == q0 else (q - q0) / (q1 - q0)
        return math.exp(math.log(v0) + frac * (math.log(v1) - math.log(v0)))

    def to_json(self) -> dict[str, float]:
        """The profile as JSON (``{"p50": .., "p95": .., "p99": ..}``)."""
        out = {"p50": self.p50, "p95": self.p95, "p99": self.p99}
        if self.max_ms is not None:
            out["max"] = self.max_ms
        return out


@dataclass(frozen=True)
class Behaviour:
    """How a backend service answers: success ratio, latency and the status code of failures."""

    success_rate: float = 0.999
    latency: LatencyProfile = LatencyProfile(5.0, 20.0, 40.0)
    failure_status: int = 503


@dataclass(frozen=True)
class NamespaceSpec:
    """A namespace; meshed ones carry ``linkerd.io/inject: enabled``."""

    name: str
    meshed: bool = True
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ServiceSpec:
    """A Service selecting the pods of a deployment, with its behaviour as a backend."""

    namespace: str
    name: str
    deployment: str
    port: int = 80
    target_port: int = 80
    replicas: int = 1
    service_account: str = ""
    workload_kind: str = "Deployment"
    meshed: bool = True
    behaviour: Behaviour = Behaviour()
    cluster: str = ""
    """The remote cluster a mirrored Service comes from ("" for a local Service)."""

    @property
    def mirrored(self) -> bool:
        """Whether Linkerd's service mirror made this Service (its pods run in `cluster`)."""
        return bool(self.cluster)


@dataclass(frozen=True)
class Call:
    """A client calling one service at a steady request rate."""

    namespace: str
    service: str
    rps: float


@dataclass(frozen=True)
class ClientSpec:
    """A workload sending requests; it reuses a service's deployment of that name if there is one."""

    namespace: str
    name: str
    calls: tuple[Call, ...]
    replicas: int = 1


@dataclass(frozen=True)
class BackendSpec:
    """One weighted backend of a split; `weight` as written into the object."""

    service: str
    weight: int | str
    port: int | None = None


@dataclass(frozen=True)
class OwnerRefSpec:
    """Which owner object (declared under ``owners``) controls a split."""

    kind: str
    name: str


@dataclass(frozen=True)
class SplitSpec:
    """A TrafficSplit or HTTPRoute dividing traffic for the apex `service` across backends."""

    kind: str
    api_version: str
    namespace: str
    name: str
    service: str
    backends: tuple[BackendSpec, ...]
    port: int | None = None
    owner: OwnerRefSpec | None = None
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class OwnerSpec:
    """A Flagger Canary or Argo Rollout object (spec and status passed through verbatim)."""

    kind: str
    api_version: str
    namespace: str
    name: str
    spec: Mapping[str, Any] = field(default_factory=dict)
    status: Mapping[str, Any] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Scenario:
    """A whole simulated mesh: everything the store is seeded with and the traffic it carries."""

    name: str
    description: str = ""
    cluster_domain: str = "cluster.local"
    control_plane_namespace: str = "linkerd"
    namespaces: tuple[NamespaceSpec, ...] = ()
    services: tuple[ServiceSpec, ...] = ()
    clients: tuple[ClientSpec, ...] = ()
    splits: tuple[SplitSpec, ...] = ()
    owners: tuple[OwnerSpec, ...] = ()
    objects: tuple[Mapping[str, Any], ...] = ()
    linkerd_version: str = DEFAULT_LINKERD
    """The Linkerd release the proxies are, as `2.N` (`linkerdVersion`): it decides which metric
    families and labels they export (see the properties below)."""

    @property
    def linkerd_minor(self) -> int:
        """N of `linkerd_version` 2.N."""
        return int(self.linkerd_version.partition(".")[2])

    @property
    def authority_is_apex(self) -> bool:
        """Before 2.13 the outbound `authority` label is the Service the client called (a split's
        apex); from 2.13 on it is the concrete backend."""
        return self.linkerd_minor < 13

    @property
    def route_requests(self) -> bool:
        """2.14 on: `outbound_http_route_backend_requests_total`."""
        return self.linkerd_minor >= 14

    @property
    def route_responses(self) -> bool:
        """2.16 on: the route-backend response statuses and duration histogram too."""
        return self.linkerd_minor >= 16

    def service(self, namespace: str, name: str) -> ServiceSpec | None:
        """The declared service `namespace/name`, or None."""
        return self._service_index.get((namespace, name))

    @cached_property
    def _service_index(self) -> dict[tuple[str, str], ServiceSpec]:
        return {(svc.namespace, svc.name): svc for svc in self.services}


def available_scenarios() -> list[str]:
    """Names of the scenarios shipped with the package (``default`` among them)."""
    root = _scenario_dir()
    return sorted(p.name[:-5] for p in root.iterdir() if p.name.endswith(".yaml"))


def load_scenario(name_or_path: str | Path) -> Scenario:
    """Load and validate a scenario by shipped name (``"default"``) or by file path.

    Raises:
        ScenarioError: the file is missing or not YAML, or a field is invalid (named in the message).
    """
    text, origin = _read(name_or_path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ScenarioError(f"{origin}: not valid YAML: {exc}") from None
    from meshtui.sim.scenario_parse import parse_scenario

    try:
        return parse_scenario(data)
    except ScenarioError as exc:
        raise ScenarioError(f"{origin}: {exc}") from None


def _scenario_dir() -> Any:
    return resources.files("meshtui.sim") / "scenarios"


def _read(name_or_path: str | Path) -> tuple[str, str]:
    candidate = Path(name_or_path)
    if isinstance(name_or_path, Path) or candidate.suffix in (".yaml", ".yml") or "/" in str(name_or_path):
        try:
            return candidate.read_text(encoding="utf-8"), str(candidate)
        except OSError as exc:
            raise ScenarioError(f"cannot read scenario file {candidate}: {exc.strerror}") from None
    resource = _scenario_dir() / f"{name_or_path}.yaml"
    if not resource.is_file():
        known = ", ".join(available_scenarios()) or "none"
        raise ScenarioError(f"unknown scenario {name_or_path!r} (shipped: {known})")
    return resource.read_text(encoding="utf-8"), f"scenario {name_or_path!r}"
