"""Kubernetes times (``metav1.Time`` and ``MicroTime``) to and from epoch seconds."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

__all__ = ["micro_time", "parse_time", "rfc3339"]


def micro_time(now: float) -> str:
    """A Kubernetes MicroTime (RFC 3339 with microseconds, UTC)."""
    return datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: Any) -> float | None:
    """Epoch seconds of a Kubernetes Time or MicroTime, None when absent or malformed."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def rfc3339(now: float) -> str:
    """A Kubernetes Time (RFC 3339 to the second, UTC), as annotations and JSON output carry it."""
    return datetime.fromtimestamp(now, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
