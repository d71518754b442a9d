"""The metrics windows meshtui offers: the one list the CLI, the dashboard, plans and PromQL share."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

__all__ = ["WINDOWS", "WINDOW_SECONDS"]

WINDOWS: tuple[str, ...] = ("1m", "5m", "15m", "1h")
"""The rate windows, shortest first: what the dashboard cycles through and an analysis may use."""

WINDOW_SECONDS: Mapping[str, int] = MappingProxyType({"1m": 60, "5m": 300, "15m": 900, "1h": 3600})
"""Length of each window in seconds."""
