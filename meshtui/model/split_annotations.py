"""Provides the checks of the annotations meshtui reads back from a split: its plan and stable.

meshtui writes both, but anybody with edit rights on the split can write anything there, so they
are read as untrusted input: a value that does not fit is a problem on the split, and is ignored.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from meshtui.model.plan_state import ANNOTATION, read_annotation, state_problem
from meshtui.model.text import clip, name_problem, visible

__all__ = ["STABLE_ANNOTATION", "annotation_problems"]

STABLE_ANNOTATION = "meshtui.io/stable"
"""Annotation on a split naming its stable backend, for splits no controller owns."""

_PROBLEM_LENGTH = 300


def annotation_problems(annotations: Mapping[str, str], backends: Sequence[str]) -> list[str]:
    """Say what is wrong with a split's plan and stable annotations.

    Args:
        annotations: The split's annotations.
        backends: The names of the backends of the split's first rule (the plan's and the
            stable annotation's choices).

    Returns:
        Problem strings, empty when both annotations are absent or fine.
    """
    problems = []
    stable = annotations.get(STABLE_ANNOTATION)
    if stable is not None:
        what = f"annotation {STABLE_ANNOTATION}"
        if not stable:
            problems.append(f"{what} is empty and is ignored")
        elif problem := name_problem(what, stable):
            problems.append(problem)
        elif stable not in backends:
            problems.append(f"{what} names {visible(stable, 60)}, which is not a backend of the "
                            "split's first rule: it is ignored")
    if ANNOTATION in annotations:
        state, error = read_annotation(annotations[ANNOTATION])
        problem = error or (state_problem(state, backends) if state is not None else "")
        if problem:
            problems.append(clip(problem, _PROBLEM_LENGTH))
    return problems
