"""Formatting helpers shared by the widgets: numbers to short, fixed-width-friendly strings."""

from __future__ import annotations

from collections.abc import Sequence

NO_DATA = "—"
"""Shown wherever a value is unknown: never 0, which would be a lie."""


def format_percent(value: float | None, *, decimals: int = 0) -> str:
    """Format a percentage already in 0..100 (e.g. a weight).

    Args:
        value: The percentage, or None when unknown.
        decimals: Digits after the decimal point.

    Returns:
        The text, e.g. ``"90%"``, or the no-data dash.
    """
    if value is None:
        return NO_DATA
    return f"{value:.{decimals}f}%"


def format_ratio(value: float | None) -> str:
    """Format a success rate given as a ratio in 0..1, e.g. ``"99.52%"``.

    Args:
        value: The ratio, or None when unknown.

    Returns:
        The text; two decimals because the interesting part of a success rate is near 100%.
    """
    if value is None:
        return NO_DATA
    return f"{value * 100:.2f}%"


def format_rps(value: float | None) -> str:
    """Format requests per second compactly (``"0.5"``, ``"12.3"``, ``"1.2k"``).

    Args:
        value: Requests per second, or None when unknown.

    Returns:
        The text.
    """
    if value is None:
        return NO_DATA
    if value >= 10_000:
        return f"{value / 1000:.0f}k"
    if value >= 1000:
        return f"{value / 1000:.1f}k"
    if value >= 100:
        return f"{value:.0f}"
    return f"{value:.1f}"


def format_ms(value: float | None) -> str:
    """Format a latency in milliseconds, at most 5 cells (``"850µs"``, ``"9.6ms"``, ``"63ms"``, ``"1.2s"``).

    Two significant digits below 10 of a unit, whole units above, so a column of latencies reads
    at a glance and never needs more than ``LATENCY_WIDTH`` cells.

    Args:
        value: Milliseconds, or None when unknown.

    Returns:
        The text.
    """
    if value is None:
        return NO_DATA
    if value < 0.9995:
        return f"{value * 1000:.0f}µs"
    if value < 9.95:
        return f"{value:.1f}ms"
    if value < 999.5:
        return f"{value:.0f}ms"
    if value < 9950:
        return f"{value / 1000:.1f}s"
    return f"{value / 1000:.0f}s"


LATENCY_WIDTH = 5
"""Cells a `format_ms` text needs: every output of it below 1,000 s (``"999ms"``, ``"9.9s"``)."""
RATIO_WIDTH = 7
"""Cells a `format_ratio` text needs (``"100.00%"``)."""
RPS_WIDTH = 6
"""Cells a `format_rps` text needs (``"9999.9"`` fits; the function itself stays within 5)."""


def format_split(percents: Sequence[float]) -> str:
    """Format a weight split as ``"90/10"``; an empty split is the no-data dash.

    Args:
        percents: Percent per backend.

    Returns:
        The text.
    """
    if not percents:
        return NO_DATA
    return "/".join(f"{p:.0f}" for p in percents)
