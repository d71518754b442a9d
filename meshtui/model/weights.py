"""Provides integer-percent arithmetic over split weights that never drifts.

The UI edits whole percentages that always sum to exactly 100; writers turn them back into integer
weights on the split's own scale. Every function returns a new list and never mutates its input.

`shift` is exactly reversible (`shift(+n)` then `shift(-n)` returns the start, when nothing was
clamped) whenever points move between two backends: a two-backend split, or an explicit `partner`.
With three or more backends and no partner the others are rescaled proportionally, and no rounding
rule can make that reversible: there are fewer ways to share 49 points than 50 among the others, so
two different starting points must land on the same result.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from fractions import Fraction
from numbers import Rational, Real

from meshtui.model.text import short_repr, visible

__all__ = [
    "MAX_HTTPROUTE_WEIGHT",
    "AssignmentError",
    "MAX_PERCENT_LENGTH",
    "all_to",
    "apportion",
    "choose_scale",
    "encode_weight",
    "parse_assignments",
    "set_percent",
    "shift",
    "to_percents",
    "to_weights",
    "validate_percent",
]

MAX_HTTPROUTE_WEIGHT = 1_000_000
"""The largest weight a Gateway API backendRef accepts; scales never exceed it."""


def to_percents(weights: Sequence[Fraction | int | float | None]) -> list[int]:
    """Turn relative weights into whole percentages with the largest-remainder method.

    Args:
        weights: Relative weights; None (unknown) and negative values count as 0.

    Returns:
        Whole percentages summing to exactly 100, or all zeros when every weight is zero.
    """
    exact = [_as_fraction(weight) for weight in weights]
    return apportion(exact, 100)


def set_percent(percents: Sequence[int], index: int, value: int) -> list[int]:
    """Give one backend exactly `value` percent and rescale the others to keep the sum at 100.

    The others keep their proportions to each other; when they are all at 0 the rest is spread
    evenly among them.

    Args:
        percents: Current whole percentages.
        index: The backend to set.
        value: Its new share, 0..100.

    Returns:
        New percentages summing to 100, with `value` at `index`.

    Raises:
        ValueError: For an out-of-range index or value, or a single backend set below 100.
    """
    _check_index(percents, index)
    value = validate_percent(value)
    if len(percents) == 1:
        if value != 100:
            raise ValueError("a split with one backend always receives 100%")
        return [100]
    others = [Fraction(max(0, p)) if i != index else Fraction(0) for i, p in enumerate(percents)]
    if not any(others):
        others = [Fraction(1) if i != index else Fraction(0) for i in range(len(percents))]
    result = apportion(others, 100 - value)
    result[index] = value
    return result


def shift(percents: Sequence[int], index: int, points: int, partner: int | None = None) -> list[int]:
    """Move `points` percentage points to (or, when negative, from) one backend, clamped to 0..100.

    Args:
        percents: Current whole percentages.
        index: The backend that gains (or loses) points.
        points: How many points to move; positive adds to `index`.
        partner: The backend that gives (or takes) the points. Defaults to the other backend of a
            two-backend split; with more backends and no partner the others are rescaled.

    Returns:
        New percentages summing to 100.
    """
    _check_index(percents, index)
    target = min(100, max(0, percents[index] + points))
    if len(percents) == 1:
        return [100]
    if partner is None and len(percents) == 2:
        partner = 1 - index
    if partner is None or partner == index or sum(percents) != 100:
        # Inputs that do not sum to 100 (e.g. all zero) are normalised around the new value.
        return set_percent(percents, index, target)
    _check_index(percents, partner)
    result = list(percents)
    moved = max(-result[index], min(points, result[partner]))
    result[index] += moved
    result[partner] -= moved
    return result


def all_to(percents: Sequence[int], index: int) -> list[int]:
    """Send all traffic to one backend (100 there, 0 everywhere else)."""
    _check_index(percents, index)
    return [100 if i == index else 0 for i in range(len(percents))]


def choose_scale(weights: Sequence[Fraction | int | float | None]) -> int:
    """Pick the integer scale new weights are written on, keeping the split's own convention.

    A split whose weights sum to 1000 keeps summing to 1000; any sum that is not a positive multiple
    of 100 (or is too large for an HTTPRoute weight) falls back to 100, so percentages stay exact.
    """
    total = sum((_as_fraction(weight) for weight in weights), Fraction(0))
    if total.denominator == 1 and total > 0 and total % 100 == 0 and total <= MAX_HTTPROUTE_WEIGHT:
        return int(total)
    return 100


def to_weights(percents: Sequence[int], scale: int = 100) -> list[int]:
    """Turn whole percentages into integer weights on `scale` (e.g. 25% on 1000 is 250).

    Raises:
        ValueError: When `scale` is not a positive multiple of 100 (percentages would not stay
            exact) or exceeds the largest HTTPRoute weight.
    """
    if isinstance(scale, bool) or not isinstance(scale, int) or scale <= 0 or scale % 100:
        raise ValueError(f"weight scale must be a positive multiple of 100, got {scale!r}")
    if scale > MAX_HTTPROUTE_WEIGHT:
        raise ValueError(f"weight scale {scale} exceeds the maximum weight {MAX_HTTPROUTE_WEIGHT}")
    factor = scale // 100
    return [validate_percent(percent) * factor for percent in percents]


def encode_weight(value: int, kind: str, api_version: str) -> int | str:
    """Give a weight in the form the object's version accepts.

    SMI TrafficSplit v1alpha1 weights are quantities, which Flagger and Argo write as strings
    (`"25"`); every other version and HTTPRoute takes an int.
    """
    version = api_version.rpartition("/")[2]
    if kind == "TrafficSplit" and version == "v1alpha1":
        return str(int(value))
    return int(value)


def validate_percent(value: object) -> int:
    """Read a whole percentage typed by a user (`25`, `"25"`, `"25%"`, `25.0`).

    Typed text is held to a strict rule before any number is made of it: ASCII digits with at
    most one decimal point, at most `MAX_PERCENT_LENGTH` characters (after surrounding blanks and
    one trailing `%`). So `60/2`, `3_0`, `1e99999999`, `nan`, `inf`, `-5` or Arabic-Indic digits
    are refused at once, where Python's own number parsing would accept some of them or spend
    minutes on others. The `=` prompt and `meshtui weight` both read percentages here.

    Raises:
        ValueError: For non-numbers, fractions, negative values and values above 100, with a
            message that says what is accepted.
    """
    number: Fraction
    if isinstance(value, bool):
        raise ValueError(f"not a percentage: {value!r}")
    if isinstance(value, str):
        return _typed_percent(value)
    if isinstance(value, int):
        number = Fraction(value)
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"not a percentage: {value!r}")
        number = Fraction(value)
    elif isinstance(value, Rational):
        number = Fraction(value)
    elif isinstance(value, Real):
        number = Fraction(float(value))
    else:
        raise ValueError(f"not a percentage: {short_repr(value)}")
    return _whole_percent(number, value)


class AssignmentError(ValueError):
    """``BACKEND=PERCENT`` words a split cannot take: malformed, out of range, not adding up."""


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """Read ``BACKEND=PERCENT`` words into ``{backend: percent text}``.

    Every percentage is checked here, before any request is made; which backends exist is
    checked once the split has been read
    (`meshtui.model.weight_writes.weights_from_assignments`).

    Raises:
        AssignmentError: For a word without ``=``, an empty side, a backend given twice, a value
            that is not a whole percentage from 0 to 100, or values adding up to more than 100.
    """
    result: dict[str, str] = {}
    total = 0
    for item in items:
        backend, sep, value = item.partition("=")
        if not sep or not backend or not value.strip():
            raise AssignmentError(f"expected BACKEND=PERCENT, got {short_repr(item, 60)}")
        if backend in result:
            raise AssignmentError(f"backend {short_repr(backend, 60)} is given twice")
        try:
            total += validate_percent(value)
        except ValueError as exc:
            raise AssignmentError(f"{visible(backend, 60)}: {exc}") from None
        result[backend] = value
    if total > 100:
        raise AssignmentError(f"the percentages add up to {total}, more than 100")
    return result


MAX_PERCENT_LENGTH = 8
"""The longest percentage text accepted (`100.0000` is eight characters)."""
_TYPED_PERCENT = re.compile(r"[0-9]*\.?[0-9]*")
_HINT = "type a whole number from 0 to 100"


def _typed_percent(value: str) -> int:
    """Read typed text under the rule of `validate_percent`."""
    shown = short_repr(value, 24)
    # Blanks and the % sign are cut off a bounded slice, so a megabyte of spaces costs nothing.
    text = value[: MAX_PERCENT_LENGTH + 16].strip().removesuffix("%").strip()
    if len(value) > MAX_PERCENT_LENGTH + 16 or len(text) > MAX_PERCENT_LENGTH:
        raise ValueError(f"not a percentage: {shown} is too long ({_HINT})")
    if text.startswith("-") and _TYPED_PERCENT.fullmatch(text[1:]) and any(
            "1" <= c <= "9" for c in text[1:]):
        raise ValueError(f"a percentage cannot be negative: {shown}")
    if not _TYPED_PERCENT.fullmatch(text) or not any("0" <= c <= "9" for c in text):
        raise ValueError(f"not a percentage: {shown} ({_HINT}, digits 0-9 only)")
    return _whole_percent(Fraction(text), value)


def _whole_percent(number: Fraction, value: object) -> int:
    """`number` as an int when it is a whole number from 0 to 100."""
    shown = short_repr(value, 24)
    if number < 0:
        raise ValueError(f"a percentage cannot be negative: {shown}")
    if number > 100:
        raise ValueError(f"a percentage cannot exceed 100: {shown}")
    if number.denominator != 1:
        raise ValueError(f"a percentage must be a whole number: {shown}")
    return int(number)


def apportion(shares: Sequence[Fraction | int | float], total: int) -> list[int]:
    """Split `total` into integers proportional to `shares` (largest remainder; ties to lower index).

    The arithmetic is exact, so ties are real ties. All shares zero or less gives all zeros.
    """
    exact_shares = [Fraction(share) for share in shares]
    whole = sum(exact_shares, Fraction(0))
    if whole <= 0:
        return [0] * len(shares)
    exact = [share * total / whole for share in exact_shares]
    result = [math.floor(part) for part in exact]
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - result[i]), i))
    for i in order[: total - sum(result)]:
        result[i] += 1
    return result


def _as_fraction(weight: Fraction | int | float | None) -> Fraction:
    """Read a weight as an exact non-negative fraction; unknown or invalid weights count as 0."""
    if weight is None or isinstance(weight, bool):
        return Fraction(0)
    if isinstance(weight, float):
        if not math.isfinite(weight):
            return Fraction(0)
        weight = Fraction(repr(weight))
    return max(Fraction(0), Fraction(weight))


def _check_index(percents: Sequence[int], index: int) -> None:
    """Refuse an index outside the list (negative indexes are refused too: they hide bugs)."""
    if not 0 <= index < len(percents):
        raise IndexError(f"backend index {index} out of range for {len(percents)} backends")
