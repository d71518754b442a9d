"""Meshed services: every Service with its mesh state, pods, splits and multicluster origin.

Pure functions over cluster objects and parsed splits. A service is meshed when Linkerd injects
its pods: a pod (or pod template) annotation decides first, then the namespace annotation; a
proxy actually running in a selected pod counts too. A mirror of another cluster's service
(Linkerd multicluster) counts as meshed: its traffic goes through the meshed gateway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_dict, as_str, metadata, string_map
from meshtui.model._pods import INJECT_ANNOTATION, INJECT_ON, PodIndex, PodSummary, pod_summary, template_injects
from meshtui.model.findings import HealthPolicy
from meshtui.model.health import signal_mark
from meshtui.model.signals import BackendKey, GoldenSignals
from meshtui.model.split import Split, SplitRef

__all__ = ["MIRROR_CLUSTER_LABEL", "MIRRORED_LABEL", "MeshedService", "PodCounts", "ServiceHealth",
           "SplitPart", "meshed_label", "meshed_services", "service_health"]

MIRRORED_LABEL = "mirror.linkerd.io/mirrored-service"
"""Label the service mirror puts on a mirror of a remote service (value "true")."""
MIRROR_CLUSTER_LABEL = "mirror.linkerd.io/cluster-name"
"""Label naming the remote cluster a mirror comes from."""

INJECTED_BY = ("pod", "namespace", "proxy", "mirror", "")
"""What made a service meshed (or, for "pod", unmeshed): its pods' annotation, its namespace's,
a proxy seen running without either, a multicluster mirror; "" for nothing at all."""


def meshed_label(meshed: bool, injected_by: str) -> str:
    """"yes (ns)", "yes (pod)", "no (pod)", "no", "mirror"...: the meshed state and what decided
    it, as the services view and `meshtui get services` print it."""
    if injected_by == "mirror":
        return "mirror"
    short = {"namespace": "ns", "pod": "pod", "proxy": "proxy"}.get(injected_by, "")
    word = "yes" if meshed else "no"
    return f"{word} ({short})" if short else word


@dataclass(frozen=True)
class PodCounts:
    """The pods a service selects."""

    total: int = 0
    ready: int = 0
    """Pods whose Ready condition is True."""
    meshed: int = 0
    """Pods running a linkerd-proxy container."""
    proxies_ready: int = 0
    """Pods whose proxy is ready (the x of "proxies x/y")."""

    def to_json(self) -> dict[str, int]:
        """The JSON object of `meshtui get services`."""
        return {"total": self.total, "ready": self.ready, "meshed": self.meshed}


@dataclass(frozen=True)
class SplitPart:
    """A split a service takes part in."""

    ref: SplitRef
    apex: bool
    """True when the service is the split's apex (parent); False for a backend only."""
    backend: bool
    """True when the service is one of the split's backends."""

    @property
    def label(self) -> str:
        """``kind/name``, as the CLI lists it."""
        return f"{self.ref.kind}/{self.ref.name}"


@dataclass(frozen=True)
class MeshedService:
    """A Service as the services view and `meshtui get services` show it."""

    namespace: str
    name: str
    meshed: bool
    injected_by: str
    """One of `INJECTED_BY`."""
    pods: PodCounts
    splits: tuple[SplitPart, ...] = ()
    mirror_cluster: str | None = None
    """The remote cluster of a multicluster mirror, else None."""

    @property
    def key(self) -> BackendKey:
        """The metrics key of the service."""
        return BackendKey(self.namespace, self.name)

    @property
    def proxies(self) -> str:
        """"x/y": ready proxies over selected pods."""
        return f"{self.pods.proxies_ready}/{self.pods.total}"

    def to_json(self, signals: GoldenSignals | None = None, *, with_signals: bool = False) -> dict[str, Any]:
        """The JSON object of `meshtui get services` (`signals` only `with_signals`)."""
        out: dict[str, Any] = {
            "namespace": self.namespace, "name": self.name, "meshed": self.meshed,
            "pods": self.pods.to_json(), "splits": [part.label for part in self.splits],
            "mirror": {"cluster": self.mirror_cluster} if self.mirror_cluster is not None else None,
        }
        if with_signals:
            out["signals"] = None if signals is None else signals.to_json()
        return out


@dataclass(frozen=True)
class ServiceHealth:
    """The verdict on one service."""

    mark: str
    """"ok", "warn", "bad" or "none" (no traffic or data), by success rate."""
    attention: bool
    reasons: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """The reasons joined for a one-line cell."""
        return ", ".join(self.reasons)


def service_health(service: MeshedService, signals: GoldenSignals | None,
                   policy: HealthPolicy = HealthPolicy()) -> ServiceHealth:
    """Judge a service: failing, proxies not ready, or unmeshed yet receiving meshed traffic.

    Its signals come from meshed clients' proxies (outbound, by destination), so any traffic to
    an unmeshed service is meshed traffic leaving the mesh's guarantees (mTLS, retries...);
    a split naming it is the same (splits are applied by meshed clients).
    """
    mark = signal_mark(signals, policy)
    reasons: list[str] = []
    if not service.meshed:
        if signals is not None and signals.rps:
            reasons.append("unmeshed, receives meshed traffic")
        elif service.splits:
            reasons.append("unmeshed, in a split")
    elif service.pods.meshed and service.pods.proxies_ready < service.pods.total:
        reasons.append(f"proxies ready {service.proxies}")
    if mark == "bad" and signals is not None and signals.success_rate is not None:
        reasons.insert(0, f"success {signals.success_rate * 100:.1f}%")
    return ServiceHealth(mark, bool(reasons), tuple(reasons))


def _split_parts(splits: Iterable[Split]) -> dict[BackendKey, list[SplitPart]]:
    """Services (namespace, name) → the splits they take part in, each split once."""
    out: dict[BackendKey, list[SplitPart]] = {}
    for split in splits:
        backends = {BackendKey(b.namespace, b.name) for b in split.backends if b.kind == "Service"}
        apex = BackendKey(split.namespace, split.service)
        for key in sorted(backends | {apex}):
            out.setdefault(key, []).append(SplitPart(split.ref, key == apex, key in backends))
    return out


def _namespace_injects(namespaces: Iterable[Mapping[str, Any]]) -> dict[str, str]:
    return {as_str(metadata(ns).get("name")): value for ns in namespaces
            if (value := string_map(metadata(ns).get("annotations")).get(INJECT_ANNOTATION)) is not None}


def _meshed(selected: Sequence[PodSummary], templates: Sequence[tuple[dict[str, str], str]],
            selector: Mapping[str, str], namespace_inject: str | None, mirror: bool) -> tuple[bool, str]:
    if mirror:
        return True, "mirror"
    own = [pod.inject for pod in selected if pod.inject is not None]
    if not own and selector:
        own = [inject for labels, inject in templates
               if all(labels.get(k) == v for k, v in selector.items())]
    if own:
        return any(value in INJECT_ON for value in own), "pod"
    if namespace_inject in INJECT_ON:
        return True, "namespace"
    if any(pod.proxy for pod in selected):
        return True, "proxy"
    return False, ""


def meshed_services(services: Iterable[Mapping[str, Any]], namespaces: Iterable[Mapping[str, Any]],
                    pods: Iterable[Mapping[str, Any]], deployments: Iterable[Mapping[str, Any]],
                    splits: Iterable[Split]) -> list[MeshedService]:
    """Describe every service, sorted by namespace and name.

    Args:
        services: Service objects.
        namespaces: Namespace objects (for their inject annotation).
        pods: Pod objects (selected by the services' selectors).
        deployments: Deployments, whose pod templates stand in for pods not listed (yet).
        splits: Parsed splits, for the splits each service takes part in.
    """
    index = PodIndex(summary for pod in pods if (summary := pod_summary(pod)) is not None)
    templates = template_injects(deployments)
    ns_injects = _namespace_injects(namespaces)
    parts = _split_parts(splits)
    result = []
    for service in services:
        meta, spec = metadata(service), as_dict(service.get("spec"))
        namespace, name = as_str(meta.get("namespace")), as_str(meta.get("name"))
        labels = string_map(meta.get("labels"))
        mirror = labels.get(MIRRORED_LABEL) == "true"
        selector = string_map(spec.get("selector"))
        selected = index.select(namespace, selector)
        meshed, by = _meshed(selected, templates.get(namespace, ()), selector,
                             ns_injects.get(namespace), mirror)
        counts = PodCounts(total=len(selected), ready=sum(p.ready for p in selected),
                           meshed=sum(p.proxy for p in selected),
                           proxies_ready=sum(p.proxy_ready for p in selected))
        result.append(MeshedService(
            namespace=namespace, name=name, meshed=meshed, injected_by=by, pods=counts,
            splits=tuple(parts.get(BackendKey(namespace, name), ())),
            mirror_cluster=labels.get(MIRROR_CLUSTER_LABEL, "") if mirror else None))
    result.sort(key=lambda s: (s.namespace, s.name))
    return result
