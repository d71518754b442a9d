"""One status line per split: what meshtui last did to it or saw happen, kept true as it changes.

A line is tied to the weights of the rule it is about (the one edited). When the split's weights move away from
them, the line is replaced by who moved them: the split's plan (its annotation changed), or the
field manager that wrote last (``managedFields``), e.g. "reverted by argo-rollouts after 1 s".
Every line ages out, so "applied: ..." never lingers over a split that has moved on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from meshtui.model.actions import detect_revert
from meshtui.model.plan_state import ANNOTATION
from meshtui.model.split import Split, SplitRef
from meshtui.model.weight_writes import rule_percents

STATUS_TTL = 120.0
"""Seconds a status line is shown (the next change of the split replaces it sooner)."""


@dataclass(frozen=True)
class StatusLine:
    """What one split's status line says, and what it is true of."""

    text: str
    at: float
    """When it was said (the controller's monotonic clock)."""
    severity: str = "information"
    weights: tuple[int, ...] | None = None
    """The rule's percentages the line is true of (None: not tied to weights)."""
    before: tuple[int, ...] | None = None
    """Percentages before meshtui's write: a return to them is a revert."""
    base_version: str = ""
    """resourceVersion the write was guarded by: the split at it predates the write."""
    plan: str = ""
    """The split's plan annotation when the line was said (a change means the plan moved it)."""
    rule: int = 0
    """The rule (index in `spec.rules`) whose weights `weights` are."""


def _rule(split: Split, rule: int | None = None
          ) -> tuple[int, tuple[str, ...], tuple[int, ...]] | None:
    """A rule's index, backend names and percentages (the first rule's without `rule`)."""
    if not split.backends:
        return None
    rule = split.backends[0].rule if rule is None else rule
    backends = [b for b in split.backends if b.rule == rule]
    if not backends or any(b.weight is None for b in backends):
        return None
    return rule, tuple(b.name for b in backends), tuple(rule_percents(split, rule))


def _diff(names: tuple[str, ...], old: tuple[int, ...], new: tuple[int, ...]) -> str:
    return ", ".join(f"{name} {a}% → {b}%" for name, a, b in zip(names, old, new, strict=False)
                     if a != b)


class SplitStatus:
    """The status line of every split meshtui wrote or acted on.

    Args:
        ttl: Seconds a line is kept.
    """

    def __init__(self, ttl: float = STATUS_TTL) -> None:
        self.ttl = ttl
        self._lines: dict[SplitRef, StatusLine] = {}

    def say(self, ref: SplitRef, text: str, now: float, split: Split | None = None,
            severity: str = "information", *, rule: int | None = None) -> None:
        """Set a split's line; tied to the weights of `split`'s `rule` (the first by default)
        as they are now, when `split` is given."""
        found = _rule(split, rule) if split is not None else None
        plan = str(split.annotations.get(ANNOTATION) or "") if split is not None else ""
        self._lines[ref] = StatusLine(text, now, severity, found[2] if found else None, plan=plan,
                                      rule=found[0] if found else 0)

    def wrote(self, ref: SplitRef, text: str, now: float, *, before: tuple[int, ...],
              after: tuple[int, ...], base_version: str, plan: str = "", rule: int = 0) -> None:
        """Set the line of a weight write to `rule` the server accepted (`base_version` guarded
        it)."""
        self._lines[ref] = StatusLine(text, now, "information", tuple(after), tuple(before),
                                      base_version, plan, rule)

    def get(self, ref: SplitRef) -> StatusLine | None:
        """The split's line, or None."""
        return self._lines.get(ref)

    def texts(self) -> dict[SplitRef, str]:
        """Every line's text, by split."""
        return {ref: line.text for ref, line in self._lines.items()}

    def check(self, lookup: Callable[[SplitRef], Split | None], now: float
              ) -> list[tuple[SplitRef, StatusLine]]:
        """Age lines out and replace those whose split's weights moved on.

        Args:
            lookup: Split by ref, as the dashboard knows it now.
            now: The clock the lines were said with.

        Returns:
            The new lines (a revert, a change by someone else, a move by the plan).
        """
        found: list[tuple[SplitRef, StatusLine]] = []
        for ref, line in list(self._lines.items()):
            if now - line.at > self.ttl:
                del self._lines[ref]
                continue
            split = lookup(ref)
            if split is None or line.weights is None or split.resource_version == line.base_version:
                continue
            now_rule = _rule(split, line.rule)
            if now_rule is None or now_rule[2] == line.weights:
                continue
            _index, names, current = now_rule
            new = self._moved(split, line, names, current, now)
            self._lines[ref] = new
            found.append((ref, new))
        return found

    @staticmethod
    def _moved(split: Split, line: StatusLine, names: tuple[str, ...], current: tuple[int, ...],
               now: float) -> StatusLine:
        """The line saying who moved the weights away from `line.weights`."""
        plan = str(split.annotations.get(ANNOTATION) or "")
        diff = _diff(names, line.weights or (), current)
        if plan and plan != line.plan:
            return StatusLine(f"weights moved by the plan: {diff}", now, "information", current,
                              plan=plan, rule=line.rule)
        managed = (split.obj.get("metadata") or {}).get("managedFields")
        wrote = line.before is not None
        said = detect_revert(line.weights or (), current, managed, now - line.at, before=line.before,
                             wrote=wrote)
        if not wrote:
            # After an owner action or a line of its own, a move is news, not an undoing.
            return StatusLine(f"weights {said}: {diff}", now, "information", current, plan=plan,
                              rule=line.rule)
        return StatusLine(f"⚠ weights {said}: {diff}", now, "warning", current, plan=plan,
                          rule=line.rule)
