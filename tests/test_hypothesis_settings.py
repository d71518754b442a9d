"""Every Hypothesis test names a shared settings profile (tests/model/hypothesis_settings.py).

A bare `@given` runs with Hypothesis' defaults: a 200 ms deadline and the too-slow health check,
which fail on a loaded machine for reasons that have nothing to do with the code under test.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).parent
SHARED = {"QUICK", "FUZZ", "LONG_RUNS", "DEFAULT", "SEEDED", "seeded", "fuzz_settings", "PILOT"}
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
