"""Provides the reading of an SMI TrafficSplit spec (v1alpha1 to v1alpha4) into raw backends."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str
from meshtui.model._raw import RawBackend
from meshtui.model.kubetime import parse_time
from meshtui.model.quantity import QuantityError, parse_quantity
from meshtui.model.text import name_problem, short_repr, visible

_KNOWN_FIELDS = frozenset({"service", "backends", "matches"})
VERSIONS = ("v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4")
"""The TrafficSplit versions there are; the CRD converts none of them (strategy None)."""
_VERSIONS_WITH_MATCHES = frozenset({"v1alpha3", "v1alpha4"})
_MATCHES_SHOWN = 5


def written_version(meta: Mapping[str, Any], read: str) -> str:
    """The TrafficSplit version the object was last written in, from its `managedFields`.

    The CRD converts nothing, so a read at any version returns the spec as stored, labelled with
    the version asked for: linkerd-smi reads v1alpha2 whatever Flagger or Argo wrote. The spec's
    rules (quantity weights, `matches`) are those of the version a writer used, which each
    `managedFields` entry records; the latest write outside the status subresource wins.

    Args:
        meta: The object's metadata.
        read: The version the object was read at, returned when no entry says better.
    """
    best, best_time = read, -math.inf
    for item in as_list(meta.get("managedFields")):
        entry = as_dict(item)
        if as_str(entry.get("subresource")):
            continue
        group, _, version = as_str(entry.get("apiVersion")).partition("/")
        if group != "split.smi-spec.io" or version not in VERSIONS:
            continue
        when = parse_time(entry.get("time"))
        when = -math.inf if when is None else when
        if when >= best_time:
            best, best_time = version, when
    return best


def parse_trafficsplit_spec(spec: dict[str, Any], namespace: str, version: str,
                            problems: list[str]) -> tuple[str, list[RawBackend]]:
    """Read a TrafficSplit spec, appending anything wrong to `problems`.

    Every version's weights are read as Kubernetes quantities: v1alpha1 stores them as quantities and,
    since the CRD converts nothing, a v1alpha2 read of such an object returns the same strings.

    Args:
        spec: The object's `spec`.
        namespace: The object's namespace (backends live there).
        version: The API version without group, e.g. `v1alpha1`.
        problems: Receives user-readable problem strings.

    Returns:
        The apex service name (empty when missing) and the backends in object order.
    """
    service = as_str(spec.get("service"))
    if not service:
        problems.append("spec.service is missing: the split has no apex service")
    elif problem := name_problem("spec.service", service):
        problems.append(problem)
    backends: list[RawBackend] = []
    for position, item in enumerate(as_list(spec.get("backends"))):
        entry = as_dict(item)
        name = as_str(entry.get("service"))
        if not name:
            problems.append(f"backend #{position + 1} has no service name and is ignored")
            continue
        if problem := name_problem("backend", name):
            problems.append(problem)
        raw = entry.get("weight")
        shown = visible(name, 60)
        weight = read_weight(name, raw, problems)
        if weight is not None and version in _VERSIONS_WITH_MATCHES and weight.denominator != 1:
            problems.append(f"backend {shown}: {version} weights must be whole numbers "
                            f"(got {short_repr(raw)})")
        backends.append(RawBackend(name=name, namespace=namespace, weight=weight, raw_weight=raw,
                                   position=position))
    if not backends:
        problems.append("the split has no backends")
    for name, count in Counter(backend.name for backend in backends).items():
        if count > 1:
            problems.append(f"backend {visible(name, 60)} is listed {count} times")
    _note_matches(spec, service, version, problems)
    for key in spec:
        if key not in _KNOWN_FIELDS:
            problems.append(f"unknown field spec.{visible(key, 60)} is ignored")
    return service, backends


def read_weight(name: str, raw: Any, problems: list[str]) -> Fraction | None:
    """Parse one quantity weight, recording a problem and returning None when it is unusable."""
    shown = visible(name, 60)
    if raw is None:
        problems.append(f"backend {shown} has no weight")
        return None
    try:
        return parse_quantity(raw)
    except QuantityError as error:
        if error.reason == "negative":
            problems.append(f"backend {shown} has a negative weight ({short_repr(raw)})")
        elif error.reason == "too large":
            problems.append(f"backend {shown} has a weight too large to be real "
                            f"({short_repr(raw)}, more than 2^63-1)")
        elif error.reason == "too long":
            problems.append(f"backend {shown} has a weight of {len(raw):,} characters, longer than "
                            f"any quantity ({short_repr(raw)})")
        else:
            problems.append(f"backend {shown} has a malformed weight ({short_repr(raw)})")
        return None


def _note_matches(spec: dict[str, Any], service: str, version: str, problems: list[str]) -> None:
    """Explain `spec.matches`: a filter in v1alpha3/4, an ignored field before."""
    if "matches" not in spec:
        return
    if version not in _VERSIONS_WITH_MATCHES:
        problems.append(f"spec.matches is not part of {version or 'this version'} and is ignored")
        return
    matches = as_list(spec.get("matches"))
    names = []
    for item in matches[:_MATCHES_SHOWN]:
        entry = as_dict(item)
        names.append(f"{visible(as_str(entry.get('kind'), '?'), 40)}/"
                     f"{visible(as_str(entry.get('name'), '?'), 60)}")
    if len(matches) > _MATCHES_SHOWN:
        names.append(f"{len(matches) - _MATCHES_SHOWN} more")
    if names:
        rest = f"; other requests go to {visible(service, 60)}" if service else ""
        problems.append(f"applies only to requests matching {', '.join(names)}{rest}")
