"""Provides mesh-wide configuration checks: misconfigurations that silently break a split."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from meshtui.model.split import Split, SplitRef

__all__ = ["ERROR", "INFO", "WARNING", "Check", "mesh_checks"]

ERROR = "error"
"""Severity of a check that means traffic does not go where the split says."""
WARNING = "warning"
"""Severity of a check that probably means a mistake."""
INFO = "info"
"""Severity of a check worth knowing."""

SMI_NAMESPACE = "linkerd-smi"
"""Namespace of the linkerd-smi extension, which turns TrafficSplits into ServiceProfiles."""


@dataclass(frozen=True)
class Check:
    """One finding about the mesh configuration."""

    severity: str
    """`error`, `warning` or `info`."""
    subject: str
    """What it is about, e.g. `httproute/prod/web` or `serviceprofile/prod/web.prod.svc.cluster.local`."""
    message: str
    """What is wrong and what it causes, in words for the user."""
    ref: SplitRef | None = None
    """The split the finding concerns, if one (lets a split view show only its own findings)."""


def mesh_checks(splits: Iterable[Split], profiles: Iterable[tuple[str, str]],
                services: set[tuple[str, str]] | None, namespaces: set[str] | None) -> list[Check]:
    """Check splits against the rest of the cluster.

    Args:
        splits: Every split.
        profiles: (namespace, name) of every ServiceProfile.
        services: (namespace, name) of every Service, or None when services are not known (yet).
        namespaces: Names of every namespace, or None when namespaces are not known (not listable).

    Returns:
        Findings, errors first, then by subject.
    """
    splits = list(splits)
    profile_names: dict[tuple[str, str], str] = {}
    for namespace, name in profiles:
        service, _, rest = name.partition(".")
        if rest.startswith(f"{namespace}.svc."):
            profile_names[(namespace, service)] = name
    found: list[Check] = []
    for split in splits:
        profile = profile_names.get((split.namespace, split.service))
        if split.kind in ("HTTPRoute", "GRPCRoute") and split.service and profile is not None:
            found.append(Check(ERROR, str(split.ref), (
                f"ServiceProfile {profile} shadows this {split.kind}: Linkerd routes {split.service} by the "
                "profile and ignores the route's weights"), split.ref))
        if services is not None:
            for backend in split.backends:
                if backend.kind == "Service" and (backend.namespace, backend.name) not in services:
                    found.append(Check(ERROR, str(split.ref),
                                       f"backend service {backend.namespace}/{backend.name} does not exist",
                                       split.ref))
    has_trafficsplits = any(split.kind == "TrafficSplit" for split in splits)
    if has_trafficsplits and namespaces is not None and SMI_NAMESPACE not in namespaces:
        found.append(Check(WARNING, "trafficsplits", (
            f"TrafficSplits exist but there is no {SMI_NAMESPACE} namespace: without the linkerd-smi "
            "extension Linkerd 2.12+ ignores them")))
    order = {ERROR: 0, WARNING: 1, INFO: 2}
    return sorted(dict.fromkeys(found), key=lambda c: (order.get(c.severity, 3), c.subject, c.message))
