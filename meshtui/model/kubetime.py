"""Kubernetes times (``metav1.Time`` and ``MicroTime``) to and from epoch seconds, and the
RFC 3339 times of meshtui's own JSON (audit log, ``-o json``)."""

from __future__ import annotations

from datetime import datetime, UTC
from typing import Any

__all__ = ["micro_time", "parse_time", "rfc3339"]


def micro_time(now: float) -> str:
    """A Kubernetes MicroTime (RFC 3339 with microseconds, UTC)."""
    return datetime.fromtimestamp(now, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rfc3339(seconds: float) -> str:
    """Epoch seconds as RFC 3339 in UTC with milliseconds (``2026-12-07T06:30:00.123Z``)."""
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse_time(text: Any) -> float | None:
    """Epoch seconds of a Kubernetes Time or MicroTime, None when absent or malformed."""
    if not isinstance(text, str) or not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None

