"""Provides the rules of a split as meshtui shows them: numbered from 1, with their matches.

An HTTPRoute sends each request to the first rule whose matches it meets, so a route can split
``/api`` one way and everything else another. The matches are shown so the user knows which
traffic a rule's weights divide. A TrafficSplit has one rule that matches everything.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str
from meshtui.model.split import Backend, Split
from meshtui.model.text import visible

__all__ = ["MATCHES_SHOWN", "RuleView", "describe_match", "rule_number", "split_rules"]

MATCHES_SHOWN = 4
"""Matches described per rule; more are counted, not listed."""
_VALUE_LIMIT = 60
_MATCH_LIMIT = 160


@dataclass(frozen=True)
class RuleView:
    """One rule of a split."""

    index: int
    """Index in `spec.rules` (0 for a TrafficSplit): what writes address."""
    backends: tuple[Backend, ...]
    """Its weighted backends, in object order."""
    matches: tuple[str, ...] = ()
    """One line per match (a request meeting any of them takes this rule); empty: every request."""

    @property
    def number(self) -> int:
        """The rule as users count it, from 1 (`meshtui weight --rule N`, `get splits`)."""
        return rule_number(self.index)

    @property
    def label(self) -> str:
        """``rule 2: PathPrefix /api`` (the first match only), or ``rule 1: every request``."""
        first = self.matches[0] if self.matches else "every request"
        more = f" (+{len(self.matches) - 1} more)" if len(self.matches) > 1 else ""
        return f"rule {self.number}: {first}{more}"


def rule_number(index: int) -> int:
    """A rule index as users count it, from 1."""
    return index + 1


def split_rules(split: Split) -> tuple[RuleView, ...]:
    """The rules of a split that have backends, in object order, with their matches."""
    spec = as_dict(split.obj.get("spec"))
    raw_rules = as_list(spec.get("rules")) if split.kind == "HTTPRoute" else []
    views = []
    for backends in split.rules:
        index = backends[0].rule
        raw = as_dict(raw_rules[index]) if index < len(raw_rules) else {}
        matches = as_list(raw.get("matches"))
        shown = tuple(describe_match(as_dict(m)) for m in matches[:MATCHES_SHOWN])
        if len(matches) > MATCHES_SHOWN:
            shown += (f"{len(matches) - MATCHES_SHOWN} more matches",)
        views.append(RuleView(index, backends, _every_request(shown)))
    return tuple(views)


def _every_request(matches: Sequence[str]) -> tuple[str, ...]:
    # A lone `PathPrefix /` is what Gateway API defaults a match-less rule to: every request.
    return () if tuple(matches) == ("PathPrefix /",) else tuple(matches)


def describe_match(match: dict[str, Any]) -> str:
    """One HTTPRouteMatch as a line, e.g. ``PathPrefix /api · GET · header x-canary=yes``."""
    parts = []
    path = as_dict(match.get("path"))
    if path:
        parts.append(f"{visible(as_str(path.get('type'), 'PathPrefix'), 20)} "
                     f"{visible(as_str(path.get('value'), '/'), _VALUE_LIMIT)}")
    method = match.get("method")
    if method:
        parts.append(visible(method, 10))
    for label, key in (("header", "headers"), ("query", "queryParams")):
        for item in as_list(match.get(key))[:MATCHES_SHOWN]:
            entry = as_dict(item)
            op = "~" if as_str(entry.get("type")) == "RegularExpression" else "="
            parts.append(f"{label} {visible(entry.get('name', '?'), _VALUE_LIMIT)}{op}"
                         f"{visible(entry.get('value', ''), _VALUE_LIMIT)}")
    return visible(" · ".join(parts) or "every request", _MATCH_LIMIT)
