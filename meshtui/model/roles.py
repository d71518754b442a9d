"""Provides the choice of which backend of a split is stable and which is the canary."""

from __future__ import annotations

from meshtui.model.owners import OwnerState, registry
from meshtui.model.split import Backend, Split
from meshtui.model.split_annotations import STABLE_ANNOTATION

__all__ = ["STABLE_ANNOTATION", "stable_and_canary"]


def stable_and_canary(split: Split, owner_state: OwnerState | None = None
                      ) -> tuple[int | None, int | None]:
    """Pick the stable and the canary backend of a split's first rule.

    Stable is, in order: the owner's stable service (`<apex>-primary` for Flagger, the Rollout's
    `stableService`), the backend named by the `meshtui.io/stable` annotation (a user's choice),
    the split's own apex service, `<apex>-primary` or `<apex>-stable`, else the backend with the
    most weight.
    The canary is the owner's canary service, else `<apex>-canary`, else the other backend of a
    pair, else the heaviest non-stable one.

    Args:
        split: The split.
        owner_state: State of the split's owner (`MeshState.owner_state`), if known.

    Returns:
        Indexes into `split.backends` of the stable and the canary backend (None when there is none).
    """
    if not split.backends:
        return None, None
    first_rule = split.backends[0].rule
    candidates = [i for i, backend in enumerate(split.backends) if backend.rule == first_rule]
    stable_names, canary_name = _owner_names(owner_state)
    stable_names += [split.annotations.get(STABLE_ANNOTATION, ""), split.service]
    if split.service:
        # Flagger's and Argo's naming conventions, for splits whose owner is not (yet) known.
        stable_names += [f"{split.service}-primary", f"{split.service}-stable"]
    stable = _first_named(split, candidates, stable_names)
    if stable is None:
        stable = max(candidates, key=lambda i: (_weight(split.backends[i]), -i))
    others = [i for i in candidates if i != stable]
    if not others:
        return stable, None
    canary = _first_named(split, others, [canary_name, f"{split.service}-canary" if split.service else ""])
    if canary is None:
        canary = max(others, key=lambda i: (_weight(split.backends[i]), -i))
    return stable, canary


def _owner_names(owner_state: OwnerState | None) -> tuple[list[str], str]:
    """The stable and canary service names an owner declares."""
    kind = registry.by_state(owner_state) if owner_state is not None else None
    if kind is None:
        return [], ""
    stable, canary = kind.roles(owner_state)
    return list(stable), canary


def _first_named(split: Split, indexes: list[int], names: list[str]) -> int | None:
    """The first index whose backend has the earliest-listed non-empty name."""
    for name in names:
        if not name:
            continue
        for i in indexes:
            if split.backends[i].name == name:
                return i
    return None


def _weight(backend: Backend) -> float:
    """A backend's weight for ranking; unknown counts as none."""
    return float(backend.weight) if backend.weight is not None else -1.0
