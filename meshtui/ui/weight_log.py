"""Remember when each split's weights changed, for the markers on its charts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from meshtui.model.findings import written_at
from meshtui.ui.views import weights_signature

if TYPE_CHECKING:
    from meshtui.model.split import Split, SplitRef

MAX_MARKS = 100
"""Changes kept per split; older ones are long off any chart window."""


class WeightLog:
    """Times at which each split was seen with different weights than before."""

    def __init__(self) -> None:
        """Start with nothing seen."""
        self.changes: dict[SplitRef, list[float]] = {}
        """Split → times its weights changed, oldest first."""
        self.written: dict[SplitRef, float] = {}
        """Split → when its object was last written, from its metadata (see `written_at`)."""
        self._weights: dict[SplitRef, tuple[object, tuple]] = {}

    def last_change(self, ref: SplitRef) -> float | None:
        """The latest time the split's weights can have changed, None when nothing tells."""
        marks = self.changes.get(ref)
        times = [t for t in (marks[-1] if marks else None, self.written.get(ref)) if t is not None]
        return max(times) if times else None

    def observe(self, splits: Iterable[Split], now: float) -> None:
        """Compare every split's weights with the last look; a split seen first is no change.

        A split whose object is the one seen last time (`MeshState` keeps an unchanged object)
        cannot have new weights, so only changed objects are looked at.
        """
        seen = self._weights
        weights: dict[SplitRef, tuple[object, tuple]] = {}
        for split in splits:
            ref = split.ref
            previous = seen.get(ref)
            if previous is not None and previous[0] is split.obj:
                weights[ref] = previous
                continue
            signature = weights_signature(split)
            weights[ref] = (split.obj, signature)
            written = written_at(split)
            if written is not None:
                self.written[ref] = written
            else:
                self.written.pop(ref, None)
            if previous is not None and previous[1] != signature:
                marks = self.changes.setdefault(ref, [])
                marks.append(now)
                del marks[:-MAX_MARKS]
        for gone in self._weights.keys() - weights.keys():
            self.written.pop(gone, None)
        self._weights = weights
