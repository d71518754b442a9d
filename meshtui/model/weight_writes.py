"""Provides the patch that writes new percentages into a TrafficSplit or HTTPRoute, and the
percentages a user typed for one rule (`weights_from_assignments`).

TrafficSplit: a merge patch carrying `metadata.resourceVersion` (so a concurrent change gives 409)
and the whole `spec.backends` list, since merge patches replace lists. HTTPRoute: a JSON Patch whose
first op tests `/metadata/resourceVersion`, then sets each backendRef weight of the rule.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping, Sequence

from meshtui.model._fields import as_dict, as_list
from meshtui.model.write_descriptions import JSON_PATCH, MERGE_PATCH, ObjectTarget, PlannedWrite, WeightPlan
from meshtui.model.split import Backend, Split
from meshtui.model.text import BACKENDS_SHOWN, NAME_LIMIT, listed, short_repr, visible
from meshtui.model.weights import (
    AssignmentError,
    apportion,
    choose_scale,
    encode_weight,
    to_percents,
    to_weights,
    validate_percent,
)

__all__ = ["rule_percents", "rules_write", "split_target", "weight_write",
           "weights_from_assignments"]


def split_target(split: Split) -> ObjectTarget:
    """The object target of a split, written with the version it was read with."""
    return ObjectTarget(resource=split.ref.resource_key, group=split.group, version=split.version,
                        kind=split.kind, namespace=split.namespace, name=split.name)


def rule_percents(split: Split, rule: int) -> list[int]:
    """Whole percentages of one rule's backends, as meshtui shows them."""
    return to_percents([backend.weight for backend in split.backends if backend.rule == rule])


def weight_write(split: Split, percents: Sequence[int], rule: int = 0) -> PlannedWrite:
    """Plan the write that gives one rule's backends these percentages.

    Weights are written on the rule's own scale (a split whose weights sum to 1000 keeps summing to
    1000) and in the form the object's version accepts.

    Raises:
        ValueError: When `percents` does not match the rule's backends, is not whole, or does not
            sum to 100.
    """
    return rules_write(split, {rule: percents})


def rules_write(split: Split, percents_by_rule: Mapping[int, Sequence[int]]) -> PlannedWrite:
    """Plan one write that gives the backends of several rules these percentages.

    One request guarded by one resourceVersion: a plan step on an HTTPRoute whose rules all
    split between the same two backends moves them together or not at all.

    Raises:
        ValueError: As `weight_write`, for any rule; a TrafficSplit has rule 0 only.
    """
    if not percents_by_rule:
        raise ValueError(f"no rule of {split.ref} to write")
    if split.kind == "TrafficSplit" and set(percents_by_rule) != {0}:
        raise ValueError(f"{split.ref} is a TrafficSplit: it has one rule")
    planned: list[tuple[int, list[Backend], list[str | int]]] = []
    summaries = []
    for rule, percents in sorted(percents_by_rule.items()):
        backends = [backend for backend in split.backends if backend.rule == rule]
        if len(percents) != len(backends) or not backends:
            raise ValueError(f"{split.ref} rule {rule + 1} has {len(backends)} backends, "
                             f"got {len(percents)} percentages")
        checked = [validate_percent(percent) for percent in percents]
        if sum(checked) != 100:
            raise ValueError(f"percentages must sum to 100, got {sum(checked)}")
        weights = to_weights(checked, choose_scale([backend.weight for backend in backends]))
        planned.append((rule, backends,
                        [encode_weight(weight, split.kind, split.api_version) for weight in weights]))
        summary = ", ".join(_backend_summary(backend, percent)
                            for backend, percent in zip(backends, checked, strict=True))
        many = len(percents_by_rule) > 1 or rule
        summaries.append(f"rule {rule + 1}: {summary}" if many else summary)
    description = f"set weights of {split.ref}: " + "; ".join(summaries)
    spec = as_dict(split.obj.get("spec"))
    if split.kind == "TrafficSplit":
        ((_, backends, encoded),) = planned
        entries = copy.deepcopy(as_list(spec.get("backends")))
        for backend, value in zip(backends, encoded, strict=True):
            if backend.position < len(entries) and isinstance(entries[backend.position], dict):
                entries[backend.position]["weight"] = value
        patch = {"metadata": {"resourceVersion": split.resource_version}, "spec": {"backends": entries}}
        return PlannedWrite(split_target(split), patch, MERGE_PATCH, "", description)
    ops: list[dict[str, object]] = [
        {"op": "test", "path": "/metadata/resourceVersion", "value": split.resource_version}]
    for rule, backends, encoded in planned:
        for backend, value in zip(backends, encoded, strict=True):
            ops.append({"op": "add" if backend.raw_weight is None else "replace",
                        "path": f"/spec/rules/{rule}/backendRefs/{backend.position}/weight",
                        "value": value})
    return PlannedWrite(split_target(split), ops, JSON_PATCH, "", description)


def _backend_summary(backend: Backend, percent: int) -> str:
    """`name N%`, saying so when the write replaces a weight that could not be read: the dialog,
    the CLI and the audit log must not let it pass as an ordinary change."""
    if backend.weight is None and backend.raw_weight is not None:
        return f"{backend.name} {percent}% (replacing an unreadable weight)"
    return f"{backend.name} {percent}%"


def weights_from_assignments(split: Split, assignments: dict[str, str], rule: int) -> WeightPlan:
    """Whole percentages for one rule from ``{backend: percent}`` as typed.

    Backends not named share what is left in proportion to their current shares (evenly when
    none has any).

    Raises:
        AssignmentError: Unknown backend, non-numeric, negative, fractional or >100 values, named
            values over 100, all named but not summing to 100, or all zero.
    """
    names = [b.name for b in split.backends if b.rule == rule]
    if not names:
        raise AssignmentError(f"{split.ref} has no rule {rule + 1} with backends")
    for backend in assignments:
        if backend not in names:
            shown = [visible(n, NAME_LIMIT) for n in names[:BACKENDS_SHOWN]]
            raise AssignmentError(f"unknown backend {short_repr(backend, NAME_LIMIT)} in {split.ref} "
                               f"(backends: {listed(shown, len(names))})")
    wanted = {}
    for backend, value in assignments.items():
        try:
            wanted[backend] = validate_percent(value)
        except ValueError as exc:
            raise AssignmentError(f"{visible(backend, NAME_LIMIT)}: {exc}") from None
    total = sum(wanted.values())
    before = rule_percents(split, rule)
    if total > 100:
        raise AssignmentError(f"the percentages add up to {total}, more than 100")
    if len(wanted) == len(names):
        if total != 100:
            raise AssignmentError(f"the percentages add up to {total}, not 100"
                               + (": no backend would receive traffic" if total == 0 else ""))
        after = [wanted[n] for n in names]
    else:
        rest = [i for i, n in enumerate(names) if n not in wanted]
        shares = [max(before[i], 0) for i in rest]
        if not any(shares):
            shares = [1] * len(rest)
        after = [wanted.get(n, 0) for n in names]
        for i, part in zip(rest, apportion(shares, 100 - total), strict=True):
            after[i] = part
    if sum(after) != 100:
        raise AssignmentError(f"the percentages add up to {sum(after)}, not 100")
    return WeightPlan(split.ref, rule, tuple(before), tuple(after), tuple(names))
