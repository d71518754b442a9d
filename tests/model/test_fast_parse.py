"""The integer fast paths of split parsing agree exactly with Fraction arithmetic."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.quantity import QuantityError, parse_quantity
from meshtui.model.split import _percent, _total, parse_split
from tests.model.hypothesis_settings import QUICK

fractions = st.fractions(min_value=0, max_value=10**6, max_denominator=10**4)


@QUICK
@given(st.lists(fractions, max_size=6))
def test_total_is_the_exact_sum(weights: list[Fraction]) -> None:
    assert _total(weights) == sum(weights, Fraction(0))


@QUICK
@given(fractions, fractions)
def test_percent_is_the_same_float(weight: Fraction, total: Fraction) -> None:
    expected = float(weight * 100 / total) if weight and total else 0.0
    assert _percent(weight, total) == expected


@pytest.mark.parametrize("text", ["-1", "abc", "1e99", ""])
def test_cached_quantities_still_raise_every_time(text: str) -> None:
    for _ in range(2):
        with pytest.raises(QuantityError):
            parse_quantity(text)


def test_cached_quantities_keep_types_apart() -> None:
    assert parse_quantity("500m") == Fraction(1, 2)
    assert parse_quantity(100) == parse_quantity("100") == Fraction(100)
    assert parse_quantity(0.5) == Fraction(1, 2)
    with pytest.raises(QuantityError):
        parse_quantity(True)


def test_thirds_give_the_rounded_percentages() -> None:
    split = parse_split({
        "apiVersion": "split.smi-spec.io/v1alpha1", "kind": "TrafficSplit",
        "metadata": {"name": "s", "namespace": "n"},
        "spec": {"service": "s", "backends": [{"service": "a", "weight": "1"},
                                              {"service": "b", "weight": "2"},
                                              {"service": "c", "weight": "500m"}]}})
    assert [b.percent for b in split.backends] == [float(Fraction(100, 35) * 10),
                                                   float(Fraction(200, 35) * 10),
                                                   float(Fraction(50, 35) * 10)]
    assert split.problems == ()
