"""Label and field selectors as the list and watch endpoints accept them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from meshtui.sim.apiserver.errors import ApiError

Predicate = Callable[[Mapping[str, Any]], bool]

_SET_RE = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:(notin|in)\s*\(([^)]*)\))?\s*$")
_EQ_RE = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)\s*$")


def _split_terms(selector: str) -> list[str]:
    """Split on commas that are not inside an `in (...)` value list."""
    terms: list[str] = []
    current: list[str] = []
    depth = 0
    for char in selector:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            terms.append("".join(current))
            current = []
        else:
            current.append(char)
    terms.append("".join(current))
    return [t for t in terms if t.strip()]


def _label_term(term: str) -> Callable[[Mapping[str, str]], bool]:
    eq = _EQ_RE.match(term)
    if eq:
        key, op, value = eq.groups()
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: labels.get(key) == value
    match = _SET_RE.match(term)
    if not match:
        raise ApiError(400, f"unable to parse requirement: {term!r}", "BadRequest")
    negated, key, op, values = match.groups()
    if op:
        if negated:
            raise ApiError(400, f"unable to parse requirement: {term!r}", "BadRequest")
        choices = {v.strip() for v in values.split(",") if v.strip()}
        if op == "in":
            return lambda labels: labels.get(key) in choices
        return lambda labels: labels.get(key) not in choices
    if negated:
        return lambda labels: key not in labels
    return lambda labels: key in labels


def label_selector(selector: str | None) -> Predicate:
    """Compile a label selector (`=`, `==`, `!=`, `in`, `notin`, `key`, `!key`).

    Args:
        selector: The selector string; empty or None matches everything.

    Returns:
        A predicate over whole objects.

    Raises:
        ApiError: 400 for an unparsable selector.
    """
    if not selector:
        return lambda obj: True
    tests = [_label_term(t) for t in _split_terms(selector)]

    def match(obj: Mapping[str, Any]) -> bool:
        labels = (obj.get("metadata") or {}).get("labels") or {}
        return all(test(labels) for test in tests)

    return match


_FIELDS = {"metadata.name": "name", "metadata.namespace": "namespace"}


def field_selector(selector: str | None) -> Predicate:
    """Compile a field selector over `metadata.name` and `metadata.namespace`.

    Raises:
        ApiError: 400 for other fields or a bad term, like the real server.
    """
    if not selector:
        return lambda obj: True
    tests: list[tuple[str, bool, str]] = []
    for term in _split_terms(selector):
        match = re.match(r"^\s*([A-Za-z.]+)\s*(==|=|!=)\s*(.*?)\s*$", term)
        if not match:
            raise ApiError(400, f"invalid field selector: {term!r}", "BadRequest")
        field, op, value = match.groups()
        if field not in _FIELDS:
            raise ApiError(400, f'field label not supported: {field}', "BadRequest")
        tests.append((_FIELDS[field], op != "!=", value))

    def match_obj(obj: Mapping[str, Any]) -> bool:
        meta = obj.get("metadata") or {}
        return all((meta.get(key, "") == value) == wanted for key, wanted, value in tests)

    return match_obj


def combine(*predicates: Predicate) -> Predicate:
    """AND several predicates together."""
    return lambda obj: all(p(obj) for p in predicates)
