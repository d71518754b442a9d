"""Tests of the integer-percent arithmetic (examples and properties)."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.weights import (
    all_to,
    choose_scale,
    encode_weight,
    set_percent,
    shift,
    to_percents,
    to_weights,
    validate_percent,
)
from tests.model.hypothesis_settings import LONG_RUNS, QUICK


@st.composite
def percent_lists(draw: st.DrawFn, min_size: int = 2, max_size: int = 6) -> list[int]:
    """Whole percentages that sum to 100."""
    weights = draw(st.lists(st.integers(0, 1000), min_size=min_size, max_size=max_size))
    if not any(weights):
        weights[0] = 1
    return to_percents(weights)


def test_to_percents_examples() -> None:
    """Largest remainder gives the leftover points to the biggest fractions, ties to the first."""
    assert to_percents([1, 1, 1]) == [34, 33, 33]
    assert to_percents([900, 100]) == [90, 10]
    assert to_percents([Fraction(1, 2), Fraction(3, 2)]) == [25, 75]
    assert to_percents([2, 1]) == [67, 33]
    assert to_percents([None, 5]) == [0, 100]


def test_all_zero_stays_zero() -> None:
    """A split with nothing to share reports nothing, not an invented 100."""
    assert to_percents([0, 0, 0]) == [0, 0, 0]
    assert to_percents([]) == []


@QUICK
@given(st.lists(st.one_of(st.integers(0, 10**7), st.fractions(min_value=0, max_value=1000)),
                min_size=1, max_size=8))
def test_to_percents_sums_to_100(weights: list) -> None:
    """Any non-zero weights give percentages summing to exactly 100, each within 1 of exact."""
    percents = to_percents(weights)
    total = sum(Fraction(w) for w in weights)
    if total == 0:
        assert percents == [0] * len(weights)
        return
    assert sum(percents) == 100
    for weight, percent in zip(weights, percents, strict=True):
        assert abs(Fraction(weight) * 100 / total - percent) < 1


def test_set_percent_rescales_others_proportionally() -> None:
    """The others keep their ratio: 60/30/10 with the first at 40 becomes 40/45/15."""
    assert set_percent([60, 30, 10], 0, 40) == [40, 45, 15]


def test_set_percent_spreads_evenly_when_others_are_zero() -> None:
    """If the others all have 0 there is no ratio to keep, so they share evenly."""
    assert set_percent([100, 0, 0], 0, 40) == [40, 30, 30]
    assert set_percent([0, 0], 1, 25) == [75, 25]


def test_set_percent_refuses_bad_input() -> None:
    """Out-of-range values and indexes, and a lone backend below 100, are errors."""
    with pytest.raises(ValueError, match="exceed"):
        set_percent([50, 50], 0, 101)
    with pytest.raises(IndexError):
        set_percent([50, 50], 2, 10)
    with pytest.raises(ValueError, match="one backend"):
        set_percent([100], 0, 50)
    assert set_percent([100], 0, 100) == [100]


@QUICK
@given(percent_lists(), st.data())
def test_set_percent_sets_exactly_and_sums_to_100(percents: list[int], data: st.DataObject) -> None:
    """The chosen backend gets exactly the requested value and the total stays 100."""
    index = data.draw(st.integers(0, len(percents) - 1))
    value = data.draw(st.integers(0, 100))
    result = set_percent(percents, index, value)
    assert result[index] == value
    assert sum(result) == 100
    assert all(0 <= p <= 100 for p in result)


def test_shift_two_backends_moves_points_between_them() -> None:
    """With two backends, points go from one to the other and clamp at the ends."""
    assert shift([90, 10], 1, 5) == [85, 15]
    assert shift([90, 10], 1, -20) == [100, 0]
    assert shift([90, 10], 0, 50) == [100, 0]


def test_shift_with_partner_touches_only_the_pair() -> None:
    """An explicit partner gives the points; the third backend is left alone."""
    assert shift([50, 30, 20], 1, 10, partner=0) == [40, 40, 20]
    assert shift([50, 30, 20], 1, 60, partner=0) == [0, 80, 20]


def test_shift_many_backends_rescales_others() -> None:
    """Without a partner, the others are rescaled in proportion."""
    assert shift([40, 40, 20], 2, 20) == [30, 30, 40]


@QUICK
@given(st.integers(0, 100), st.integers(-100, 100), st.integers(0, 1))
def test_shift_round_trip_two_backends(first: int, points: int, index: int) -> None:
    """shift(+n) then shift(-n) returns to the start when nothing was clamped."""
    start = [first, 100 - first]
    if not 0 <= start[index] + points <= 100:
        return
    assert shift(shift(start, index, points), index, -points) == start


@QUICK
@given(percent_lists(min_size=3), st.data())
def test_shift_round_trip_with_partner(percents: list[int], data: st.DataObject) -> None:
    """With an explicit partner the round trip holds for any number of backends."""
    index = data.draw(st.integers(0, len(percents) - 1))
    partner = data.draw(st.integers(0, len(percents) - 1).filter(lambda i: i != index))
    points = data.draw(st.integers(-percents[index], percents[partner]))
    there = shift(percents, index, points, partner=partner)
    assert shift(there, index, -points, partner=partner) == percents


@LONG_RUNS
@given(st.randoms(use_true_random=False))
def test_no_drift_after_a_thousand_shifts(rng: random.Random) -> None:
    """After 1,000 shifts the split equals the clamped running total, and still sums to 100."""
    percents = [50, 50]
    expected_first = 50
    for _ in range(1000):
        index, points = rng.randint(0, 1), rng.randint(-30, 30)
        percents = shift(percents, index, points)
        delta = points if index == 0 else -points
        expected_first = min(100, max(0, expected_first + delta))
        assert sum(percents) == 100
    assert percents == [expected_first, 100 - expected_first]


@LONG_RUNS
@given(percent_lists(min_size=3), st.randoms(use_true_random=False))
def test_many_backend_shifts_stay_whole_and_total_100(start: list[int], rng: random.Random) -> None:
    """Rescaling shifts over many backends never leave 0..100 or lose a point."""
    percents = start
    for _ in range(1000):
        percents = shift(percents, rng.randrange(len(percents)), rng.randint(-30, 30))
        assert sum(percents) == 100
        assert all(isinstance(p, int) and 0 <= p <= 100 for p in percents)


def test_all_to() -> None:
    """All traffic goes to the chosen backend."""
    assert all_to([30, 30, 40], 1) == [0, 100, 0]


def test_choose_scale_keeps_the_split_convention() -> None:
    """A split on 1000 stays on 1000; odd totals and fractions fall back to 100."""
    assert choose_scale([250, 750]) == 1000
    assert choose_scale([1, 1]) == 100
    assert choose_scale([Fraction(1, 2), Fraction(1, 2)]) == 100
    assert choose_scale([0, 0]) == 100
    assert choose_scale([None, 300]) == 300
    assert choose_scale([2_000_000, 0]) == 100


@QUICK
@given(percent_lists(), st.integers(1, 10_000))
def test_to_weights_keeps_percentages_exact(percents: list[int], factor: int) -> None:
    """Weights on any multiple of 100 read back as exactly the same percentages."""
    weights = to_weights(percents, factor * 100)
    assert sum(weights) == factor * 100
    assert to_percents(weights) == percents


def test_to_weights_refuses_inexact_scales() -> None:
    """A scale that cannot hold whole percentages is refused rather than rounded."""
    with pytest.raises(ValueError, match="multiple of 100"):
        to_weights([50, 50], 10)
    with pytest.raises(ValueError, match="maximum"):
        to_weights([50, 50], 2_000_000)
    assert to_weights([25, 75]) == [25, 75]


def test_encode_weight_per_version() -> None:
    """TrafficSplit v1alpha1 gets quantity strings; everything else gets ints."""
    assert encode_weight(25, "TrafficSplit", "split.smi-spec.io/v1alpha1") == "25"
    assert encode_weight(25, "TrafficSplit", "split.smi-spec.io/v1alpha2") == 25
    assert encode_weight(25, "HTTPRoute", "gateway.networking.k8s.io/v1") == 25
    assert encode_weight(25, "HTTPRoute", "policy.linkerd.io/v1beta3") == 25


@pytest.mark.parametrize(("text", "expected"), [("25", 25), (" 25% ", 25), (0, 0), (100.0, 100)])
def test_validate_percent_accepts(text: object, expected: int) -> None:
    """Whole numbers from 0 to 100, with or without a percent sign."""
    assert validate_percent(text) == expected


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("-1", "negative"), ("101", "exceed"), ("abc", "not a percentage"), ("2.5", "whole"),
     (True, "not a percentage"), (None, "not a percentage"), (float("nan"), "not a percentage"),
     ("60/2", "not a percentage"), ("\u0663\u0660", "not a percentage"),
     ("\uff12\uff15", "not a percentage"), ("3_0", "not a percentage"),
     ("1e99999999", "not a percentage"), ("nan", "not a percentage"),
     ("inf", "not a percentage"), ("-5", "negative"), ("1.2.3", "not a percentage"),
     ("100.00000", "too long"), pytest.param(" " * 100_000 + "5", "too long", id="100k-blanks"),
     ("", "not a percentage"),
     pytest.param(10**5000, "exceed", id="5000-digit-int")],
)
def test_validate_percent_refuses(text: object, fragment: str) -> None:
    """Negative, too large, fractional and non-numeric input get a clear message."""
    with pytest.raises(ValueError, match=fragment):
        validate_percent(text)


def test_typed_percentages_are_ascii_digits_with_one_point() -> None:
    """What the prompt and `meshtui weight` accept: up to 8 characters of digits and one point."""
    assert [validate_percent(t) for t in ("5.", "050", "100.0000", "7%", " 30 ")] == \
        [5, 50, 100, 7, 30]
