"""Every Hypothesis test names a shared settings profile (tests/model/hypothesis_settings.py).

A bare `@given` runs with Hypothesis' defaults: a 200 ms deadline and the too-slow health check,
which fail on a loaded machine for reasons that have nothing to do with the code under test.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SHARED = {"QUICK", "FUZZ", "LONG_RUNS", "DEFAULT", "PILOT", "SEEDED", "seeded", "fuzz_settings"}
"""Decorators that apply a shared profile (`fuzz_settings` is the reliability tests' `seeded`)."""


def _name(node: ast.expr) -> str:
    target = node.func if isinstance(node, ast.Call) else node
    return target.id if isinstance(target, ast.Name) else getattr(target, "attr", "")


def test_every_given_names_a_shared_profile() -> None:
    bare = []
    for path in sorted(TESTS.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = {_name(d) for d in node.decorator_list}
            if "given" in names and not names & SHARED:
                bare.append(f"{path.relative_to(TESTS)}:{node.lineno} {node.name}")
    assert bare == [], "Hypothesis tests without a shared settings profile:\n" + "\n".join(bare)


def test_every_shared_profile_draws_the_same_examples_each_run() -> None:
    # A random draw once failed CI on a commit whose code had not changed since the last pass.
    from tests.model import hypothesis_settings as shared

    profiles = {name: getattr(shared, name) for name in ("DEFAULT", "QUICK", "FUZZ", "LONG_RUNS",
                                                           "SEEDED", "PILOT")}
    profiles["seeded(3)"] = shared.seeded(3)
    random = [name for name, profile in profiles.items() if not profile.derandomize]
    assert random == [], f"profiles drawing random examples: {random}"
