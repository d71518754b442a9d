"""Provides the lookup of which Canary or Rollout drives a split that does not name its owner."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from meshtui.model._fields import as_str
from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.ownership import ARGO_ROLLOUTS, FLAGGER, Owner
from meshtui.model.split import Split


@dataclass
class OwnerIndex:
    """Canaries by apex and Rollouts by the split names they route through, per namespace."""

    canaries: dict[tuple[str, str], tuple[CanaryState, Owner]] = field(default_factory=dict)
    """(namespace, apex) -> the Canary whose Flagger objects are named after that apex."""
    rollout_splits: dict[tuple[str, str], Owner] = field(default_factory=dict)
    """(namespace, TrafficSplit name) -> the Rollout whose SMI routing uses it."""
    rollout_routes: dict[tuple[str, str], Owner] = field(default_factory=dict)
    """(namespace, HTTPRoute name) -> the Rollout whose Gateway API plugin edits it."""

    @classmethod
    def build(cls, canaries: Iterable[dict[str, Any]], rollouts: Iterable[dict[str, Any]]) -> OwnerIndex:
        """Index Canary and Rollout objects (the first one wins when two claim the same split)."""
        index = cls()
        for obj in canaries:
            state = CanaryState.from_object(obj)
            owner = Owner("Canary", state.name, as_str(obj.get("apiVersion"), "flagger.app/v1beta1"), FLAGGER)
            if state.apex and state.name:
                index.canaries.setdefault((state.namespace, state.apex), (state, owner))
        for obj in rollouts:
            rollout = RolloutState.from_object(obj)
            if not rollout.name:
                continue
            owner = Owner("Rollout", rollout.name, as_str(obj.get("apiVersion"), "argoproj.io/v1alpha1"),
                          ARGO_ROLLOUTS)
            if rollout.traffic_split_name:
                index.rollout_splits.setdefault((rollout.namespace, rollout.traffic_split_name), owner)
            for route in rollout.http_routes:
                index.rollout_routes.setdefault((rollout.namespace, route), owner)
        return index

    def resolve(self, split: Split) -> Owner | None:
        """Name the owner of a split whose object names none, or only its controller."""
        owner = split.owner
        if owner is not None and owner.name:
            return owner
        key = (split.namespace, split.name)
        if owner is None or owner.controller == ARGO_ROLLOUTS:
            table = self.rollout_splits if split.kind == "TrafficSplit" else self.rollout_routes
            if key in table:
                return table[key]
        if owner is None or owner.controller == FLAGGER:
            found = self.canaries.get(key)
            # Without a hint from the object, only a split shaped like Flagger's counts as the Canary's.
            if found is not None and (owner is not None or
                                      found[0].primary_service in {b.name for b in split.backends}):
                return found[1]
        return owner
