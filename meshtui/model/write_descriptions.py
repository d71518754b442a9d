"""Provides the values that describe a planned write: targets, patches, weight plans.

These are pure descriptions; `meshtui/kube/writer.py` turns them into requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # Only for annotations: owner kinds plan writes and are imported while `split` loads.
    from meshtui.model.split import SplitRef

__all__ = [
    "DELETE",
    "JSON",
    "JSON_PATCH",
    "MERGE_PATCH",
    "ActionPlan",
    "ObjectTarget",
    "PlannedWrite",
    "ProxyPost",
    "Unavailable",
    "WeightPlan",
]

MERGE_PATCH = "application/merge-patch+json"
"""Content type of a JSON merge patch (RFC 7386)."""
JSON_PATCH = "application/json-patch+json"
"""Content type of a JSON Patch (RFC 6902)."""
JSON = "application/json"
"""Content type of a plain JSON POST body (load tester gates, and objects created)."""
DELETE = "delete"
"""Not a content type: the write deletes its target; the patch is the DeleteOptions body (its
preconditions guard the deletion)."""


@dataclass(frozen=True)
class ObjectTarget:
    """A Kubernetes object to patch."""

    resource: str
    """MeshState/kube resource key, e.g. `trafficsplits`, `canaries`, `httproutes.policy.linkerd.io`."""
    group: str
    """API group."""
    version: str
    """API version to write with (the one the object was read with)."""
    kind: str
    """Kind of the object."""
    namespace: str
    """Namespace of the object."""
    name: str
    """Name of the object."""

    def __str__(self) -> str:
        return f"{self.kind.lower()}/{self.namespace}/{self.name}"


@dataclass(frozen=True)
class ProxyPost:
    """A POST to an in-cluster service through the API server's service proxy (Flagger load tester)."""

    namespace: str
    """Namespace of the service."""
    service: str
    """Name of the service."""
    port: int
    """Service port."""
    path: str
    """Request path, e.g. `/gate/open`."""

    def __str__(self) -> str:
        return f"POST {self.service}.{self.namespace}:{self.port}{self.path}"


@dataclass(frozen=True)
class PlannedWrite:
    """One request of an action."""

    target: ObjectTarget | ProxyPost
    """What is written to."""
    patch: Any
    """The patch (a dict for merge patches and POST bodies, a list of ops for JSON Patch)."""
    patch_type: str
    """`MERGE_PATCH`, `JSON_PATCH`, `JSON` (create) or `DELETE`."""
    subresource: str
    """`status` for status patches, else empty."""
    description: str
    """What the write does, for confirmations and the audit log."""


@dataclass(frozen=True)
class WeightPlan:
    """Percentages of one rule before and after a change."""

    split_ref: SplitRef
    """The split."""
    rule: int
    """Index of the rule in the object."""
    before: tuple[int, ...]
    """Whole percentages now."""
    after: tuple[int, ...]
    """Whole percentages after the change."""
    names: tuple[str, ...] = ()
    """Backend names, in the same order (for `diff()`)."""

    @property
    def points_moved(self) -> int:
        """Percentage points that change hands."""
        return sum(max(0, after - before) for before, after in zip(self.before, self.after, strict=False))

    def diff(self) -> list[str]:
        """One line per backend whose share changes, e.g. `web-canary 10% → 100%`."""
        names = self.names or tuple(f"#{i + 1}" for i in range(len(self.before)))
        return [f"{name} {before}% → {after}%"
                for name, before, after in zip(names, self.before, self.after, strict=False)
                if before != after]


@dataclass(frozen=True)
class ActionPlan:
    """The writes that carry out an action on a split (or on its owner)."""

    action: str
    """`pause`, `resume`, `promote`, `promote-full`, `abort` or `retry`."""
    split_ref: SplitRef
    """The split the action was asked for."""
    controller: str
    """Who carries it out: `flagger`, `argo-rollouts`, or `none` for direct weight writes."""
    summary: str
    """One sentence saying what will happen."""
    writes: tuple[PlannedWrite, ...] = ()
    """The requests, in order."""
    weights: WeightPlan | None = None
    """The weight change of a direct write, for showing a diff."""
    notes: tuple[str, ...] = field(default=())
    """Caveats the user should read before confirming."""


@dataclass(frozen=True)
class Unavailable:
    """An action that cannot be done on this split, and why."""

    action: str
    """The action asked for."""
    reason: str
    """Why not, in words for the user."""
