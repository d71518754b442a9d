"""Shared pieces of the fuzz tests: hypothesis settings, case counting, the render pipeline."""

from __future__ import annotations

from collections import Counter
from typing import Any

from hypothesis import settings

from meshtui.model.health import HealthPolicy
from meshtui.model.mesh import MeshState
from meshtui.model.split import Split, is_split_object, parse_split
from meshtui.ui.views import backend_rows, split_row
from meshtui.ui.widgets._format import format_split
from meshtui.ui.widgets._split_rows import (
    content_widths,
    fit_columns,
    group_order,
    haystack,
    visible_lines,
)
from tests.model.hypothesis_settings import seeded

CASES: Counter[str] = Counter()
"""Generated cases run, by test (written to the figures at the end of the module)."""

RESOURCE_OF = {"TrafficSplit": "trafficsplits", "Canary": "canaries", "Rollout": "rollouts"}


def fuzz_settings(examples: int) -> settings:
    """Bounded, reproducible settings: a fixed number of examples, no deadline, no database."""
    return seeded(examples)


def resource_of(obj: dict[str, Any]) -> str:
    """The MeshState resource key an object belongs to."""
    kind = obj.get("kind")
    if kind == "HTTPRoute":
        group = str(obj.get("apiVersion", "")).split("/")[0]
        return f"httproutes.{group}"
    return RESOURCE_OF.get(str(kind), "trafficsplits")


def render(objects: list[dict[str, Any]]) -> list[Split]:
    """Feed objects through MeshState and the navigator's pure row building; return the splits.

    Raises whatever the product raises: the fuzz tests assert that nothing does.
    """
    state = MeshState()
    for obj in objects:
        state.upsert(resource_of(obj), obj)
    splits = state.splits()
    state.checks()
    policy = HealthPolicy()
    rows = []
    for split in splits:
        owner = state.owner_state(split)
        rows.append(split_row(split, owner, {}, policy))
        backend_rows(split, {}, policy, owner)
        format_split(tuple(b.percent for b in split.backends))
    ordered = [rows[i] for i in group_order(rows)]
    hay = [haystack(r) for r in ordered]
    for needle, attention in (("", False), ("a", True)):
        visible_lines(ordered, hay, needle, attention)
    widths = content_widths(ordered)
    for width in (20, 80, 200):
        fit_columns(*widths, width)
    for split in splits:
        for problem in split.problems:
            assert isinstance(problem, str) and problem.strip(), split.problems
    return splits


def parse_checked(obj: dict[str, Any]) -> Split:
    """parse_split, with the invariants every parse must keep."""
    split = parse_split(obj)
    split.to_json()
    for backend in split.backends:
        if backend.weight is None:
            assert split.problems, f"backend {backend.name!r} has no weight but no problem"
    if is_split_object(obj) and not split.backends:
        assert split.problems, "a split without backends must say why"
    return split
