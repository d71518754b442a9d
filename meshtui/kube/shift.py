"""Provides what an incident shift needs from the cluster: the kind of split its Linkerd reads,
the Services' ports, and the splits already on a service.

The objects themselves are built in `meshtui.model.shift`; the write goes through
`ClusterWriter`, like every other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from meshtui.model._fields import as_dict, as_int, as_list, as_str, metadata
from meshtui.model.shift import (
    SHIFT_KINDS,
    ShiftBackend,
    ShiftKind,
    ShiftRefused,
    ShiftRequest,
    check_split_name,
    default_name,
    shift_percents,
)
from meshtui.model.text import visible

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.model.split import Split

__all__ = ["existing_splits", "plan_shift", "shift_kind"]


def shift_kind(client: MeshClient, name: str | None = None) -> tuple[ShiftKind, str]:
    """The kind of split to create, and its served version.

    Without `name`, the first of `SHIFT_KINDS` the cluster serves: Linkerd's own HTTPRoute,
    else Gateway API's, else an SMI TrafficSplit (read by linkerd-smi). With `name`
    (``httproute`` or ``trafficsplit``), the first served kind of that name.

    Raises:
        ShiftRefused: When the cluster serves none of them.
        KubeError: When discovery fails.
    """
    served = client.served_for([k.key for k in SHIFT_KINDS])
    for kind in SHIFT_KINDS:
        if (name is None or kind.name == name) and kind.key in served:
            return kind, served[kind.key].version
    wanted = name or "HTTPRoute or TrafficSplit"
    raise ShiftRefused(f"this cluster serves no {wanted} resource to shift traffic with")


def existing_splits(client: MeshClient, namespace: str, service: str) -> list[Split]:
    """The splits whose apex is `service`, of every kind the cluster serves."""
    return [s for s in client.list_splits(namespace) if s.service == service]


def _ports(services: list[dict[str, Any]]) -> dict[str, tuple[int, ...]]:
    ports: dict[str, tuple[int, ...]] = {}
    for svc in services:
        numbers = (as_int(as_dict(p).get("port")) for p in as_list(as_dict(svc.get("spec"))
                                                                       .get("ports")))
        ports[as_str(metadata(svc).get("name"))] = tuple(n for n in numbers if n is not None)
    return ports


def plan_shift(client: MeshClient, namespace: str, service: str,
               assignments: Mapping[str, object], *, created_by: str, created_at: str,
               kind: str | None = None, name: str | None = None, reason: str = ""
               ) -> ShiftRequest:
    """Everything a shift of `service` will create, checked against the cluster.

    Args:
        client: Reads the cluster.
        namespace: Namespace of the service and its backends.
        service: The apex Service.
        assignments: ``{backend: percent as typed}``; the rest stays on `service`.
        created_by: Who asks (recorded on the object).
        created_at: When, RFC 3339.
        kind: ``httproute`` or ``trafficsplit``; default the kind this cluster's Linkerd reads.
        name: Name of the split; default ``SERVICE-shift``.
        reason: Why (recorded on the object).

    Raises:
        ShiftRefused: Invalid percentages, a Service that does not exist, or a split already on
            `service` (named, so the user can edit or end it).
        KubeError: When reading the cluster fails.
    """
    percents = shift_percents(service, assignments)
    if name is not None:
        check_split_name(name)
    split_kind, version = shift_kind(client, kind)
    services, _ = client.list("services", namespace)
    ports = _ports(services)
    for backend in percents:
        if backend not in ports:
            raise ShiftRefused(f"no Service {visible(backend, 63)} in namespace "
                               f"{visible(namespace, 63)}")
    existing = existing_splits(client, namespace, service)
    if existing:
        names = ", ".join(str(s.ref) for s in existing[:3])
        raise ShiftRefused(f"{service} already has a split ({visible(names, 300)}): change its "
                           "weights with meshtui weight, or end it first")
    apex_ports = ports[service]
    apex_port = apex_ports[0] if len(apex_ports) == 1 else None
    backends = []
    for backend, percent in percents.items():
        own = ports[backend]
        port = apex_port if apex_port in own else own[0] if own else None
        backends.append(ShiftBackend(backend, percent, port))
    return ShiftRequest(namespace=namespace, service=service, backends=tuple(backends),
                        kind=split_kind, version=version, name=name or default_name(service),
                        created_by=created_by, created_at=created_at, reason=reason,
                        port=apex_port)
