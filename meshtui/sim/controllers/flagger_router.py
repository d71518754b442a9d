"""Which router object a Flagger Canary drives, and the one Flagger would create when it is missing.

``provider: linkerd`` (or ``smi:*``) is Flagger's SmiRouter: a TrafficSplit named after the apex;
``gatewayapi:v1|v1beta1`` is its Gateway API router: an HTTPRoute named after the apex
(``flagger:pkg/router/factory.go``, ``smi.go``, ``gateway_api.go``).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from meshtui.sim.controllers.routers import HTTPROUTE, TRAFFICSPLIT, RouterRef
from meshtui.sim.scenario_objects import owner_reference


def apex_name(canary: dict[str, Any]) -> str:
    """``spec.service.name``, else ``spec.targetRef.name`` (Flagger's apex Service)."""
    spec = canary.get("spec") or {}
    return str((spec.get("service") or {}).get("name") or (spec.get("targetRef") or {}).get("name") or "")


def router_ref(canary: dict[str, Any]) -> RouterRef:
    """The TrafficSplit or HTTPRoute the Canary's provider uses."""
    provider = str((canary.get("spec") or {}).get("provider") or "linkerd")
    namespace = canary["metadata"]["namespace"]
    name = apex_name(canary)
    if provider.startswith("gatewayapi"):
        version = "v1beta1" if provider.endswith(":v1beta1") else "v1"
        return RouterRef(f"gateway.networking.k8s.io/{version}", HTTPROUTE, namespace, name)
    version = "v1alpha1"
    for candidate in ("v1alpha2", "v1alpha3"):
        if candidate in provider:
            version = candidate
    return RouterRef(f"split.smi-spec.io/{version}", TRAFFICSPLIT, namespace, name)


def initial_router(canary: dict[str, Any], ref: RouterRef) -> dict[str, Any]:
    """The router object Flagger creates: all traffic to ``<apex>-primary``, owned by the Canary."""
    apex = ref.name
    spec = canary.get("spec") or {}
    service = spec.get("service") or {}
    meta = {"name": apex, "namespace": ref.namespace, "ownerReferences": [owner_reference(canary)]}
    if ref.kind == TRAFFICSPLIT:
        zero: int | str = "0" if ref.api_version.endswith("v1alpha1") else 0
        full: int | str = "100" if ref.api_version.endswith("v1alpha1") else 100
        hosts = service.get("hosts") or []
        return {"apiVersion": ref.api_version, "kind": TRAFFICSPLIT, "metadata": meta,
                "spec": {"service": hosts[0] if hosts else apex,
                         "backends": [{"service": f"{apex}-canary", "weight": zero},
                                      {"service": f"{apex}-primary", "weight": full}]}}
    port = service.get("port")
    refs = [{"group": "", "kind": "Service", "name": f"{apex}-primary", "port": port, "weight": 100},
            {"group": "", "kind": "Service", "name": f"{apex}-canary", "port": port, "weight": 0}]
    return {"apiVersion": ref.api_version, "kind": HTTPROUTE, "metadata": meta,
            "spec": {"parentRefs": list(service.get("gatewayRefs") or []),
                     "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}],
                                "backendRefs": refs}]}}


def target_revision(deployment: dict[str, Any] | None) -> str | None:
    """A hash of the target's pod template, Flagger's ``lastAppliedSpec`` (None: no target)."""
    if deployment is None:
        return None
    template = json.dumps((deployment.get("spec") or {}).get("template") or {}, sort_keys=True)
    return hashlib.sha256(template.encode()).hexdigest()[:16]
