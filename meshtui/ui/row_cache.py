"""Navigator rows kept between redraws, so a change to a few splits rebuilds only their rows.

A watch batch or a metrics answer usually touches a handful of a thousand splits. Each row is
kept with what it was built from: the split (by identity, else its object by identity: a
changed object is a new dict in `MeshState`), its resolved owner, the owner's Canary or Rollout
object (by identity), the health policy and the signals of its own backends.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from meshtui.model.health import HealthPolicy, backend_key
from meshtui.model.ownership import ARGO_ROLLOUTS, FLAGGER
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Split
from meshtui.ui.views import scoped, split_row
from meshtui.ui.widgets.split_list import SplitList

OWNER_RESOURCES: Mapping[str, str] = {FLAGGER: "canaries", ARGO_ROLLOUTS: "rollouts"}
"""Where each controller's owner objects live in `MeshState`."""


class _Entry:
    """One split's row and what it was built from."""

    __slots__ = ("split", "obj", "owner", "owner_obj", "policy", "keys", "signals", "values", "row")

    def __init__(self, split: Split, owner_obj: Any, policy: HealthPolicy,
                 signals: Mapping[BackendKey, GoldenSignals], keys: tuple[BackendKey, ...],
                 values: tuple[GoldenSignals | None, ...], row: SplitList.Row) -> None:
        self.split, self.obj, self.owner, self.owner_obj = split, split.obj, split.owner, owner_obj
        self.policy, self.keys, self.signals, self.values, self.row = policy, keys, signals, values, row


class RowCache:
    """The navigator rows of a `MeshState`, rebuilt only where their inputs changed."""

    def __init__(self) -> None:
        """Start empty."""
        self._entries: dict[Any, _Entry] = {}
        self._owners: dict[tuple[str, str, str], tuple[Any, Any]] = {}
        self._last: tuple[Any, ...] = (None, -1, None, None)
        self._signals: Mapping[BackendKey, GoldenSignals] = {}
        self._splits: list[Split] = []
        self._list: list[SplitList.Row] = []
        self._by_backend: dict[BackendKey, list[int]] | None = None

    def owner_state(self, state: Any, split: Split) -> tuple[Any, Any]:
        """(owner object, owner state) of `split`, parsed again only when that object changed."""
        owner = split.owner
        if owner is None or not owner.name or owner.controller not in OWNER_RESOURCES:
            # Only Canaries and Rollouts have a state (`MeshState.owner_state` says None too).
            return None, None
        resource = OWNER_RESOURCES[owner.controller]
        obj = state.get(resource, split.namespace, owner.name)
        key = (resource, split.namespace, owner.name)
        cached = self._owners.get(key)
        if cached is None or cached[0] is not obj:
            cached = self._owners[key] = (obj, state.owner_state(split))
        return cached

    def rows(self, state: Any, scope: str | None, signals: Mapping[BackendKey, GoldenSignals],
             policy: HealthPolicy) -> list[SplitList.Row]:
        """The navigator rows of the splits in `scope`, reusing every row whose inputs are the same.

        Returns:
            The rows, in `MeshState.splits` order; the same list object when nothing changed.
        """
        if self._last == (state, state.version, scope, policy):
            if signals is not self._signals:
                self._signals_changed(state, signals, policy)
            return self._list
        self._last = (state, state.version, scope, policy)
        self._signals = signals
        self._splits = scoped(state.splits(), scope)
        self._by_backend = None
        self._list = [self._row(state, split, signals, policy) for split in self._splits]
        # Only splits in view are kept, so a scope change rebuilds at most once per split.
        self._entries = {split.ref: self._entries[split.ref] for split in self._splits}
        return self._list

    def _signals_changed(self, state: Any, signals: Mapping[BackendKey, GoldenSignals],
                         policy: HealthPolicy) -> None:
        """Rebuild only the rows of backends whose signals differ from the last answer."""
        old, self._signals = self._signals, signals
        changed = {key for key, value in signals.items() if old.get(key) != value}
        changed.update(key for key in old if key not in signals)
        if self._by_backend is None:
            self._by_backend = {}
            for position, split in enumerate(self._splits):
                for key in self._entries[split.ref].keys:
                    self._by_backend.setdefault(key, []).append(position)
        positions = sorted({p for key in changed for p in self._by_backend.get(key, ())})
        if not positions:
            return
        rows = list(self._list)
        for position in positions:
            rows[position] = self._row(state, self._splits[position], signals, policy)
        self._list = rows

    def _row(self, state: Any, split: Split, signals: Mapping[BackendKey, GoldenSignals],
             policy: HealthPolicy) -> SplitList.Row:
        """The row of one split, from the cache when what it is built from is unchanged."""
        owner_obj, owner_state = self.owner_state(state, split)
        entry = self._entries.get(split.ref)
        if entry is not None and (entry.split is split or (entry.obj is split.obj
                                                           and entry.owner == split.owner)):
            keys = entry.keys
            if entry.owner_obj is owner_obj and entry.policy is policy:
                if entry.signals is signals:
                    return entry.row
                values = tuple([signals.get(key) for key in keys])
                if values == entry.values:
                    entry.signals = signals
                    return entry.row
        else:
            keys = tuple([backend_key(backend) for backend in split.backends])
        values = tuple([signals.get(key) for key in keys])
        row = split_row(split, owner_state, signals, policy)
        self._entries[split.ref] = _Entry(split, owner_obj, policy, signals, keys, values, row)
        return row
