"""Scenario 6, splits: TrafficSplit (every SMI version) and HTTPRoute (both groups), fuzzed.

Valid objects parse without problems; objects with one known defect carry at least one problem;
any JSON in any field never crashes parsing, `MeshState` or the navigator's row building; hostile
weights, names and plan annotations are problems on the split.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.model.hostile import Drawn, check_parse, hostile_splits
from tests.reliability import figures
from tests.reliability.fuzzing import CASES, fuzz_settings, parse_checked, render
from tests.reliability.strategies import arbitrary_splits, defective, httproutes, trafficsplits


pytestmark = pytest.mark.heavy


def teardown_module() -> None:
    """Record how many cases this module ran."""
    figures.record("fuzz_splits", **{k: v for k, v in CASES.items() if k.startswith("splits.")})


@fuzz_settings(1200)
@given(st.lists(trafficsplits() | httproutes(), min_size=1, max_size=4))
def test_valid_splits_have_no_problems(objects) -> None:
    CASES["splits.valid"] += 1
    for obj in objects:
        split = parse_checked(obj)
        assert split.problems == (), (obj, split.problems)
        assert abs(sum(b.percent for b in split.backends if b.rule == 0) - 100) < 1e-6
    render(objects)


@fuzz_settings(2500)
@given(defective(trafficsplits() | httproutes()))
def test_defective_splits_carry_a_reason(case) -> None:
    CASES["splits.defective"] += 1
    what, obj = case
    split = parse_checked(obj)
    assert split.problems, f"{what}: no problem reported for {obj}"
    render([obj])


@fuzz_settings(800)
@given(st.lists(arbitrary_splits(), min_size=1, max_size=3))
def test_arbitrary_json_never_crashes(objects) -> None:
    CASES["splits.arbitrary"] += 1
    for obj in objects:
        parse_checked(obj)
    render(objects)


@fuzz_settings(300)
@given(hostile_splits())
def test_any_mapping_parses(drawn: Drawn) -> None:
    """Plausible split shapes (up to 64 backends, 16 rules) with hostile weights of any size,
    names and plan annotations: parsing never raises, every weight is None or bounded, and
    each bad weight, name or annotation is a problem on the split."""
    CASES["splits.any-mapping"] += 1
    check_parse(drawn)
    render([drawn.obj])
