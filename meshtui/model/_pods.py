"""Pods reduced to what the services view needs, indexed by label for selector matching.

A cluster may hold tens of thousands of pods and thousands of services: matching each service's
selector against every pod of its namespace would cost their product. The index maps each
(namespace, label, value) to the pods carrying it, so a selector costs the size of its smallest
matching set.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str, metadata, string_map

PROXY_CONTAINER = "linkerd-proxy"
"""The container Linkerd injects (a plain container, or a native sidecar among the init ones)."""

INJECT_ANNOTATION = "linkerd.io/inject"
"""Annotation that asks Linkerd to inject its proxy (on a namespace, a pod or a pod template)."""

INJECT_ON = frozenset({"enabled", "ingress"})
"""Values of `INJECT_ANNOTATION` that inject the proxy."""

_DONE_PHASES = frozenset({"Succeeded", "Failed"})


@dataclass(frozen=True)
class PodSummary:
    """One pod as the services view counts it."""

    namespace: str
    labels: Mapping[str, str]
    inject: str | None
    """The pod's own `linkerd.io/inject` annotation, or None."""
    proxy: bool
    """True when the pod runs a `linkerd-proxy` container."""
    ready: bool
    """True when the pod's Ready condition is True."""
    proxy_ready: bool
    """True when the proxy runs and is ready (its container status, else the pod's)."""


def pod_summary(pod: Mapping[str, Any]) -> PodSummary | None:
    """Reduce a Pod object; None for one that has finished (no longer behind any service)."""
    meta, spec, status = metadata(pod), as_dict(pod.get("spec")), as_dict(pod.get("status"))
    if as_str(status.get("phase")) in _DONE_PHASES:
        return None
    names = {as_str(as_dict(c).get("name"))
             for c in as_list(spec.get("containers")) + as_list(spec.get("initContainers"))}
    proxy = PROXY_CONTAINER in names
    ready = any(as_dict(c).get("type") == "Ready" and as_dict(c).get("status") == "True"
                for c in as_list(status.get("conditions")))
    proxy_ready = False
    if proxy:
        statuses = [as_dict(s) for s in as_list(status.get("containerStatuses"))
                    + as_list(status.get("initContainerStatuses"))]
        own = [s for s in statuses if s.get("name") == PROXY_CONTAINER]
        proxy_ready = own[0].get("ready") is True if own else ready
    inject = string_map(meta.get("annotations")).get(INJECT_ANNOTATION)
    return PodSummary(as_str(meta.get("namespace")), string_map(meta.get("labels")), inject,
                      proxy, ready, proxy_ready)


class PodIndex:
    """Pods by (namespace, label, value), for matching service selectors."""

    def __init__(self, pods: Iterable[PodSummary]) -> None:
        """Index `pods`."""
        self.pods: list[PodSummary] = list(pods)
        self._by_label: dict[tuple[str, str, str], list[int]] = {}
        for index, pod in enumerate(self.pods):
            for key, value in pod.labels.items():
                self._by_label.setdefault((pod.namespace, key, value), []).append(index)

    def select(self, namespace: str, selector: Mapping[str, str]) -> list[PodSummary]:
        """The pods of `namespace` matching every pair of `selector` (none for an empty one,
        as Kubernetes selects no pods for a service without a selector)."""
        if not selector:
            return []
        candidates = [self._by_label.get((namespace, k, v), []) for k, v in selector.items()]
        candidates.sort(key=len)
        chosen = set(candidates[0])
        for other in candidates[1:]:
            if not chosen:
                break
            chosen.intersection_update(other)
        return [self.pods[i] for i in sorted(chosen)]


def template_injects(deployments: Iterable[Mapping[str, Any]]) -> dict[str, list[tuple[dict[str, str], str]]]:
    """Per namespace, each Deployment's pod template labels with its inject annotation value
    (templates without the annotation are left out)."""
    out: dict[str, list[tuple[dict[str, str], str]]] = {}
    for deployment in deployments:
        template = metadata(as_dict(as_dict(deployment.get("spec")).get("template")))
        inject = string_map(template.get("annotations")).get(INJECT_ANNOTATION)
        if inject is not None:
            namespace = as_str(metadata(deployment).get("namespace"))
            out.setdefault(namespace, []).append((string_map(template.get("labels")), inject))
    return out
