"""What the stand-in controllers share: durations, timestamps and writes that retry on conflict.

Every write goes through the `Store` API with a resourceVersion precondition, like the real
controllers (Argo's ``retry.RetryOnConflict``, Flagger's update-then-retry): on a 409 the object is
read again and the change recomputed from the fresh copy, a bounded number of times.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable
from datetime import datetime, UTC
from typing import Any

from meshtui.sim.apiserver.errors import ApiError

log = logging.getLogger("meshtui.sim.controllers")

CONFLICT_RETRIES = 5
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}


class ControllerError(Exception):
    """A stand-in controller could not reconcile an object (bad spec, missing router, conflicts)."""


def parse_duration(value: Any, default: float = 60.0) -> float:
    """Seconds in a Go duration (`"1m"`, `"30s"`, `"1m30s"`, `"500ms"`) or a bare number of seconds.

    Anything unreadable gives `default`: a controller keeps going on a bad field, as Flagger falls
    back to its defaults.
    """
    if isinstance(value, bool) or value is None:
        return default
    if isinstance(value, (int, float)):
        return float(value) if value >= 0 else default
    text = str(value).strip()
    if text.isdigit():
        return float(text)
    parts = _DURATION.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return default
    return sum(float(n) * _UNITS[u] for n, u in parts)


def rfc3339(timestamp: float) -> str:
    """A wall-clock time as Kubernetes writes it (`2026-01-01T00:05:00Z`)."""
    return datetime.fromtimestamp(timestamp, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(value: Any) -> float | None:
    """Seconds since the epoch of an RFC 3339 timestamp, or None when it cannot be read."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def _accepts_manager(method: Callable[..., Any]) -> bool:
    try:
        return "manager" in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


class StoreWriter:
    """Writes to the `Store` as one field manager, with preconditions and bounded conflict retries.

    Args:
        store: The apiserver `Store`.
        manager: Field manager name recorded in ``managedFields`` when the Store supports it
            (``"flagger"``, ``"rollouts-controller"``).
    """

    def __init__(self, store: Any, manager: str) -> None:
        self.store = store
        self.manager = manager
        self._patch_kw = {"manager": manager} if _accepts_manager(store.patch) else {}
        self._update_kw = {"manager": manager} if _accepts_manager(store.update) else {}
        self._create_kw = {"manager": manager} if _accepts_manager(store.create) else {}

    def get(self, api_version: str, kind: str, namespace: str, name: str) -> dict[str, Any] | None:
        """The object, or None when it does not exist."""
        try:
            return self.store.get(api_version, kind, namespace, name)
        except ApiError as exc:
            if exc.code == 404:
                return None
            raise

    def create(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Create an object as this manager."""
        return self.store.create(obj, **self._create_kw)

    def mutate(self, api_version: str, kind: str, namespace: str, name: str,
               change: Callable[[dict[str, Any]], dict[str, Any] | None], *,
               subresource: str | None = None) -> dict[str, Any] | None:
        """Read, change and replace an object, retrying on conflict (``RetryOnConflict``).

        `change` gets a fresh copy and returns the object to write, or None for "nothing to do".
        The write carries the read's resourceVersion, so a concurrent writer causes a 409 and a
        re-read rather than a lost update.

        Returns:
            The written object, or None when nothing was written (no change, or it is gone).

        Raises:
            ControllerError: When conflicts persist after `CONFLICT_RETRIES` attempts.
        """
        for _ in range(CONFLICT_RETRIES):
            current = self.get(api_version, kind, namespace, name)
            if current is None:
                return None
            wanted = change(current)
            if wanted is None:
                return None
            try:
                return self.store.update(wanted, subresource=subresource, **self._update_kw)
            except ApiError as exc:
                if exc.code != 409:
                    raise
        raise ControllerError(f"{kind} {namespace}/{name} kept changing: gave up after "
                              f"{CONFLICT_RETRIES} conflicts")

    def patch_status_at(self, obj: dict[str, Any], status: dict[str, Any]) -> dict[str, Any]:
        """Merge `status` into the status subresource of `obj` as read (one attempt).

        Raises:
            ApiError: 409 when the object changed since it was read.
        """
        meta = obj["metadata"]
        patch = {"metadata": {"resourceVersion": meta["resourceVersion"]}, "status": status}
        return self.store.patch(obj["apiVersion"], obj["kind"], meta.get("namespace"), meta["name"], patch,
                                "merge", subresource="status", **self._patch_kw)

    def patch_status(self, api_version: str, kind: str, namespace: str, name: str,
                     compute: Callable[[dict[str, Any]], dict[str, Any] | None]) -> dict[str, Any] | None:
        """Merge-patch the status subresource, with the read's resourceVersion as precondition.

        `compute` gets the fresh object and returns the status fields to merge (None: no write).
        """
        for _ in range(CONFLICT_RETRIES):
            current = self.get(api_version, kind, namespace, name)
            if current is None:
                return None
            status = compute(current)
            if status is None:
                return None
            patch = {"metadata": {"resourceVersion": current["metadata"]["resourceVersion"]},
                     "status": status}
            try:
                return self.store.patch(api_version, kind, namespace, name, patch, "merge",
                                        subresource="status", **self._patch_kw)
            except ApiError as exc:
                if exc.code != 409:
                    raise
        raise ControllerError(f"{kind} {namespace}/{name} status kept changing: gave up after "
                              f"{CONFLICT_RETRIES} conflicts")


def status_differs(current: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """Whether merging `wanted` into `current` would change anything (None means "remove")."""
    for key, value in wanted.items():
        if value is None:
            if current.get(key) is not None:
                return True
        elif isinstance(value, dict) and isinstance(current.get(key), dict):
            if status_differs(current[key], value):
                return True
        elif current.get(key) != value:
            return True
    return False
