"""The metrics protocol: what the UI asks of any source of golden signals.

`PrometheusSource` (real Prometheus) and the simulator's `SimulatorSource` both implement
`MetricsSource`. Calls block; the UI runs them in thread workers.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.split import Split


QUERY_TIMEOUT = 5.0
"""Default seconds one query to a remote source may take in all, to the answer's last byte."""

MAX_BODY_MIB = 32
"""Default largest answer, in MiB, read from a remote source."""


def history_rate_interval(step: float) -> float:
    """Seconds each history point's rate covers: `max(1m, 2 * step)`.

    A shorter interval makes a low-traffic backend's success rate jump between 0 and 100% from
    one point to the next; every source uses this one rule so their charts agree.
    """
    return max(60.0, 2 * step)


class MetricsError(Exception):
    """A metrics source could not answer. The message is one line and never holds a secret."""


@dataclass(frozen=True)
class RouteKey:
    """The HTTPRoute a backend is reached through, for the `outbound_http_route_*` family.

    Attributes:
        namespace: The HTTPRoute's namespace (also the parent Service's namespace).
        name: The HTTPRoute's name.
        parent_service: The Service the route is attached to (its `parentRefs` entry).
    """

    namespace: str
    name: str
    parent_service: str


@dataclass(frozen=True)
class BackendTarget:
    """One backend whose signals are wanted.

    Attributes:
        key: The backend Service.
        route: Set for HTTPRoute splits so the route metric family can be used; None for
            TrafficSplits (the legacy `response_*` family is used).
    """

    key: BackendKey
    route: RouteKey | None = None


def backend_targets(splits: Iterable[Split]) -> list[BackendTarget]:
    """The metrics targets for the backends of `splits`, each once (HTTPRoute backends with
    their route, so the route-backend families are read for them)."""
    targets: dict[BackendTarget, None] = {}
    for split in splits:
        route = RouteKey(split.namespace, split.name, split.service) if split.kind != "TrafficSplit" else None
        for backend in split.backends:
            targets[BackendTarget(BackendKey(backend.namespace, backend.name), route)] = None
    return list(targets)


@runtime_checkable
class MetricsSource(Protocol):
    """A source of golden signals per backend.

    The number of queries a call makes does not depend on the number of targets.
    """

    name: str
    """Shown in the status bar, e.g. `"prometheus 127.0.0.1:9090"`."""

    def fetch(self, targets: Sequence[BackendTarget], window: str) -> MetricsSnapshot:
        """Current signals for every target over the rate `window` (`1m`, `5m`, `15m`, `1h`).

        Raises:
            MetricsError: When the source cannot answer.
        """
        ...

    def history(self, targets: Sequence[BackendTarget], window: str, step: float
                ) -> dict[BackendKey, list[tuple[float, GoldenSignals]]]:
        """Signals per backend over the last `window`, one point every `step` seconds.

        Raises:
            MetricsError: When the source cannot answer.
        """
        ...
