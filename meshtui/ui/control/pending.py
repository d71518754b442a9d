"""Pending weight changes: what the user is editing before anything is written (pure, no I/O)."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from meshtui.model.write_descriptions import WeightPlan
from meshtui.model.roles import stable_and_canary
from meshtui.model.split import Split, SplitRef
from meshtui.model.weight_writes import rule_percents
from meshtui.model.weights import all_to, set_percent, shift

TYPED_CONFIRMATION_POINTS = 50
"""A change moving at least this many percentage points needs the split's name typed."""


class NotEditable(ValueError):
    """The split's weights cannot be edited (no backends, or unreadable weights)."""


@dataclass(frozen=True)
class PendingChange:
    """Weights of one rule of a split as the user wants them, next to the live ones."""

    ref: SplitRef
    """The split being edited."""
    rule: int
    """Index of the rule edited (in `spec.rules`; 0 for a TrafficSplit)."""
    names: tuple[str, ...]
    """Backend names of the rule, in order."""
    live: tuple[int, ...]
    """Live percentages when the edit was last compared with the cluster."""
    pending: tuple[int, ...]
    """The percentages the user asked for."""

    @property
    def changed(self) -> bool:
        """True when the pending weights differ from the live ones."""
        return self.pending != self.live

    def plan(self) -> WeightPlan:
        """The change as a weight plan (diff and points moved)."""
        return WeightPlan(self.ref, self.rule, self.live, self.pending, self.names)

    def with_pending(self, pending: list[int] | tuple[int, ...]) -> PendingChange:
        """The same edit with new pending percentages."""
        return replace(self, pending=tuple(pending))

    def against(self, split: Split) -> PendingChange:
        """The same pending weights, compared with the split as it is now."""
        return replace(self, live=tuple(rule_percents(split, self.rule)))


def rule_indexes(split: Split) -> tuple[int, ...]:
    """The indexes (in `spec.rules`) of the split's rules that have backends, in order."""
    return tuple(dict.fromkeys(b.rule for b in split.backends))


def editable_backends(split: Split, rule: int | None = None) -> tuple[int, tuple[str, ...]]:
    """A rule's index and backend names (the first rule's without `rule`).

    Raises:
        NotEditable: When the split has no backends, no such rule, or a weight cannot be read.
    """
    if not split.backends:
        raise NotEditable(f"{split.ref} has no backends")
    rule = split.backends[0].rule if rule is None else rule
    backends = [b for b in split.backends if b.rule == rule]
    if not backends:
        raise NotEditable(f"{split.ref} has no rule {rule + 1} with backends")
    if any(b.weight is None for b in backends):
        raise NotEditable(f"{split.ref} has unreadable weights; fix them first")
    return rule, tuple(b.name for b in backends)


def start_edit(split: Split, rule: int | None = None) -> PendingChange:
    """An edit of one rule of `split` (the first without `rule`) with nothing changed yet.

    Raises:
        NotEditable: See `editable_backends`.
    """
    rule, names = editable_backends(split, rule)
    live = tuple(rule_percents(split, rule))
    return PendingChange(split.ref, rule, names, live, live)


def stable_index(split: Split, owner_state: object = None, rule: int | None = None) -> int | None:
    """Index (within the rule, the first by default) of the stable backend."""
    stable, _ = stable_and_canary(_rule_only(split, rule), owner_state)  # type: ignore[arg-type]
    return stable


def canary_index(split: Split, owner_state: object = None, rule: int | None = None) -> int | None:
    """Index (within the rule, the first by default) of the canary backend."""
    _, canary = stable_and_canary(_rule_only(split, rule), owner_state)  # type: ignore[arg-type]
    return canary


def _rule_only(split: Split, rule: int | None) -> Split:
    """The split with only one rule's backends: roles are decided among them, and their
    indexes are indexes within the rule."""
    if not split.backends:
        return split
    rule = split.backends[0].rule if rule is None else rule
    return replace(split, backends=tuple(b for b in split.backends if b.rule == rule))


def shifted(change: PendingChange, index: int, points: int, stable: int | None) -> PendingChange:
    """Move `points` to backend `index`; the stable backend is the partner of two-backend splits.

    With two backends, `+n` then `-n` comes back to the same weights; with more, the others are
    rescaled.
    """
    partner = stable if len(change.pending) == 2 and stable is not None and stable != index else None
    return change.with_pending(shift(change.pending, index, points, partner=partner))


def set_to(change: PendingChange, index: int, value: int) -> PendingChange:
    """Give backend `index` exactly `value` percent, rescaling the others."""
    return change.with_pending(set_percent(change.pending, index, value))


def all_to_backend(change: PendingChange, index: int) -> PendingChange:
    """Send everything to one backend."""
    return change.with_pending(all_to(change.pending, index))


def production(context: str, pattern: str) -> bool:
    """Whether a kube context counts as production (`pattern` searched in its name)."""
    try:
        return bool(pattern) and re.search(pattern, context or "") is not None
    except re.error:
        return True  # a broken pattern errs on the safe side


def needs_typed_confirmation(points_moved: int, context: str, pattern: str) -> bool:
    """Big changes, and every change in a production context, need the split's name typed."""
    return points_moved >= TYPED_CONFIRMATION_POINTS or production(context, pattern)
