"""Provides Kubernetes resource-quantity parsing, as used by SMI TrafficSplit v1alpha1 weights.

A quantity is `<number><suffix>` where the suffix is a decimal SI prefix (`n u m k M G T P E`), a
binary one (`Ki Mi Gi Ti Pi Ei`) or a decimal exponent (`e3`, `E-2`). Values are returned as exact
fractions so that `"500m"` and `"1/2"` of a weight compare equal without float error.

Quantities come from objects anybody with edit rights may have written, so their size is bounded
before any conversion: at most `MAX_QUANTITY_LENGTH` characters (Python refuses to read an int of
more than 4,300 digits, and big exact fractions make every later sum slow) and a value of at most
`MAX_QUANTITY` (the largest int64, the most any Kubernetes weight holds).
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from functools import lru_cache

from meshtui.model.text import short_repr

__all__ = ["MAX_QUANTITY", "MAX_QUANTITY_LENGTH", "QuantityError", "parse_quantity"]


MAX_QUANTITY_LENGTH = 64
"""The longest quantity string read; a weight never needs more digits."""
MAX_QUANTITY = 2**63 - 1
"""The largest quantity accepted (int64, as Kubernetes stores integer fields)."""


class QuantityError(ValueError):
    """A value is not a non-negative Kubernetes quantity; the message names the value.

    Attributes:
        reason: `malformed`, `negative`, `too large` or `too long`, for callers that word
            their own message.
    """

    def __init__(self, message: str, reason: str = "malformed") -> None:
        super().__init__(message)
        self.reason = reason


_DECIMAL_SUFFIXES: dict[str, Fraction] = {
    "n": Fraction(1, 10**9),
    "u": Fraction(1, 10**6),
    "m": Fraction(1, 10**3),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
}
_BINARY_SUFFIXES: dict[str, Fraction] = {
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}

# Kubernetes' own grammar: an optionally signed decimal (digits on at least one side of the point)
# followed by one suffix. The exponent form is tried before the SI form so "1E3" is 1000, not 1 exa-3.
# ASCII digits only: `\d` would also take Arabic-Indic or full-width digits, which Kubernetes refuses.
_NUMBER = r"(?P<sign>[+-])?(?P<digits>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_EXPONENT_RE = re.compile(_NUMBER + r"[eE](?P<exp>[+-]?[0-9]+)")
_SUFFIX_RE = re.compile(_NUMBER + r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]?)")

# Exponents this large are never a real weight and would make Fraction arithmetic explode.
_MAX_EXPONENT = 30


def parse_quantity(value: int | float | str) -> Fraction:
    """Parse a Kubernetes quantity into an exact, non-negative fraction.

    Args:
        value: An int, a float or a quantity string such as `"100"`, `"500m"`, `"1k"`, `"1Ki"`,
            `"1e3"`.

    Returns:
        The quantity's value as a `Fraction`.

    Raises:
        QuantityError: For bool, None, negative, NaN or infinite numbers, values above
            `MAX_QUANTITY`, strings longer than `MAX_QUANTITY_LENGTH` and strings that are not
            quantities. The message names the offending value (cut short).
    """
    if isinstance(value, bool) or value is None:
        raise QuantityError(f"not a quantity: {short_repr(value)}")
    if type(value) is str and len(value) > MAX_QUANTITY_LENGTH:
        # Refused before the cache, which would otherwise keep the long string alive.
        raise QuantityError(f"quantity of {len(value):,} characters is too long: "
                            f"{short_repr(value)}", "too long")
    if type(value) is str or type(value) is int:
        # A mesh repeats a handful of weights ("50", "500m", 100) across all its splits, and the
        # Fractions are immutable, so the parsed values can be shared.
        return _parse_cached(value)
    return _parse(value)


@lru_cache(maxsize=4096)
def _parse_cached(value: int | str) -> Fraction:
    """`_parse` for exact str and int values (the cache keys; bool never reaches here)."""
    return _parse(value)


def _parse(value: int | float | str) -> Fraction:
    """Parse a quantity that is not None or a bool (see `parse_quantity`)."""
    if isinstance(value, int):
        if value > MAX_QUANTITY:
            raise QuantityError(f"quantity too large: {short_repr(value)}", "too large")
        return _non_negative(Fraction(value), value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise QuantityError(f"not a finite quantity: {short_repr(value)}")
        if value > MAX_QUANTITY:
            raise QuantityError(f"quantity too large: {short_repr(value)}", "too large")
        # repr() gives the shortest decimal that round-trips, so 0.1 becomes 1/10, not a binary fraction.
        return _non_negative(Fraction(repr(value)), value)
    if not isinstance(value, str):
        raise QuantityError(f"not a quantity: {short_repr(value)} ({type(value).__name__})")
    text = value.strip()
    match = _EXPONENT_RE.fullmatch(text)
    if match is not None:
        exponent = int(match["exp"])
        if abs(exponent) > _MAX_EXPONENT:
            raise QuantityError(f"quantity exponent out of range: {short_repr(value)}")
        multiplier = Fraction(10) ** exponent
    else:
        match = _SUFFIX_RE.fullmatch(text)
        if match is None:
            raise QuantityError(f"not a quantity: {short_repr(value)}")
        suffix = match["suffix"]
        multiplier = _BINARY_SUFFIXES.get(suffix) or _DECIMAL_SUFFIXES[suffix]
    number = Fraction(match["digits"]) * multiplier
    if match["sign"] == "-":
        number = -number
    if number > MAX_QUANTITY:
        raise QuantityError(f"quantity too large: {short_repr(value)}", "too large")
    return _non_negative(number, value)


def _non_negative(number: Fraction, original: object) -> Fraction:
    """Return `number`, refusing negative values (weights can never be negative)."""
    if number < 0:
        raise QuantityError(f"negative quantity: {short_repr(original)}", "negative")
    return number
