"""Provides the traffic split: one model over SMI TrafficSplits and weighted HTTPRoutes.

A `Split` is what meshtui shows and edits: an apex service and weighted backends grouped in rules
(a TrafficSplit has one rule; an HTTPRoute has one per rule with backendRefs). Parsing never raises:
whatever is wrong with an object becomes a user-readable problem string on the split.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from meshtui.model._fields import as_dict, as_int, as_str, metadata, split_api_version, string_map
from meshtui.model._httproute import has_service_parent_or_backends, parse_httproute_spec
from meshtui.model._raw import RawBackend
from meshtui.model._smi import parse_trafficsplit_spec, written_version
from meshtui.model.ownership import Owner, owner_from_metadata
from meshtui.model.split_annotations import annotation_problems
from meshtui.model.text import short_repr, visible

__all__ = [
    "HTTPROUTE_GROUPS",
    "TRAFFICSPLIT_GROUP",
    "Backend",
    "Owner",
    "Split",
    "SplitRef",
    "is_split_object",
    "parse_split",
]

TRAFFICSPLIT_GROUP = "split.smi-spec.io"
"""API group of SMI TrafficSplits."""

HTTPROUTE_GROUPS = ("gateway.networking.k8s.io", "policy.linkerd.io")
"""API groups of HTTPRoutes that can carry weighted backendRefs."""
GRPCROUTE_GROUPS = ("gateway.networking.k8s.io",)
"""API groups of GRPCRoutes (Linkerd routes gRPC by them from 2.15 on, same weighted backendRefs)."""
ROUTE_KINDS = ("HTTPRoute", "GRPCRoute")
"""Split kinds that are Gateway API style routes: parentRefs, rules, weighted backendRefs."""
MAX_PROBLEMS = 50
"""The most problems kept on one split; an object with thousands of bad fields says so in one."""


@dataclass(frozen=True)
class SplitRef:
    """Identity of a split object: kind, API group, namespace and name."""

    kind: str
    """`TrafficSplit` or `HTTPRoute`."""
    group: str
    """API group, e.g. `split.smi-spec.io` or `gateway.networking.k8s.io`."""
    namespace: str
    """Namespace of the object."""
    name: str
    """Name of the object."""

    def __str__(self) -> str:
        return f"{self.kind.lower()}/{self.namespace}/{self.name}"

    @property
    def resource(self) -> str:
        """The plural resource name: `trafficsplits` or `httproutes`."""
        return self.kind.lower() + "s"

    @property
    def resource_key(self) -> str:
        """The `MeshState` resource key, which tells the route groups apart."""
        if self.kind in ROUTE_KINDS:
            return f"{self.resource}.{self.group}"
        return self.resource


@dataclass(frozen=True)
class Backend:
    """One weighted backend of a split."""

    name: str
    """Service name."""
    namespace: str
    """Service namespace (defaults to the split's)."""
    weight: Fraction | None
    """Relative weight; None when missing or malformed (a problem is recorded on the split)."""
    raw_weight: Any
    """The weight exactly as found in the object (int, string, None...)."""
    percent: float
    """Share of its rule's traffic, 0..100 (0 when the rule's total weight is 0)."""
    rule: int = 0
    """Index of the rule in the object (`spec.rules[rule]`; always 0 for a TrafficSplit)."""
    port: int | None = None
    """Service port of an HTTPRoute backendRef."""
    position: int = 0
    """Index in `spec.backends` or in the rule's `backendRefs`, for writers patching the object."""
    kind: str = "Service"
    """Kind of the backendRef (anything but Service is a problem)."""


@dataclass(frozen=True)
class Split:
    """A parsed TrafficSplit or HTTPRoute."""

    ref: SplitRef
    """Identity of the object."""
    api_version: str
    """Full apiVersion, e.g. `split.smi-spec.io/v1alpha1`."""
    service: str
    """The apex service: TrafficSplit `spec.service` or the HTTPRoute's Service parentRef."""
    backends: tuple[Backend, ...]
    """Every backend of every rule, in object order."""
    owner: Owner | None
    """The controller that owns the object, if any."""
    resource_version: str
    """metadata.resourceVersion (for optimistic concurrency)."""
    generation: int
    """metadata.generation (0 when absent)."""
    problems: tuple[str, ...]
    """User-readable problems and notes found while parsing."""
    annotations: Mapping[str, str] = field(default_factory=dict, compare=False)
    """metadata.annotations (string values only)."""
    obj: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """The object as parsed, for writers that need the rest of it."""

    @property
    def kind(self) -> str:
        """`TrafficSplit` or `HTTPRoute`."""
        return self.ref.kind

    @property
    def group(self) -> str:
        """API group of the object."""
        return self.ref.group

    @property
    def namespace(self) -> str:
        """Namespace of the object."""
        return self.ref.namespace

    @property
    def name(self) -> str:
        """Name of the object."""
        return self.ref.name

    @property
    def version(self) -> str:
        """API version without the group, e.g. `v1alpha1`."""
        return split_api_version(self.api_version)[1]

    @property
    def rules(self) -> tuple[tuple[Backend, ...], ...]:
        """Backends grouped by rule, in rule order; percentages are per rule."""
        grouped: dict[int, list[Backend]] = {}
        for backend in self.backends:
            grouped.setdefault(backend.rule, []).append(backend)
        return tuple(tuple(grouped[rule]) for rule in sorted(grouped))

    def to_json(self) -> dict[str, Any]:
        """Return the `meshtui get splits -o json` shape of this split."""
        owner = None if self.owner is None else {"kind": self.owner.kind, "name": self.owner.name}
        return {
            "kind": self.kind,
            "apiVersion": self.api_version,
            "namespace": self.namespace,
            "name": self.name,
            "service": self.service,
            "owner": owner,
            "problems": list(self.problems),
            "backends": [
                {
                    "name": backend.name,
                    "weight": _json_number(backend.weight),
                    "percent": round(backend.percent, 2),
                    "rule": backend.rule + 1,
                }
                for backend in self.backends
            ],
            "resourceVersion": self.resource_version,
        }


def _json_number(weight: Fraction | None) -> int | float | None:
    """Return a weight as JSON: an int when whole, a float when fractional, None when unknown."""
    if weight is None:
        return None
    if weight.denominator == 1:
        return int(weight)
    return float(weight)


def is_split_object(obj: Any) -> bool:
    """Tell whether `obj` is a TrafficSplit or an HTTPRoute that can split traffic.

    HTTPRoutes of `policy.linkerd.io` that have neither a Service parent nor backendRefs are inbound
    authorization routes (attached to a Server), not splits.
    """
    if not isinstance(obj, Mapping):
        return False
    kind = obj.get("kind")
    group, _ = split_api_version(as_str(obj.get("apiVersion")))
    if kind == "TrafficSplit":
        return group == TRAFFICSPLIT_GROUP
    if not (kind == "HTTPRoute" and group in HTTPROUTE_GROUPS
            or kind == "GRPCRoute" and group in GRPCROUTE_GROUPS):
        return False
    return has_service_parent_or_backends(as_dict(obj.get("spec")))


def parse_split(obj: dict[str, Any]) -> Split:
    """Parse a TrafficSplit or HTTPRoute into a `Split`.

    Never raises for a mapping: missing fields, bad weights and unsupported references become problem
    strings on the split.

    Args:
        obj: The object as a dict (as returned by the API server or loaded from YAML).

    Returns:
        The parsed split.
    """
    source = obj if isinstance(obj, Mapping) else {}
    meta = metadata(source)
    api_version = as_str(source.get("apiVersion"))
    group, version = split_api_version(api_version)
    kind = as_str(source.get("kind"), "TrafficSplit")
    namespace = as_str(meta.get("namespace"))
    spec = as_dict(source.get("spec"))
    problems: list[str] = []
    if kind in ROUTE_KINDS:
        if group not in (HTTPROUTE_GROUPS if kind == "HTTPRoute" else GRPCROUTE_GROUPS):
            problems.append(f"unknown {kind} API group {short_repr(group, 60)}")
        service, raw_backends = parse_httproute_spec(spec, namespace, problems)
    else:
        if kind != "TrafficSplit" or group != TRAFFICSPLIT_GROUP:
            problems.append(f"not an SMI TrafficSplit: {visible(api_version, 60) or '?'} "
                            f"{visible(kind, 40)}")
        else:
            # Read at one version, written at another: the spec follows the writer's version,
            # and so do problems and writes back (weights in the form that version takes).
            version = written_version(meta, version)
            api_version = f"{group}/{version}"
        service, raw_backends = parse_trafficsplit_spec(spec, namespace, version, problems)
    backends_with_shares = _with_percents(raw_backends, problems)
    annotations = string_map(meta.get("annotations"))
    if annotations:
        first = raw_backends[0].rule if raw_backends else 0
        problems += annotation_problems(annotations,
                                        [b.name for b in raw_backends if b.rule == first])
    return Split(
        ref=SplitRef(kind=kind, group=group, namespace=namespace, name=as_str(meta.get("name"))),
        api_version=api_version,
        service=service,
        backends=backends_with_shares,
        owner=owner_from_metadata(meta),
        resource_version=as_str(meta.get("resourceVersion")),
        generation=as_int(meta.get("generation"), 0) or 0,
        problems=_bounded(problems),
        annotations=annotations,
        obj=dict(source),
    )


def _bounded(problems: list[str]) -> tuple[str, ...]:
    """The distinct problems, at most `MAX_PROBLEMS` of them (a last one counts the rest)."""
    distinct = tuple(dict.fromkeys(problems))
    if len(distinct) <= MAX_PROBLEMS:
        return distinct
    rest = len(distinct) - (MAX_PROBLEMS - 1)
    return (*distinct[: MAX_PROBLEMS - 1], f"and {rest:,} more problems")


def _with_percents(raw: list[RawBackend], problems: list[str]) -> tuple[Backend, ...]:
    """Compute each backend's share of its own rule and flag rules whose weights are all zero."""
    weights: dict[int, list[Fraction]] = {}
    known: set[int] = set()
    for backend in raw:
        weights.setdefault(backend.rule, [])
        if backend.weight is not None:
            weights[backend.rule].append(backend.weight)
            known.add(backend.rule)
    totals = {rule: _total(values) for rule, values in weights.items()}
    several_rules = len(totals) > 1
    for rule, total in totals.items():
        # A rule whose weights are all unreadable already has a problem per backend.
        if total == 0 and rule in known:
            label = f"rule {rule + 1}: " if several_rules else ""
            problems.append(f"{label}the total weight is zero, so no backend receives traffic")
    return tuple(
        Backend(
            name=backend.name,
            namespace=backend.namespace,
            weight=backend.weight,
            raw_weight=backend.raw_weight,
            percent=_percent(backend.weight, totals[backend.rule]),
            rule=backend.rule,
            port=backend.port,
            position=backend.position,
            kind=backend.kind,
        )
        for backend in raw
    )


def _total(weights: list[Fraction]) -> Fraction:
    """The exact sum of `weights`; whole weights (the usual case) skip Fraction arithmetic."""
    if all(w.denominator == 1 for w in weights):
        return Fraction(sum(w.numerator for w in weights))
    return sum(weights, Fraction(0))


def _percent(weight: Fraction | None, total: Fraction) -> float:
    """Return `weight` as a percentage of `total` (0 when either is zero or unknown)."""
    if not weight or not total:
        return 0.0
    # The same correctly rounded quotient as float(weight * 100 / total): int / int rounds
    # exactly, whether or not the fraction is reduced first.
    return (weight.numerator * total.denominator * 100) / (weight.denominator * total.numerator)
