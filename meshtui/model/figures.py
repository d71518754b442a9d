"""How signal figures are written: short texts of known width for tables, axes and legends.

Pure functions, shared by the dashboard and anything else that prints a success rate, a request
rate or a latency, so a figure reads the same wherever it appears.
"""

from __future__ import annotations

NO_DATA = "—"
"""Shown wherever a value is unknown: never 0, which would be a lie."""


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


def axis_percent(value: float) -> str:
    """A chart axis or legend value already in percent, e.g. ``"99.5%"``."""
    return f"{value:.1f}%"


def axis_rps(value: float) -> str:
    """A chart axis or legend value in requests per second, e.g. ``"12.3"``."""
    return f"{value:.1f}"


def axis_ms(value: float) -> str:
    """A chart axis or legend value in milliseconds, e.g. ``"63"``."""
    return f"{value:.0f}"
