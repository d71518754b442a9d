"""Remember when each split's weights changed, for the markers on its charts."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

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
        self._weights: dict[SplitRef, tuple] = {}

    def observe(self, splits: Iterable[Split], now: float) -> None:
        """Compare every split's weights with the last look; a split seen first is no change."""
        weights = {split.ref: weights_signature(split) for split in splits}
        for ref, signature in weights.items():
            previous = self._weights.get(ref)
            if previous is not None and previous != signature:
                marks = self.changes.setdefault(ref, [])
                marks.append(now)
                del marks[:-MAX_MARKS]
        self._weights = weights
