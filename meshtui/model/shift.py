"""Provides the objects of an incident shift: the split meshtui creates for a service that has
none, and the deletion that ends it.

A shift is a plain split (an HTTPRoute with a Service parent, or an SMI TrafficSplit) labelled
``app.kubernetes.io/managed-by: meshtui`` and annotated with who made it, when and why, so that
ending it can tell meshtui's splits from everybody else's. Pure: which kinds the cluster serves,
the Services' ports and who the user is are given by the caller (`meshtui.kube.shift`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_dict, metadata, string_map
from meshtui.model.write_descriptions import DELETE, JSON, ObjectTarget, PlannedWrite
from meshtui.model.split import Split
from meshtui.model.text import visible
from meshtui.model.weights import apportion, encode_weight, validate_percent

__all__ = [
    "CREATED_AT_ANNOTATION",
    "CREATED_BY_ANNOTATION",
    "MANAGED_BY",
    "MANAGED_BY_LABEL",
    "REASON_ANNOTATION",
    "SHIFT_KINDS",
    "ShiftBackend",
    "ShiftKind",
    "ShiftRefused",
    "Fallback",
    "fallbacks",
    "ShiftRequest",
    "check_split_name",
    "creator",
    "default_name",
    "end_refusal",
    "end_write",
    "is_meshtui_made",
    "picked_percents",
    "shift_object",
    "shift_percents",
    "shift_write",
]

MANAGED_BY_LABEL = "app.kubernetes.io/managed-by"
"""The well-known label naming the tool that manages an object."""
MANAGED_BY = "meshtui"
"""Its value on the splits meshtui creates."""
CREATED_BY_ANNOTATION = "meshtui.io/created-by"
"""Who created the shift: the kubeconfig user and context."""
CREATED_AT_ANNOTATION = "meshtui.io/created-at"
"""When, RFC 3339 UTC."""
REASON_ANNOTATION = "meshtui.io/reason"
"""Why, as the user typed it."""
MAX_REASON = 500
"""The longest reason kept (Kubernetes allows 256 KiB of annotations; a reason is a sentence)."""

_NAME = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
_MAX_SERVICE_NAME = 63


class ShiftRefused(ValueError):
    """A shift or end of shift refused before any write (the message says why)."""


@dataclass(frozen=True)
class ShiftKind:
    """One kind of split a shift can create."""

    key: str
    """Resource key (`meshtui.kube.resources`)."""
    group: str
    """API group."""
    kind: str
    """Object kind."""
    name: str
    """What the command line calls it: `httproute` or `trafficsplit`."""
    parent_group: str = ""
    """The group of the Service parentRef (Linkerd's own HTTPRoute says `core`)."""


SHIFT_KINDS: tuple[ShiftKind, ...] = (
    ShiftKind("httproutes.policy.linkerd.io", "policy.linkerd.io", "HTTPRoute", "httproute",
              parent_group="core"),
    ShiftKind("httproutes.gateway.networking.k8s.io", "gateway.networking.k8s.io", "HTTPRoute",
              "httproute"),
    ShiftKind("trafficsplits", "split.smi-spec.io", "TrafficSplit", "trafficsplit"),
)
"""In the order Linkerd reads them: a cluster gets the first one it serves."""


@dataclass(frozen=True)
class ShiftBackend:
    """A Service that receives a share of the shifted traffic."""

    service: str
    """Name of the Service (in the shift's namespace)."""
    percent: int
    """Whole percentage of the apex's traffic."""
    port: int | None = None
    """The Service port an HTTPRoute backendRef names (required by Gateway API for a Service)."""


@dataclass(frozen=True)
class ShiftRequest:
    """Everything the created object says."""

    namespace: str
    """Namespace of the apex and of every backend."""
    service: str
    """The apex Service whose traffic is shifted."""
    backends: tuple[ShiftBackend, ...]
    """Who receives it; percentages sum to 100."""
    kind: ShiftKind
    """What to create."""
    version: str
    """The served version to create it at."""
    name: str
    """Name of the split object."""
    created_by: str
    """Who (never a credential)."""
    created_at: str
    """When, RFC 3339."""
    reason: str = ""
    """Why, as typed."""
    port: int | None = None
    """The apex Service port the HTTPRoute parentRef names (None: every port)."""


def _check_name(what: str, name: str) -> str:
    if not isinstance(name, str) or len(name) > _MAX_SERVICE_NAME or not _NAME.fullmatch(name):
        raise ShiftRefused(f"invalid {what} {visible(name, 60)}: a Service name is lower-case "
                           "letters, digits and '-', at most 63 characters")
    return name


def shift_percents(service: str, assignments: Mapping[str, object]) -> dict[str, int]:
    """Whole percentages per backend from ``{backend: percent as typed}``.

    What the named backends leave of 100 stays on `service` itself, which is always a backend
    (at 0% when everything moves), so the shift can later be walked back by editing weights.

    Raises:
        ShiftRefused: A name that is not a Service name, a value that is not a whole percentage,
            values adding up to more than 100, or nothing at all moved off `service`.
    """
    _check_name("service", service)
    named: dict[str, int] = {}
    for backend, value in assignments.items():
        _check_name("backend", backend)
        try:
            named[backend] = validate_percent(value)
        except ValueError as exc:
            raise ShiftRefused(f"{backend}: {exc}") from None
    total = sum(named.values())
    if total > 100:
        raise ShiftRefused(f"the percentages add up to {total}, more than 100")
    rest = 100 - total
    if service in named:
        if rest:
            raise ShiftRefused(f"the percentages add up to {total}, not 100 ({service} is named, "
                               "so nothing is left over for it)")
        percents = named
    else:
        percents = {service: rest, **named}
    if percents[service] == 100:
        raise ShiftRefused(f"nothing moves off {service}: name a backend with a percentage "
                           "above 0")
    return percents


MIRRORED_LABEL = "mirror.linkerd.io/mirrored-service"
"""Label Linkerd's service mirror puts on the Services it mirrors from another cluster."""
CLUSTER_LABEL = "mirror.linkerd.io/cluster-name"
"""The cluster a mirrored Service comes from."""


@dataclass(frozen=True)
class Fallback:
    """A Service a shift can send traffic to."""

    name: str
    """Name of the Service."""
    cluster: str = ""
    """The cluster it is mirrored from ("" for a local Service)."""

    @property
    def note(self) -> str:
        """``mirrored from west``, or empty."""
        return f"mirrored from {visible(self.cluster, 63)}" if self.cluster else ""


def fallbacks(service: str, services: Sequence[Mapping[str, Any]]) -> list[Fallback]:
    """The Services of the apex's namespace a shift can pick, best guesses first.

    The apex's own mirrors (``web-svc-west`` for ``web-svc``) come first, then its other
    versions (names starting with the apex's), then other mirrors, then the rest by name.
    """
    found = []
    for obj in services:
        meta = metadata(obj)
        name = meta.get("name")
        if not isinstance(name, str) or name == service or not _NAME.fullmatch(name):
            continue
        labels = string_map(meta.get("labels"))
        cluster = labels.get(CLUSTER_LABEL, "") if labels.get(MIRRORED_LABEL) == "true" else ""
        found.append(Fallback(name, cluster))

    def rank(fallback: Fallback) -> tuple[int, str]:
        related = fallback.name.startswith(f"{service}-")
        return (0 if related and fallback.cluster else 1 if related else
                2 if fallback.cluster else 3, fallback.name)

    return sorted(found, key=rank)


def picked_percents(picked: Sequence[str], typed: str) -> dict[str, int]:
    """Percentages for the backends picked in the dashboard, from what was typed beside them.

    Nothing typed shares 100 evenly among them (largest remainder); otherwise one whole
    percentage per picked backend, in order, separated by spaces or commas. What they leave of
    100 stays on the apex (`shift_percents`).

    Raises:
        ShiftRefused: Nothing picked, a count that does not match, or a value that is not a whole
            percentage.
    """
    if not picked:
        raise ShiftRefused("pick at least one fallback backend (space)")
    words = typed.replace(",", " ").split()
    if not words:
        return dict(zip(picked, apportion([1] * len(picked), 100), strict=True))
    if len(words) != len(picked):
        raise ShiftRefused(f"{len(words)} percentages for {len(picked)} backends: give one "
                           "for each, in the order picked")
    percents = {}
    for backend, word in zip(picked, words, strict=True):
        try:
            percents[backend] = validate_percent(word)
        except ValueError as exc:
            raise ShiftRefused(f"{backend}: {exc}") from None
    return percents


def check_split_name(name: str) -> str:
    """Return `name` if it can name a split object (a DNS-1123 subdomain).

    Raises:
        ShiftRefused: Otherwise.
    """
    if not isinstance(name, str) or len(name) > 253 or not all(
            _NAME.fullmatch(part) for part in name.split(".")):
        raise ShiftRefused(f"invalid split name {visible(name, 60)}: lower-case letters, digits, "
                           "'-' and '.'")
    return name


def creator(identity: str | None, context: str) -> str:
    """What `CREATED_BY_ANNOTATION` says: ``user@context`` (a name, never a credential)."""
    return f"{identity or 'unknown'}@{context or 'unknown'}"


def default_name(service: str) -> str:
    """The name a shift of `service` gets unless one is given."""
    return f"{service}-shift"


def shift_object(request: ShiftRequest) -> dict[str, Any]:
    """The split object a shift creates."""
    kind = request.kind
    annotations = {CREATED_BY_ANNOTATION: request.created_by,
                   CREATED_AT_ANNOTATION: request.created_at}
    reason = " ".join(request.reason.split())[:MAX_REASON]
    if reason:
        annotations[REASON_ANNOTATION] = reason
    meta = {"name": request.name, "namespace": request.namespace,
            "labels": {MANAGED_BY_LABEL: MANAGED_BY}, "annotations": annotations}
    api_version = f"{kind.group}/{request.version}"
    if kind.kind == "TrafficSplit":
        spec: dict[str, Any] = {
            "service": request.service,
            "backends": [{"service": b.service,
                          "weight": encode_weight(b.percent, kind.kind, api_version)}
                         for b in request.backends]}
    else:
        parent: dict[str, Any] = {"group": kind.parent_group, "kind": "Service",
                                  "name": request.service}
        if request.port is not None:
            parent["port"] = request.port
        refs = []
        for b in request.backends:
            ref: dict[str, Any] = {"group": "", "kind": "Service", "name": b.service}
            if b.port is not None:
                ref["port"] = b.port
            ref["weight"] = b.percent
            refs.append(ref)
        spec = {"parentRefs": [parent], "rules": [{"backendRefs": refs}]}
    return {"apiVersion": api_version, "kind": kind.kind, "metadata": meta, "spec": spec}


def shift_write(request: ShiftRequest) -> PlannedWrite:
    """The create of a shift's object, for `ClusterWriter.write`."""
    kind = request.kind
    target = ObjectTarget(resource=kind.key, group=kind.group, version=request.version,
                          kind=kind.kind, namespace=request.namespace, name=request.name)
    moved = ", ".join(f"{b.service} {b.percent}%" for b in request.backends)
    return PlannedWrite(target, shift_object(request), JSON, "",
                        f"create {target} shifting {request.service}: {moved}")


def is_meshtui_made(obj: Mapping[str, Any]) -> bool:
    """Whether a split object carries meshtui's managed-by label."""
    return string_map(metadata(obj).get("labels")).get(MANAGED_BY_LABEL) == MANAGED_BY


def end_refusal(split: Split, force: bool) -> str | None:
    """Why ending this split is refused without `force` (None when it may be deleted).

    A split meshtui did not create belongs to somebody: a controller re-creates it or loses
    track, a GitOps tool puts it back, or a person meant it to stay.
    """
    if force:
        return None
    if not is_meshtui_made(split.obj):
        owner = split.owner
        by = f", it is managed by {visible(owner.controller, 40)}" if owner is not None else ""
        return (f"{split.ref} was not created by meshtui (no {MANAGED_BY_LABEL}: {MANAGED_BY} "
                f"label{by}); nothing deleted: --force deletes it anyway")
    return None


def end_write(split: Split) -> PlannedWrite:
    """The deletion of a split, guarded by the resourceVersion it was read at."""
    target = ObjectTarget(resource=split.ref.resource_key, group=split.group,
                          version=split.version, kind=split.kind, namespace=split.namespace,
                          name=split.name)
    options: dict[str, Any] = {"preconditions": {"resourceVersion": split.resource_version}}
    uid = as_dict(split.obj.get("metadata")).get("uid")
    if isinstance(uid, str) and uid:
        options["preconditions"]["uid"] = uid
    return PlannedWrite(target, options, DELETE, "", f"delete {target}, ending its shift")
