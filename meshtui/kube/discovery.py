"""API discovery: which of meshtui's resources the cluster serves, and at which version.

A group the cluster does not serve (no Flagger, no Argo Rollouts) is simply left out. After the
one ``/apis`` request, the group-version listings are independent of each other, so the first
candidate of every wanted resource is fetched concurrently; a resource whose first candidate
does not list it falls back to its next versions one at a time, as before.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from meshtui.kube.errors import KubeError, NotFound, translate
from meshtui.kube.resources import RESOURCES, ResourceType, ServedResource
from meshtui.kube.transport import request_json

MAX_PARALLEL = 8
"""Concurrent discovery requests at most: one per group-version, and meshtui reads few groups."""


def _served_versions(groups: list[dict[str, Any]], group: str) -> list[str]:
    """Versions the server serves for a group, its preferred version first."""
    for entry in groups:
        if entry.get("name") != group:
            continue
        preferred = (entry.get("preferredVersion") or {}).get("version")
        versions = [v.get("version") for v in entry.get("versions") or [] if v.get("version")]
        return ([preferred] if preferred else []) + [v for v in versions if v != preferred]
    return []


def _candidates(rtype: ResourceType, groups: list[dict[str, Any]]) -> list[str]:
    """The versions `_pick` tries for a resource type, in order."""
    served = _served_versions(groups, rtype.group)
    return [v for v in rtype.read_first if v in served] + served


class _Listings:
    """Resource plurals per group-version, each fetched once (thread-safe).

    Args:
        api_client: The cluster's client.
        server: The server URL, for error messages.
    """

    def __init__(self, api_client: Any, server: str | None) -> None:
        self.api_client = api_client
        self.server = server
        self._known: dict[str, set[str] | None] = {}
        self._lock = threading.Lock()

    def fetch(self, group_version: str) -> set[str] | None:
        """Plurals served at `group_version`, or None when it is not served (404)."""
        with self._lock:
            if group_version in self._known:
                return self._known[group_version]
        try:
            body = request_json(self.api_client, "GET", f"/apis/{group_version}")
            names: set[str] | None = {r.get("name") for r in body.get("resources") or []}
        except Exception as exc:  # noqa: BLE001 - every client failure is translated into a KubeError
            error = translate(exc, verb="discover", resource=group_version, server=self.server)
            if not isinstance(error, NotFound):
                raise error from None
            names = None
        with self._lock:
            self._known[group_version] = names
        return names

    def prefetch(self, group_versions: list[str]) -> None:
        """Fetch several listings at once; the first failure is raised after all have ended."""
        if len(group_versions) < 2:
            for gv in group_versions:
                self.fetch(gv)
            return
        with ThreadPoolExecutor(min(MAX_PARALLEL, len(group_versions)),
                                thread_name_prefix="meshtui-discovery") as pool:
            futures = [pool.submit(self.fetch, gv) for gv in group_versions]
        errors = [error for f in futures if (error := f.exception()) is not None]
        if errors:
            error = errors[0]
            raise error if isinstance(error, KubeError) else translate(
                error, verb="discover", resource="API groups", server=self.server)


def discover(api_client: Any, server: str | None = None,
             keys: Iterable[str] | None = None) -> dict[str, ServedResource]:
    """Find the served version of every resource meshtui reads (or of `keys` only).

    Args:
        api_client: The cluster's client.
        server: The server URL, for error messages.
        keys: Resource keys to discover; default every key of `RESOURCES`. Asking for fewer
            keys skips the requests only the others need.

    Returns:
        The served resources by resource key; keys of unserved resources are absent.

    Raises:
        KubeError: When discovery itself fails (unreachable server, forbidden...).
    """
    wanted = [RESOURCES[k] for k in keys] if keys is not None else list(RESOURCES.values())
    if all(not rtype.group for rtype in wanted):
        groups: list[dict[str, Any]] = []
    else:
        try:
            groups = request_json(api_client, "GET", "/apis").get("groups") or []
        except Exception as exc:  # noqa: BLE001 - every client failure is translated into a KubeError
            raise translate(exc, verb="discover", resource="API groups", server=server) from None
    listings = _Listings(api_client, server)
    first = []
    for rtype in wanted:
        if rtype.group:
            candidates = _candidates(rtype, groups)
            if candidates and f"{rtype.group}/{candidates[0]}" not in first:
                first.append(f"{rtype.group}/{candidates[0]}")
    listings.prefetch(first)
    served: dict[str, ServedResource] = {}
    for rtype in wanted:
        version = _pick(rtype, groups, listings.fetch)
        if version:
            served[rtype.key] = ServedResource(rtype, version)
    return served


def _pick(rtype: ResourceType, groups: list[dict[str, Any]], plurals: Any) -> str | None:
    """Choose the version of one resource type, or None when it is not served."""
    if not rtype.group:
        # The core group is always there; /api/v1 is not worth a round trip.
        return rtype.versions[0]
    for version in _candidates(rtype, groups):
        names = plurals(f"{rtype.group}/{version}")
        if names is not None and rtype.plural in names:
            return version
    return None
