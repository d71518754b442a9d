"""Provides the reading of an SMI TrafficSplit spec (v1alpha1 to v1alpha4) into raw backends."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str
from meshtui.model._raw import RawBackend
from meshtui.model.quantity import QuantityError, parse_quantity

_KNOWN_FIELDS = frozenset({"service", "backends", "matches"})
_VERSIONS_WITH_MATCHES = frozenset({"v1alpha3", "v1alpha4"})


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
    backends: list[RawBackend] = []
    for position, item in enumerate(as_list(spec.get("backends"))):
        entry = as_dict(item)
        name = as_str(entry.get("service"))
        if not name:
            problems.append(f"backend #{position + 1} has no service name and is ignored")
            continue
        raw = entry.get("weight")
        weight = read_weight(name, raw, problems)
        if weight is not None and version in _VERSIONS_WITH_MATCHES and weight.denominator != 1:
            problems.append(f"backend {name}: {version} weights must be whole numbers (got {raw!r})")
        backends.append(RawBackend(name=name, namespace=namespace, weight=weight, raw_weight=raw,
                                   position=position))
    if not backends:
        problems.append("the split has no backends")
    for name, count in Counter(backend.name for backend in backends).items():
        if count > 1:
            problems.append(f"backend {name} is listed {count} times")
    _note_matches(spec, service, version, problems)
    for key in spec:
        if key not in _KNOWN_FIELDS:
            problems.append(f"unknown field spec.{key} is ignored")
    return service, backends


def read_weight(name: str, raw: Any, problems: list[str]) -> Fraction | None:
    """Parse one quantity weight, recording a problem and returning None when it is unusable."""
    if raw is None:
        problems.append(f"backend {name} has no weight")
        return None
    try:
        return parse_quantity(raw)
    except QuantityError as error:
        if str(error).startswith("negative"):
            problems.append(f"backend {name} has a negative weight ({raw!r})")
        else:
            problems.append(f"backend {name} has a malformed weight ({_short(raw)})")
        return None


def _note_matches(spec: dict[str, Any], service: str, version: str, problems: list[str]) -> None:
    """Explain `spec.matches`: a filter in v1alpha3/4, an ignored field before."""
    if "matches" not in spec:
        return
    if version not in _VERSIONS_WITH_MATCHES:
        problems.append(f"spec.matches is not part of {version or 'this version'} and is ignored")
        return
    names = []
    for item in as_list(spec.get("matches")):
        entry = as_dict(item)
        names.append(f"{as_str(entry.get('kind'), '?')}/{as_str(entry.get('name'), '?')}")
    if names:
        rest = f"; other requests go to {service}" if service else ""
        problems.append(f"applies only to requests matching {', '.join(names)}{rest}")


def _short(value: Any) -> str:
    """Return a repr of `value` cut short, so a huge fuzzed value cannot flood the screen."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
