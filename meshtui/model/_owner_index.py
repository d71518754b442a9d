"""Provides the lookup of which owning object drives a split that does not name its owner.

The one owner resolution of meshtui: `MeshState` (the dashboard) and the CLI (`get splits`,
`weight`, `pause`...) both build an `OwnerIndex` from the owning objects they read and ask it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from meshtui.model.owners import registry
from meshtui.model.owners._kind import Claim, Owner
from meshtui.model.split import Split

__all__ = ["OwnerIndex", "resolve_owners"]


@dataclass
class OwnerIndex:
    """Owning objects by the splits they claim, per (namespace, split name)."""

    claims: dict[tuple[str, str], list[tuple[Claim, Owner]]] = field(default_factory=dict)
    """(namespace, split name) -> claims on it with their owners, in registration order."""

    @classmethod
    def build(cls, objects: Mapping[str, Iterable[dict[str, Any]]],
              parsed: Callable[[str, dict[str, Any]], Any] | None = None) -> OwnerIndex:
        """Index owning objects given by resource key (keys of kinds not registered are ignored).

        Args:
            objects: Resource key (`canaries`, `rollouts`...) -> its objects.
            parsed: (resource key, object) -> its state, when the caller keeps them parsed
                (`MeshState`); by default each object is parsed here.
        """
        index = cls()
        for kind in registry.owner_kinds():
            if kind.resource is None:
                continue
            for obj in objects.get(kind.resource.key, ()):
                if not isinstance(obj, dict):
                    continue
                state = kind.parse(obj) if parsed is None else parsed(kind.resource.key, obj)
                owner = kind.owner_of_state(state)
                for claim in kind.claims(state):
                    index.claims.setdefault((claim.namespace, claim.name), []).append((claim, owner))
        return index

    def resolve(self, split: Split) -> Owner | None:
        """Name the owner of a split whose object names none, or only its controller."""
        owner = split.owner
        if owner is not None and owner.name:
            return owner
        found = [(claim, candidate) for claim, candidate in self.claims.get((split.namespace, split.name), ())
                 if not claim.split_kinds or split.kind in claim.split_kinds]
        # An owner that names the split beats one whose naming convention fits it.
        found.sort(key=lambda item: not item[0].explicit)
        for claim, candidate in found:
            if owner is not None and candidate.controller != owner.controller:
                continue
            # Without a mark on the object, a convention counts only for a split shaped like it.
            if owner is None and not claim.fits(split):
                continue
            if candidate.namespace == split.namespace:
                candidate = dataclasses.replace(candidate, namespace="")
            return candidate
        return owner


def resolve_owners(splits: Sequence[Split], objects: Mapping[str, Iterable[dict[str, Any]]]) -> list[Split]:
    """The splits with their owners resolved through the owning objects (by resource key)."""
    index = OwnerIndex.build(objects)
    resolved = []
    for split in splits:
        owner = index.resolve(split)
        resolved.append(split if owner == split.owner else dataclasses.replace(split, owner=owner))
    return resolved
