"""How a span of time is written wherever meshtui shows one: plan steps, window coverage, ages."""

from __future__ import annotations

__all__ = ["format_duration"]


def format_duration(seconds: float) -> str:
    """Write a span exactly to the second in its largest units, under a second in milliseconds.

    ``45`` -> ``45s``, ``60`` -> ``1m``, ``90`` -> ``1m30s``, ``5400`` -> ``1h30m``, ``0.5`` ->
    ``500ms``; zero, negative and sub-millisecond spans are ``0s``.
    """
    millis = round(seconds * 1000)
    if millis <= 0:
        return "0s"
    if millis < 1000:
        return f"{millis}ms"
    whole = round(seconds)
    minutes, secs = divmod(whole, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours}h" if hours else "", f"{minutes}m" if minutes else "", f"{secs}s" if secs else ""]
    return "".join(parts)
