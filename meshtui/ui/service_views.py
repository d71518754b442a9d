"""Turn meshed services into the services table's rows: pure functions over model values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from meshtui.model.findings import HealthPolicy
from meshtui.model.meshed import MeshedService, service_health
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.ui.widgets._service_rows import ServiceRow


def service_row(service: MeshedService, signals: GoldenSignals | None,
                policy: HealthPolicy) -> ServiceRow:
    """The table row of one service, with its verdict."""
    health = service_health(service, signals, policy)
    return ServiceRow(
        key=service.key, namespace=service.namespace, name=service.name, meshed=service.meshed,
        injected_by=service.injected_by, proxies_ready=service.pods.proxies_ready,
        pods=service.pods.total,
        success_rate=signals.success_rate if signals is not None else None,
        rps=signals.rps if signals is not None else None,
        p99_ms=signals.p99_ms if signals is not None else None,
        splits=tuple(part.ref for part in service.splits),
        split_labels=tuple(part.label for part in service.splits),
        mirror=service.mirror_cluster or "", health=health.mark, attention=health.attention,
        note=health.note)


class ServiceRows:
    """Builds rows, reusing the previous row object of a service whose inputs did not change,
    so the table's identity check skips it and only changed rows are compared and redrawn."""

    def __init__(self) -> None:
        """Start with no rows."""
        self._previous: dict[BackendKey, tuple[MeshedService, GoldenSignals | None, ServiceRow]] = {}
        self._policy: HealthPolicy | None = None

    def rows(self, services: Sequence[MeshedService], signals: Mapping[BackendKey, GoldenSignals],
             policy: HealthPolicy) -> list[ServiceRow]:
        """One row per service, in the order given."""
        if policy != self._policy:
            self._previous, self._policy = {}, policy
        previous, fresh = self._previous, {}
        out = []
        for service in services:
            key = service.key
            figures = signals.get(key)
            known = previous.get(key)
            if known is not None and (known[1] is figures or known[1] == figures) \
                    and (known[0] is service or known[0] == service):
                row = known[2]
            else:
                row = service_row(service, figures, policy)
            fresh[key] = (service, figures, row)
            out.append(row)
        self._previous = fresh
        return out
