"""Navigator rows kept between redraws, so a change to a few splits rebuilds only their rows.

A watch batch or a metrics answer usually touches a handful of a thousand splits. Each row is
kept with what it was built from: the split (by identity, else its object by identity: a
changed object is a new dict in `MeshState`), its resolved owner, the owner's Canary or Rollout
object (by identity), the health policy, the metrics window, the signals of its own backends and
whether its weights changed within the window (shares are not judged until a window after).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from meshtui.model.findings import HealthPolicy, Window
from meshtui.model.health import backend_key
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Split
from meshtui.ui.views import scoped, split_row
from meshtui.ui.widgets.split_list import SplitList

class _Entry:
    """One split's row and what it was built from."""

    __slots__ = ("split", "obj", "owner", "owner_obj", "policy", "keys", "signals", "values", "row",
                 "window", "young")

    def __init__(self, split: Split, owner_obj: Any, policy: HealthPolicy,
                 signals: Mapping[BackendKey, GoldenSignals], keys: tuple[BackendKey, ...],
                 values: tuple[GoldenSignals | None, ...], row: SplitList.Row,
                 window: Window, young: bool) -> None:
        self.split, self.obj, self.owner, self.owner_obj = split, split.obj, split.owner, owner_obj
        self.policy, self.keys, self.signals, self.values, self.row = policy, keys, signals, values, row
        self.window, self.young = window, young


def _never_changed(ref: Any) -> float | None:
    return None


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
        self._window = Window()
        self._last_change: Callable[[Any], float | None] = _never_changed
        self._now = 0.0

    def owner_state(self, state: Any, split: Split) -> tuple[Any, Any]:
        """(owner object, owner state) of `split`, parsed again only when that object changed."""
        owner = split.owner
        if owner is None or not owner.name:
            return None, None
        # The owning object (or the split itself, for linkerd-failover): None when not known.
        obj = state.owner_object(split)
        if obj is None:
            return None, None
        key = (owner.controller, owner.namespace or split.namespace, owner.name)
        cached = self._owners.get(key)
        if cached is None or cached[0] is not obj:
            cached = self._owners[key] = (obj, state.owner_state(split))
        return cached

    def rows(self, state: Any, scope: str | None, signals: Mapping[BackendKey, GoldenSignals],
             policy: HealthPolicy, window: Window = Window(),
             last_change: Callable[[Any], float | None] = _never_changed,
             now: float = 0.0) -> list[SplitList.Row]:
        """The navigator rows of the splits in `scope`, reusing every row whose inputs are the same.

        Args:
            state: The `MeshState`.
            scope: Namespace, or None for all.
            signals: Latest signals per backend.
            policy: Thresholds.
            window: The window of `signals` and how much of it data covers.
            last_change: Split ref → latest time its weights can have changed (None: unknown).
            now: The clock `last_change` is measured on.

        Returns:
            The rows, in `MeshState.splits` order; the same list object when nothing changed.
        """
        self._last_change, self._now = last_change, now
        if self._last == (state, state.version, scope, policy, window):
            if signals is not self._signals:
                self._signals_changed(state, signals, policy)
            self._aged(state, signals, policy)
            return self._list
        self._window = window
        self._last = (state, state.version, scope, policy, window)
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
        # By identity first: the pipeline hands unchanged figures over as the same objects.
        changed = {key for key, value in signals.items()
                   if (before := old.get(key)) is not value and before != value}
        changed.update(key for key in old if key not in signals)
        if self._by_backend is None:
            self._by_backend = {}
            for position, split in enumerate(self._splits):
                for key in self._entries[split.ref].keys:
                    self._by_backend.setdefault(key, []).append(position)
        positions = sorted({p for key in changed for p in self._by_backend.get(key, ())})
        self._rebuild(state, positions, signals, policy)

    def _aged(self, state: Any, signals: Mapping[BackendKey, GoldenSignals],
              policy: HealthPolicy) -> None:
        """Rebuild the rows whose last weight change just left the window.

        A change entering it comes with a new object, which rebuilds the row anyway.
        """
        entries = self._entries
        positions = [position for position, split in enumerate(self._splits)
                     if entries[split.ref].young and not self._young(split)]
        self._rebuild(state, positions, signals, policy)

    def _rebuild(self, state: Any, positions: list[int], signals: Mapping[BackendKey, GoldenSignals],
                 policy: HealthPolicy) -> None:
        if not positions:
            return
        rows = list(self._list)
        for position in positions:
            rows[position] = self._row(state, self._splits[position], signals, policy)
        self._list = rows

    def _since_change(self, split: Split) -> float | None:
        changed = self._last_change(split.ref)
        return None if changed is None else self._now - changed

    def _young(self, split: Split) -> bool:
        """Whether the split's weights changed within the window (its shares are not judged)."""
        since = self._since_change(split)
        return since is not None and since < self._window.seconds

    def _row(self, state: Any, split: Split, signals: Mapping[BackendKey, GoldenSignals],
             policy: HealthPolicy) -> SplitList.Row:
        """The row of one split, from the cache when what it is built from is unchanged."""
        owner_obj, owner_state = self.owner_state(state, split)
        entry = self._entries.get(split.ref)
        young = self._young(split)
        if entry is not None and (entry.split is split or (entry.obj is split.obj
                                                           and entry.owner == split.owner)):
            keys = entry.keys
            if (entry.owner_obj is owner_obj and entry.policy is policy
                    and entry.window == self._window and entry.young == young):
                if entry.signals is signals:
                    return entry.row
                values = tuple([signals.get(key) for key in keys])
                if values == entry.values:
                    entry.signals = signals
                    return entry.row
        else:
            keys = tuple([backend_key(backend) for backend in split.backends])
        values = tuple([signals.get(key) for key in keys])
        row = split_row(split, owner_state, signals, policy, self._window, self._since_change(split))
        self._entries[split.ref] = _Entry(split, owner_obj, policy, signals, keys, values, row,
                                          self._window, young)
        return row
