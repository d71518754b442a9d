"""Tests of Kubernetes quantity parsing."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.quantity import QuantityError, parse_quantity
from tests.model.hypothesis_settings import QUICK


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (100, Fraction(100)),
        ("100", Fraction(100)),
        ("500m", Fraction(1, 2)),
        ("1k", Fraction(1000)),
        ("1Ki", Fraction(1024)),
        ("2Mi", Fraction(2 * 2**20)),
        ("1e3", Fraction(1000)),
        ("1E3", Fraction(1000)),
        ("5e-1", Fraction(1, 2)),
        (1.5, Fraction(3, 2)),
        (0.1, Fraction(1, 10)),
        ("0", Fraction(0)),
        ("+5", Fraction(5)),
        (".5", Fraction(1, 2)),
        ("1.5k", Fraction(1500)),
        ("250u", Fraction(1, 4000)),
        ("3n", Fraction(3, 10**9)),
        ("1M", Fraction(10**6)),
        ("1G", Fraction(10**9)),
    ],
)
def test_parses_quantities(value: object, expected: Fraction) -> None:
    """Plain numbers, SI and binary suffixes and exponents give exact values."""
    assert parse_quantity(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (True, "True"),
        (None, "None"),
        (-1, "-1"),
        ("-500m", "-500m"),
        (float("nan"), "nan"),
        (float("inf"), "inf"),
        ("abc", "abc"),
        ("1 k", "1 k"),
        ("", "''"),
        ("1m2", "1m2"),
        ("1KiB", "1KiB"),
        ([1], "[1]"),
        ("1e400", "1e400"),
    ],
)
def test_refuses_garbage_and_names_it(value: object, fragment: str) -> None:
    """Every refusal is a QuantityError whose message names the bad value."""
    with pytest.raises(QuantityError) as caught:
        parse_quantity(value)  # type: ignore[arg-type]
    assert fragment in str(caught.value)


def test_quantity_error_is_a_value_error() -> None:
    """Callers catching ValueError also catch quantity errors."""
    assert issubclass(QuantityError, ValueError)


@QUICK
@given(st.integers(min_value=0, max_value=10**12))
def test_integer_strings_round_trip(number: int) -> None:
    """Any non-negative integer reads the same as an int and as a string."""
    assert parse_quantity(number) == parse_quantity(str(number)) == number


@QUICK
@given(st.integers(min_value=0, max_value=10**9))
def test_milli_suffix_divides_by_a_thousand(number: int) -> None:
    """`<n>m` is exactly n/1000."""
    assert parse_quantity(f"{number}m") == Fraction(number, 1000)


@QUICK
@given(st.text(max_size=12))
def test_never_raises_anything_but_quantity_error(text: str) -> None:
    """Arbitrary strings either parse to a non-negative value or raise QuantityError."""
    try:
        assert parse_quantity(text) >= 0
    except QuantityError:
        pass
