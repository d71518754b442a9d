"""Provides the backend record the per-kind parsers hand back before percentages are known."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class RawBackend:
    """A backend as read from the object, before its share of the rule is computed."""

    name: str
    """Service name."""
    namespace: str
    """Service namespace."""
    weight: Fraction | None
    """Parsed weight; None when missing or malformed."""
    raw_weight: Any
    """The weight as found in the object."""
    rule: int = 0
    """Index of the rule in the object."""
    port: int | None = None
    """Service port, for HTTPRoute backendRefs."""
    position: int = 0
    """Index in the backends / backendRefs list."""
    kind: str = "Service"
    """Kind of the reference."""
