"""Provides the reading of an HTTPRoute spec (Gateway API or Linkerd policy) into raw backends."""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

from meshtui.model._fields import as_dict, as_int, as_list, as_str
from meshtui.model._raw import RawBackend

MAX_WEIGHT = 1_000_000
"""The largest backendRef weight the Gateway API accepts."""

_KNOWN_FIELDS = frozenset({"parentRefs", "hostnames", "rules"})
_CORE_GROUPS = frozenset({"", "core"})


def is_service_ref(ref: dict[str, Any], default_kind: str) -> bool:
    """Tell whether a parentRef/backendRef names a core Service.

    Linkerd treats a missing or empty group as the core group, and accepts `core` as its name.
    """
    kind = as_str(ref.get("kind"), default_kind)
    group = ref.get("group")
    return kind == "Service" and (group is None or isinstance(group, str) and group in _CORE_GROUPS)


def has_service_parent_or_backends(spec: dict[str, Any]) -> bool:
    """Tell whether a route could split traffic: it has a Service parent or any backendRef."""
    if any(is_service_ref(as_dict(ref), "Gateway") for ref in as_list(spec.get("parentRefs"))):
        return True
    return any(as_list(as_dict(rule).get("backendRefs")) for rule in as_list(spec.get("rules")))


def parse_httproute_spec(spec: dict[str, Any], namespace: str,
                         problems: list[str]) -> tuple[str, list[RawBackend]]:
    """Read an HTTPRoute spec, appending anything wrong to `problems`.

    Args:
        spec: The object's `spec`.
        namespace: The route's namespace (the default for parentRefs and backendRefs).
        problems: Receives user-readable problem strings.

    Returns:
        The apex service (the first Service parentRef, empty when none) and the backends of every
        rule with backendRefs, in object order.
    """
    service = _parent_service(spec, namespace, problems)
    rules = as_list(spec.get("rules"))
    backends: list[RawBackend] = []
    for index, rule in enumerate(rules):
        label = f"rule {index + 1}: " if len(rules) > 1 else ""
        if not isinstance(rule, dict):
            problems.append(f"{label}the rule is not an object and is ignored")
        declared = as_dict(rule).get("backendRefs")
        if declared is not None and not isinstance(declared, list):
            problems.append(f"{label}backendRefs is not a list and is ignored")
        refs = as_list(declared)
        found = [
            backend
            for position, ref in enumerate(refs)
            if (backend := _backend(as_dict(ref), index, position, namespace, label, problems))
        ]
        counts = Counter((backend.namespace, backend.name, backend.port) for backend in found)
        for (_, name, _), count in counts.items():
            if count > 1:
                problems.append(f"{label}backend {name} is listed {count} times")
        backends.extend(found)
    if not backends:
        problems.append("the route has no backendRefs")
    for key in spec:
        if key not in _KNOWN_FIELDS:
            problems.append(f"unknown field spec.{key} is ignored")
    return service, backends


def _parent_service(spec: dict[str, Any], namespace: str, problems: list[str]) -> str:
    """Pick the first Service parentRef as the apex and note the other parents."""
    service = ""
    others: list[str] = []
    for item in as_list(spec.get("parentRefs")):
        ref = as_dict(item)
        name = as_str(ref.get("name"))
        if not service and name and is_service_ref(ref, "Gateway"):
            service = name
            parent_namespace = as_str(ref.get("namespace"), namespace)
            if parent_namespace and parent_namespace != namespace:
                problems.append(f"consumer route: applies only to clients in namespace {namespace} "
                                f"calling {name}.{parent_namespace}")
        else:
            others.append(f"{as_str(ref.get('kind'), 'Gateway')} {name or '?'}")
    if not service:
        problems.append("no parentRef of kind Service: Linkerd does not use this route for mesh traffic")
    elif others:
        problems.append(f"also attached to {', '.join(others)}; showing Service {service}")
    return service


def _backend(ref: dict[str, Any], rule: int, position: int, namespace: str, label: str,
             problems: list[str]) -> RawBackend | None:
    """Read one backendRef; None (with a problem) when it has no name."""
    name = as_str(ref.get("name"))
    if not name:
        problems.append(f"{label}backendRef #{position + 1} has no name and is ignored")
        return None
    kind = as_str(ref.get("kind"), "Service")
    if not is_service_ref(ref, "Service"):
        group = as_str(ref.get("group"))
        problems.append(f"{label}backendRef {name} is a {kind}{f' ({group})' if group else ''}, "
                        "not a Service: Linkerd cannot send traffic to it")
    port = as_int(ref.get("port"))
    if port is None and kind == "Service":
        problems.append(f"{label}backendRef {name} has no port")
    raw = ref.get("weight")
    return RawBackend(name=name, namespace=as_str(ref.get("namespace"), namespace) or namespace,
                      weight=_weight(name, raw, label, problems), raw_weight=raw, rule=rule,
                      port=port, position=position, kind=kind)


def _weight(name: str, raw: Any, label: str, problems: list[str]) -> Fraction | None:
    """Read an int32 backendRef weight; a missing weight means 1."""
    if raw is None:
        return Fraction(1)
    value = as_int(raw)
    if value is None:
        text = repr(raw)
        text = text if len(text) <= 40 else text[:37] + "..."
        problems.append(f"{label}backend {name} has a malformed weight ({text})")
        return None
    if value < 0:
        problems.append(f"{label}backend {name} has a negative weight ({value})")
        return None
    if value > MAX_WEIGHT:
        problems.append(f"{label}backend {name} has weight {value}, above the maximum {MAX_WEIGHT}")
    return Fraction(value)
