"""API discovery: which of meshtui's resources the cluster serves, and at which version.

A group the cluster does not serve (no Flagger, no Argo Rollouts) is simply left out.
"""

from __future__ import annotations

from typing import Any

from meshtui.kube.errors import NotFound, translate
from meshtui.kube.resources import RESOURCES, ResourceType, ServedResource
from meshtui.kube.transport import request_json


def _served_versions(groups: list[dict], group: str) -> list[str]:
    """Versions the server serves for a group, its preferred version first."""
    for entry in groups:
        if entry.get("name") != group:
            continue
        preferred = (entry.get("preferredVersion") or {}).get("version")
        versions = [v.get("version") for v in entry.get("versions") or [] if v.get("version")]
        return ([preferred] if preferred else []) + [v for v in versions if v != preferred]
    return []


def discover(api_client: Any, server: str | None = None) -> dict[str, ServedResource]:
    """Find the served version of every resource meshtui reads.

    Args:
        api_client: The cluster's client.
        server: The server URL, for error messages.

    Returns:
        The served resources by resource key; keys of unserved resources are absent.

    Raises:
        KubeError: When discovery itself fails (unreachable server, forbidden...).
    """
    try:
        groups = request_json(api_client, "GET", "/apis").get("groups") or []
    except Exception as exc:
        raise translate(exc, verb="discover", resource="API groups", server=server) from None
    listings: dict[str, set[str] | None] = {}

    def plurals(group_version: str) -> set[str] | None:
        if group_version not in listings:
            try:
                body = request_json(api_client, "GET", f"/apis/{group_version}")
                listings[group_version] = {r.get("name") for r in body.get("resources") or []}
            except Exception as exc:
                error = translate(exc, verb="discover", resource=group_version, server=server)
                if not isinstance(error, NotFound):
                    raise error from None
                listings[group_version] = None
        return listings[group_version]

    served: dict[str, ServedResource] = {}
    for rtype in RESOURCES.values():
        version = _pick(rtype, groups, plurals)
        if version:
            served[rtype.key] = ServedResource(rtype, version)
    return served


def _pick(rtype: ResourceType, groups: list[dict], plurals: Any) -> str | None:
    """Choose the version of one resource type, or None when it is not served."""
    if not rtype.group:
        # The core group is always there; /api/v1 is not worth a round trip.
        return rtype.versions[0]
    served = _served_versions(groups, rtype.group)
    for version in [v for v in rtype.read_first if v in served] + served:
        names = plurals(f"{rtype.group}/{version}")
        if names is not None and rtype.plural in names:
            return version
    return None
