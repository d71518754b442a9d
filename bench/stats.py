"""Summaries of timing samples: the median, the 95th percentile and the count."""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any


def percentile(values: Sequence[float], q: float) -> float | None:
    """The `q`-th percentile (0..100) by the nearest-rank method, or None without values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Measure:
    """One measure of the run, as it appears in the JSON output.

    Attributes:
        id: The measure's id (e.g. ``key_to_write_ms``).
        samples: The raw samples (empty when the measure could not be taken).
        unit: What a sample counts (``ms``, ``ratio``, ``%``, ``MB``, ``queries``).
        goal: The goal as text, e.g. ``"p95 <= 30"``.
        met: Whether the goal was met (None when it could not be judged).
        note: How it was measured, when that differs from the plain reading of its name.
        by_size: For ``queries_per_refresh``: size -> count; for ``peak_rss_mb``: splits -> MB.
        by_fault: For ``key_to_frame_ms``: Prometheus mode -> its median, p95, samples, met.
    """

    id: str
    samples: tuple[float, ...]
    unit: str
    goal: str
    met: bool | None
    note: str = ""
    by_size: dict[str, float] | None = field(default=None, hash=False)
    by_fault: dict[str, dict[str, Any]] | None = field(default=None, hash=False)

    @property
    def median(self) -> float | None:
        """Median of the samples, or None without samples."""
        return statistics.median(self.samples) if self.samples else None

    @property
    def p95(self) -> float | None:
        """95th percentile (nearest rank) of the samples, or None without samples."""
        return percentile(self.samples, 95)

    def to_json(self) -> dict[str, Any]:
        """The JSON entry: median, p95, samples (a count), unit, goal, met, note, values."""
        entry: dict[str, Any] = {
            "median": _round(self.median), "p95": _round(self.p95), "samples": len(self.samples),
            "unit": self.unit, "goal": self.goal, "met": self.met,
            "values": [_round(v) for v in self.samples],
        }
        if self.by_size is not None:
            entry["by_size"] = dict(self.by_size)
        if self.by_fault is not None:
            entry["by_fault"] = {mode: dict(value) for mode, value in self.by_fault.items()}
        if self.note:
            entry["note"] = self.note
        return entry


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def at_most(value: float | None, limit: float) -> bool | None:
    """True when `value` is at most `limit`; None when there is no value."""
    return None if value is None else value <= limit
