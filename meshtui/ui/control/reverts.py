"""Watch a split for a while after meshtui wrote its weights, and tell who changed them back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from meshtui.model.actions import detect_revert
from meshtui.model.split import Split, SplitRef
from meshtui.model.weight_writes import rule_percents

REVERT_WINDOW = 10.0
"""Seconds after a write during which a change back is reported."""


@dataclass
class _Watch:
    """One recent write: what was written, the resourceVersion it produced, and when."""

    rule: int
    written: tuple[int, ...]
    resource_version: str
    at: float
    seen: bool = False


class RevertWatcher:
    """Remembers meshtui's recent weight writes and compares the splits as they change."""

    def __init__(self, window: float = REVERT_WINDOW) -> None:
        """Create an empty watcher.

        Args:
            window: Seconds after a write during which changes are reported.
        """
        self.window = window
        self._watches: dict[SplitRef, _Watch] = {}

    def expect(self, ref: SplitRef, rule: int, written: tuple[int, ...], resource_version: str,
               at: float) -> None:
        """Start watching a split meshtui just wrote (`resource_version` is the one it produced)."""
        self._watches[ref] = _Watch(rule, tuple(written), resource_version, at)

    def watching(self, ref: SplitRef) -> bool:
        """Whether a recent write of `ref` is being watched."""
        return ref in self._watches

    def check(self, lookup: Callable[[SplitRef], Split | None], now: float) -> list[tuple[SplitRef, str]]:
        """Compare every watched split with its written weights.

        A split is judged only once meshtui's own write has been seen (so a late event from
        before the write is not taken for a revert).

        Args:
            lookup: Split by ref, as the dashboard knows it now.
            now: The same clock the writes were timed with.

        Returns:
            ``(ref, "reverted by argo-rollouts after 2 s")`` for each split changed back.
        """
        found: list[tuple[SplitRef, str]] = []
        for ref, watch in list(self._watches.items()):
            elapsed = now - watch.at
            if elapsed > self.window:
                del self._watches[ref]
                continue
            split = lookup(ref)
            if split is None:
                continue
            current = tuple(rule_percents(split, watch.rule))
            if split.resource_version == watch.resource_version or current == watch.written:
                watch.seen = True
                continue
            if not watch.seen:
                continue
            managed = (split.obj.get("metadata") or {}).get("managedFields")
            message = detect_revert(watch.written, current, managed, elapsed)
            if message:
                found.append((ref, message))
                del self._watches[ref]
        return found
