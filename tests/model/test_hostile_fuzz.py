"""Property tests: hostile weights, names and plan annotations are problems, never exceptions."""

from __future__ import annotations

import re

from hypothesis import given

from meshtui.model.plan_state import ANNOTATION, PlanState, advance, read_annotation
from meshtui.model.split import parse_split
from meshtui.rollout.status import plan_status
from meshtui.rollout.store import read_state
from tests.model.hostile import check_parse, hostile_splits, plan_annotations
from tests.model.hypothesis_settings import FUZZ

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


@FUZZ
@given(hostile_splits())
def test_hostile_splits_parse_with_bounded_weights_and_problems(drawn) -> None:
    check_parse(drawn)


def _split_with(text: str) -> dict:
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
            "metadata": {"name": "web", "namespace": "ns", "annotations": {ANNOTATION: text}},
            "spec": {"service": "web", "backends": [{"service": "web-primary", "weight": 90},
                                                    {"service": "web-canary", "weight": 10}]}}


@FUZZ
@given(plan_annotations())
def test_plan_annotations_are_read_or_refused_as_a_problem(case: tuple[str, bool]) -> None:
    text, valid = case
    state, error = read_annotation(text)
    assert (state is not None) == valid, error
    split = parse_split(_split_with(text))
    tracked = read_state(split)
    status = plan_status(split)
    assert status is not None
    if state is None:
        assert error and len(error) <= 1000 and not _CONTROL.search(error), error
        assert any(ANNOTATION in p for p in split.problems), split.problems
        assert tracked.state is None and tracked.error
        assert status.phase == "Invalid"
        return
    assert not any(ANNOTATION in p for p in split.problems), split.problems
    assert tracked.state == state and not tracked.error
    assert PlanState.from_annotation(state.to_annotation()) == state
    advance(state, now=state.updated_at + 3600, observed=state.weight)
