"""Formatting helpers shared by the widgets: numbers to short, fixed-width-friendly strings.

Signal figures (success rates, request rates, latencies) are written by `meshtui.model.figures`.
"""

from __future__ import annotations

from collections.abc import Sequence

from meshtui.model.figures import NO_DATA


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
