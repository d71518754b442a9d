"""Golden signals per Service, as `linkerd viz stat svc` reads them.

A service's figures are what meshed clients' proxies saw going to it (the outbound `response_*`
family by destination service), fetched through the source's batched `fetch`: the same fixed
number of queries for 10 services as for 5,000, names validated and label values escaped there.
"""

from __future__ import annotations

from collections.abc import Iterable

from meshtui.metrics.source import BackendTarget, MetricsSource
from meshtui.model.signals import BackendKey, MetricsSnapshot


def service_targets(keys: Iterable[BackendKey]) -> list[BackendTarget]:
    """One target per service (by destination, no route), each once, in the order given."""
    return [BackendTarget(key) for key in dict.fromkeys(keys)]


def fetch_service_signals(source: MetricsSource, keys: Iterable[BackendKey], window: str) -> MetricsSnapshot:
    """Current signals of every service over `window`, in one batched call.

    Services whose names are not valid Kubernetes names are never queried and get "no data".

    Raises:
        MetricsError: When the source cannot answer.
    """
    return source.fetch(service_targets(keys), window)
