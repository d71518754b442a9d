"""Choosing the legend label of each backend of a split, once for all of its charts.

A label is chosen from the backends' names and roles alone, never from a chart's width, so one
backend reads the same in the success, rps and p99 legends: ``stable``/``canary`` where the split
has those roles, else the part of the name that differs (``voting-svc``/``voting-v2-svc`` →
``voting``/``v2``, short enough for both entries to fit a narrow chart). No two backends share a
label.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from meshtui.ui.literal import fit_cells, literal

LABEL_WIDTH = 14
"""Most cells a label takes, so two entries and their values fit a chart a third of 140 columns."""
NAME_LIMIT = 120
"""Cells of a name kept before labels are chosen (a hostile name can carry megabytes)."""
ROLES = ("stable", "canary")
"""Roles whose name labels a backend that alone holds it."""

_SEPARATORS = re.compile(r"([-_.])")


def legend_labels(names: Sequence[str], roles: Mapping[str, str] | None = None) -> list[str]:
    """One distinct label per name, of at most `LABEL_WIDTH` cells, as drawn (literal text).

    Args:
        names: Series (backend) names, untrusted; control characters come back escaped.
        roles: ``"stable"``/``"canary"`` per name; a role held by more than one name labels none.

    Returns:
        The labels, in the order of `names`.
    """
    shown = [literal(name, limit=NAME_LIMIT, middle=True).plain for name in names]
    role_of = [(roles or {}).get(name, "") for name in names]
    unique = {role for role in ROLES if role_of.count(role) == 1}
    parts, own = _fitted(distinct_parts(shown)), _fitted(shown)
    for choice in (parts, own):
        labels = [role if role in unique else label for role, label in zip(role_of, choice, strict=True)]
        if _distinct(labels):
            return labels
    for choice in (parts, own):
        if _distinct(choice):
            return choice
    return [str(index + 1) for index in range(len(names))]


def distinct_parts(names: Sequence[str]) -> list[str]:
    """The part of each name that differs from the others: what is left once the words they
    all start and end with are taken away (``podinfo-primary``/``podinfo-canary`` →
    ``primary``/``canary``); a name that is all shared part keeps its start (``voting``)."""
    if len(names) < 2:
        return list(names)
    tokens = [[t for t in _SEPARATORS.split(name) if t] for name in names]
    shortest = min(len(t) for t in tokens)
    head = 0
    while head < shortest and len({tuple(t[:head + 1]) for t in tokens}) == 1:
        head += 1
    tail = 0
    while tail < shortest - head and len({tuple(t[len(t) - tail - 1:]) for t in tokens}) == 1:
        tail += 1
    parts = []
    for name, parts_of in zip(names, tokens, strict=True):
        middle = "".join(parts_of[head:len(parts_of) - tail]).strip("-_.")
        parts.append(middle or "".join(parts_of[:len(parts_of) - tail]).strip("-_.") or name)
    return parts


def _fitted(labels: Sequence[str]) -> list[str]:
    """`labels` cut in the middle to `LABEL_WIDTH` cells (and a bounded number of characters:
    a run of zero-width characters takes no cell)."""
    return [fit_cells(label, LABEL_WIDTH, middle=True, cut=len(label) > 2 * LABEL_WIDTH)
            for label in labels]


def _distinct(labels: Sequence[str]) -> bool:
    return len(set(labels)) == len(labels)
