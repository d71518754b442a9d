"""JSON merge patch and JSON patch against the RFC examples that matter here."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from meshtui.sim.apiserver.patch import PatchError, json_patch, merge_patch
from tests.model.hypothesis_settings import QUICK

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner,
                                                                 max_size=3),
    max_leaves=10)


def test_merge_patch_replaces_lists_and_null_deletes() -> None:
    target = {"a": {"b": 1, "c": [1, 2]}, "d": 1}
    assert merge_patch(target, {"a": {"c": [3], "b": None}, "e": 2}) == {
        "a": {"c": [3]}, "d": 1, "e": 2}
    assert target == {"a": {"b": 1, "c": [1, 2]}, "d": 1}


@QUICK
@given(json_values, json_values)
def test_merge_patch_is_idempotent(target: object, patch: object) -> None:
    once = merge_patch(target, patch)
    assert merge_patch(once, patch) == once


def test_json_patch_operations() -> None:
    doc = {"spec": {"backends": [{"weight": 1}, {"weight": 2}]}, "x": "~/"}
    result = json_patch(doc, [
        {"op": "replace", "path": "/spec/backends/1/weight", "value": 5},
        {"op": "add", "path": "/spec/backends/-", "value": {"weight": 0}},
        {"op": "copy", "from": "/spec/backends/0", "path": "/first"},
        {"op": "move", "from": "/x", "path": "/y"},
        {"op": "remove", "path": "/spec/backends/0"},
        {"op": "test", "path": "/first/weight", "value": 1},
    ])
    assert result == {"spec": {"backends": [{"weight": 5}, {"weight": 0}]}, "first": {"weight": 1},
                      "y": "~/"}
    assert doc["spec"]["backends"][1]["weight"] == 2


@pytest.mark.parametrize("ops", [
    [{"op": "test", "path": "/a", "value": 2}],
    [{"op": "test", "path": "/a", "value": True}],
    [{"op": "replace", "path": "/missing", "value": 1}],
    [{"op": "remove", "path": "/b/5"}],
    [{"op": "jump", "path": "/a"}],
    {"op": "add"},
])
def test_json_patch_failures(ops: object) -> None:
    with pytest.raises(PatchError):
        json_patch({"a": 1, "b": []}, ops)
