"""A stand-in linkerd-failover: TrafficSplit weights that follow the readiness of their backends.

Like linkerd-failover's controller (controller/src/traffic_split.rs), on every reconcile of a
TrafficSplit labelled ``failover.linkerd.io/controlled-by=linkerd-failover`` (the Helm chart's
selector) and annotated ``failover.linkerd.io/primary-service``:

* a backend is ready when its Endpoints have an address in some subset (no Endpoints: not ready);
* while the primary is ready it alone gets weight 1, every other backend 0;
* otherwise every ready backend gets weight 1 and the others 0 (all 0 when none is ready);
* a split whose weights already match is not written; one without the annotation is skipped.

Writes are made as field manager ``failover.linkerd.io`` (the real controller merge-patches
``spec.backends``; this one replaces the split guarded by the read's resourceVersion).
Reconciling every tick stands in for the real controller's reaction to watch events: a manual
weight edit is reset at once, as a readiness change is.
It keeps no state of its own and reads no other meshtui code, so a misread field shows.
"""

from __future__ import annotations

from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.controllers.base import ControllerError, StoreWriter, log

SMI_API = "split.smi-spec.io/v1alpha2"
CONTROLLED_BY = "failover.linkerd.io/controlled-by"
SELECTOR_VALUE = "linkerd-failover"
PRIMARY_ANNOTATION = "failover.linkerd.io/primary-service"
MANAGER = "failover.linkerd.io"


class FailoverController:
    """Reconciles every selected TrafficSplit on each tick.

    Args:
        store: The apiserver `Store` (writes as manager ``failover.linkerd.io``).
        selector: The ``controlled-by`` label value selected (the Helm release name).
    """

    manager = MANAGER

    def __init__(self, store: Any, *, selector: str = SELECTOR_VALUE) -> None:
        self.store = store
        self.selector = selector
        self.writer = StoreWriter(store, self.manager)

    def reconcile(self, now: float | None = None) -> None:
        """Reconcile every selected TrafficSplit once."""
        try:
            splits = self.store.list(SMI_API, "TrafficSplit")
        except ApiError:
            return
        for split in splits:
            meta = split.get("metadata") or {}
            if (meta.get("labels") or {}).get(CONTROLLED_BY) != self.selector:
                continue
            try:
                self.sync(split)
            except (ApiError, ControllerError) as exc:
                log.warning("linkerd-failover: trafficsplit %s/%s: %s", meta.get("namespace"),
                            meta.get("name"), exc)

    def ready(self, namespace: str, service: str) -> bool:
        """Whether the service's Endpoints list a ready address."""
        endpoints = self.writer.get("v1", "Endpoints", namespace, service)
        if endpoints is None:
            return False
        return any(isinstance(subset, dict) and subset.get("addresses")
                   for subset in endpoints.get("subsets") or [])

    def wanted(self, split: dict[str, Any]) -> list[int] | None:
        """The weights linkerd-failover sets, backend by backend (None: the split is skipped)."""
        meta = split.get("metadata") or {}
        primary = (meta.get("annotations") or {}).get(PRIMARY_ANNOTATION)
        if not primary:
            return None
        namespace = meta.get("namespace") or ""
        backends = [b for b in (split.get("spec") or {}).get("backends") or [] if isinstance(b, dict)]
        primary_ready = self.ready(namespace, primary)
        weights = []
        for backend in backends:
            service = backend.get("service")
            active = service == primary if primary_ready else self.ready(namespace, str(service))
            weights.append(1 if active else 0)
        return weights

    def sync(self, split: dict[str, Any]) -> dict[str, Any] | None:
        """Set one split's weights from readiness; returns the written object (None: no write)."""
        meta = split["metadata"]

        def change(obj: dict[str, Any]) -> dict[str, Any] | None:
            weights = self.wanted(obj)
            backends = (obj.get("spec") or {}).get("backends") or []
            current = [b.get("weight") for b in backends if isinstance(b, dict)]
            if weights is None or weights == current:
                return None
            new = {**obj, "spec": {**obj["spec"], "backends": [
                {**backend, "weight": weight}
                for backend, weight in zip([b for b in backends if isinstance(b, dict)], weights,
                                           strict=True)]}}
            return new

        return self.writer.mutate(SMI_API, "TrafficSplit", meta["namespace"], meta["name"], change)
