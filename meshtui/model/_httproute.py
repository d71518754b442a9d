"""Provides the reading of an HTTPRoute spec (Gateway API or Linkerd policy) into raw backends."""

from __future__ import annotations

import math
from collections import Counter
from fractions import Fraction
from typing import Any

from meshtui.model._fields import as_dict, as_int, as_list, as_str
from meshtui.model._raw import RawBackend
from meshtui.model.text import name_problem, short_repr, visible

MAX_WEIGHT = 1_000_000
"""The largest backendRef weight the Gateway API accepts."""

EGRESS_GROUP = "policy.linkerd.io"
"""The API group of Linkerd's `EgressNetwork`."""

_KNOWN_FIELDS = frozenset({"parentRefs", "hostnames", "rules"})
_CORE_GROUPS = frozenset({"", "core"})
_PARENTS_SHOWN = 5


def is_service_ref(ref: dict[str, Any], default_kind: str) -> bool:
    """Tell whether a parentRef/backendRef names a core Service.

    Linkerd treats a missing or empty group as the core group, and accepts `core` as its name.
    """
    kind = as_str(ref.get("kind"), default_kind)
    group = ref.get("group")
    return kind == "Service" and (group is None or isinstance(group, str) and group in _CORE_GROUPS)


def is_egress_ref(ref: dict[str, Any]) -> bool:
    """Tell whether a parentRef/backendRef names a Linkerd `EgressNetwork` (Linkerd 2.17 on).

    A route attached to one is how Linkerd routes traffic leaving the cluster; a backendRef to
    it sends a request on to its original destination.
    """
    return as_str(ref.get("kind")) == "EgressNetwork" and as_str(ref.get("group")) == EGRESS_GROUP


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
                problems.append(f"{label}backend {visible(name, 60)} is listed {count} times")
        backends.extend(found)
    if not backends:
        problems.append("the route has no backendRefs")
    for key in spec:
        if key not in _KNOWN_FIELDS:
            problems.append(f"unknown field spec.{visible(key, 60)} is ignored")
    return service, backends


def _parent_service(spec: dict[str, Any], namespace: str, problems: list[str]) -> str:
    """Pick the first Service parentRef as the apex and note the other parents."""
    service = ""
    others: list[str] = []
    egress = False
    for item in as_list(spec.get("parentRefs")):
        ref = as_dict(item)
        name = as_str(ref.get("name"))
        if is_egress_ref(ref) and name:
            egress = True
            continue
        if not service and name and is_service_ref(ref, "Gateway"):
            service = name
            if problem := name_problem("parentRef", name):
                problems.append(problem)
            parent_namespace = as_str(ref.get("namespace"), namespace)
            if parent_namespace and parent_namespace != namespace:
                problems.append(f"consumer route: applies only to clients in namespace "
                                f"{visible(namespace, 60)} calling {visible(name, 60)}."
                                f"{visible(parent_namespace, 60)}")
        else:
            others.append(f"{visible(as_str(ref.get('kind'), 'Gateway'), 40)} "
                          f"{visible(name, 60) or '?'}")
    if not service and not egress:
        problems.append("no parentRef of kind Service or EgressNetwork: Linkerd does not use this "
                        "route for mesh traffic")
    elif others:
        shown = others[:_PARENTS_SHOWN] + ([f"{len(others) - _PARENTS_SHOWN} more"]
                                           if len(others) > _PARENTS_SHOWN else [])
        problems.append(f"also attached to {', '.join(shown)}; "
                        f"showing Service {visible(service, 60)}")
    return service


def _backend(ref: dict[str, Any], rule: int, position: int, namespace: str, label: str,
             problems: list[str]) -> RawBackend | None:
    """Read one backendRef; None (with a problem) when it has no name."""
    name = as_str(ref.get("name"))
    if not name:
        problems.append(f"{label}backendRef #{position + 1} has no name and is ignored")
        return None
    if problem := name_problem(f"{label}backendRef", name):
        problems.append(problem)
    shown = visible(name, 60)
    kind = as_str(ref.get("kind"), "Service")
    if not is_service_ref(ref, "Service") and not is_egress_ref(ref):
        group = visible(as_str(ref.get("group")), 60)
        problems.append(f"{label}backendRef {shown} is a {visible(kind, 40)}"
                        f"{f' ({group})' if group else ''}, "
                        "not a Service: Linkerd cannot send traffic to it")
    port = as_int(ref.get("port"))
    if port is not None and not 1 <= port <= 65535:
        problems.append(f"{label}backendRef {shown} has port {short_repr(port)}, not 1-65535")
        port = None
    elif port is None and kind == "Service":
        problems.append(f"{label}backendRef {shown} has no port")
    raw = ref.get("weight")
    return RawBackend(name=name, namespace=as_str(ref.get("namespace"), namespace) or namespace,
                      weight=_weight(name, raw, label, problems), raw_weight=raw, rule=rule,
                      port=port, position=position, kind=kind)


def _weight(name: str, raw: Any, label: str, problems: list[str]) -> Fraction | None:
    """Read an int32 backendRef weight; a missing weight means 1.

    A weight the Gateway API would refuse (negative or above `MAX_WEIGHT`) is unusable: it is
    a problem and counts as unknown, so no later arithmetic sees a number of any size.
    """
    if raw is None:
        return Fraction(1)
    shown = visible(name, 60)
    # Whole floats (100.0) are what some YAML writers produce for an int; anything else is not
    # an integer, and a huge or infinite float must not reach int().
    is_number = isinstance(raw, int) and not isinstance(raw, bool) or \
        isinstance(raw, float) and math.isfinite(raw) and raw.is_integer()
    if not is_number:
        problems.append(f"{label}backend {shown} has a malformed weight ({short_repr(raw)})")
        return None
    if raw < 0:
        problems.append(f"{label}backend {shown} has a negative weight ({short_repr(raw)})")
        return None
    if raw > MAX_WEIGHT:
        problems.append(f"{label}backend {shown} has weight {short_repr(raw)}, above the maximum "
                        f"{MAX_WEIGHT}")
        return None
    return Fraction(int(raw))
