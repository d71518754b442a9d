"""Provides one ``coordination.k8s.io/v1`` Lease per split, so exactly one runner drives it.

A runner takes the Lease when it is free or expired (``renewTime + leaseDurationSeconds`` is past),
renews it while it drives, and drives only while its own hold is fresh. Every Lease write goes
through `ClusterWriter.write` (a create is a plain JSON body) and updates carry the Lease's
resourceVersion, so two runners racing for it cannot both win.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from meshtui.kube.errors import Conflict, KubeError, NotFound, translate
from meshtui.model.kubetime import micro_time, parse_time
from meshtui.model.write_descriptions import JSON, MERGE_PATCH, ObjectTarget, PlannedWrite

if TYPE_CHECKING:
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.split import Split

__all__ = ["LeaseHold", "SplitLease", "lease_name"]

GROUP, VERSION = "coordination.k8s.io", "v1"


def lease_name(split: Split) -> str:
    """The Lease guarding a split: ``meshtui-rollout-<name>-<hash of kind and group>``."""
    digest = hashlib.sha256(f"{split.ref.resource_key}/{split.name}".encode()).hexdigest()[:8]
    base = re.sub(r"[^a-z0-9-]", "-", split.name)[:200].strip("-")
    return f"meshtui-rollout-{base}-{digest}"


@dataclass(frozen=True)
class LeaseHold:
    """Who holds a Lease, as last read or written."""

    holder: str
    renewed_at: float
    duration: float
    resource_version: str
    transitions: int = 0

    def expired(self, now: float) -> bool:
        """True when the holder has not renewed within the lease duration."""
        return not self.holder or now > self.renewed_at + self.duration


class SplitLease:
    """The Lease of one split, seen by one runner.

    Args:
        writer: The one write path.
        split: The split the Lease guards.
        identity: This runner's identity (``holderIdentity``).
        duration: ``leaseDurationSeconds`` (whole seconds, at least 1).
    """

    def __init__(self, writer: ClusterWriter, split: Split, identity: str, duration: int) -> None:
        self.writer = writer
        self.namespace = split.namespace
        self.name = lease_name(split)
        self.identity = identity
        self.duration = max(1, int(duration))
        self.hold: LeaseHold | None = None
        self._target = ObjectTarget(f"leases.{GROUP}", GROUP, VERSION, "Lease", self.namespace,
                                    self.name)

    def __repr__(self) -> str:
        return f"SplitLease({self.namespace}/{self.name}, identity={self.identity!r})"

    def held(self, now: float) -> bool:
        """True while this runner holds the Lease and its last renewal is fresh."""
        return self.hold is not None and self.hold.holder == self.identity and \
            not self.hold.expired(now)

    def read(self) -> LeaseHold | None:
        """Read the Lease (None when it does not exist)."""
        from meshtui.kube.transport import request_json

        path = f"/apis/{GROUP}/{VERSION}/namespaces/{self.namespace}/leases/{self.name}"
        try:
            obj = request_json(self.writer.cluster.api_client, "GET", path)
        except Exception as exc:  # noqa: BLE001 - translated below
            error = translate(exc, verb="get", resource="leases", name=self.name)
            if isinstance(error, NotFound):
                return None
            raise error from None
        return _hold(obj)

    def acquire(self, now: float) -> bool:
        """Take or renew the Lease if this runner may hold it now.

        Renews at most every third of the duration; a lost race or a live holder gives False.

        Raises:
            KubeError: When the Lease cannot be read or written for another reason.
        """
        if self.held(now) and now - self.hold.renewed_at < self.duration / 3:  # type: ignore[union-attr]
            return True
        try:
            current = self.read()
            if current is None:
                return self._create(now)
            if current.holder == self.identity:
                return self._update(current, now, "rollout-lease-renew", current.transitions)
            if current.expired(now):
                return self._update(current, now, "rollout-lease-takeover",
                                    current.transitions + 1, acquired=True)
            self.hold = current
            return False
        except Conflict:
            self.hold = None
            return False

    def release(self) -> None:
        """Give the Lease up (on a clean stop), so another runner need not wait for it."""
        if self.hold is None or self.hold.holder != self.identity:
            return
        patch = {"metadata": {"resourceVersion": self.hold.resource_version},
                 "spec": {"holderIdentity": None}}
        try:
            self.writer.write(PlannedWrite(self._target, patch, MERGE_PATCH, "",
                                           f"release {self._target}"),
                              "rollout-lease-release", before={"holder": self.identity},
                              after={"holder": None})
        except KubeError:
            pass
        self.hold = None

    def _spec(self, now: float, transitions: int, acquired: bool) -> dict[str, Any]:
        spec: dict[str, Any] = {"holderIdentity": self.identity,
                                "leaseDurationSeconds": self.duration,
                                "renewTime": micro_time(now), "leaseTransitions": transitions}
        if acquired:
            spec["acquireTime"] = micro_time(now)
        return spec

    def _create(self, now: float) -> bool:
        body = {"apiVersion": f"{GROUP}/{VERSION}", "kind": "Lease",
                "metadata": {"name": self.name, "namespace": self.namespace},
                "spec": self._spec(now, 0, True)}
        result = self.writer.write(PlannedWrite(self._target, body, JSON, "", f"create {self._target}"),
                                   "rollout-lease-acquire")
        self.hold = _hold(result.obj) or LeaseHold(self.identity, now, self.duration, "")
        return True

    def _update(self, current: LeaseHold, now: float, action: str, transitions: int,
                acquired: bool = False) -> bool:
        patch = {"metadata": {"resourceVersion": current.resource_version},
                 "spec": self._spec(now, transitions, acquired)}
        result = self.writer.write(PlannedWrite(self._target, patch, MERGE_PATCH, "",
                                                f"{action} {self._target}"),
                                   action, before={"holder": current.holder},
                                   after={"holder": self.identity})
        self.hold = _hold(result.obj) or LeaseHold(self.identity, now, self.duration, "")
        return True


def _hold(obj: Any) -> LeaseHold | None:
    if not isinstance(obj, dict):
        return None
    spec = obj.get("spec") or {}
    renewed = parse_time(spec.get("renewTime")) or parse_time(spec.get("acquireTime")) or 0.0
    return LeaseHold(holder=str(spec.get("holderIdentity") or ""), renewed_at=renewed,
                     duration=float(spec.get("leaseDurationSeconds") or 0),
                     resource_version=str((obj.get("metadata") or {}).get("resourceVersion") or ""),
                     transitions=int(spec.get("leaseTransitions") or 0))
