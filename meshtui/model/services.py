"""Provides services and whether the Linkerd proxy is injected into their pods."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_dict, as_int, as_list, as_str, metadata, string_map
from meshtui.model._pods import INJECT_ANNOTATION

__all__ = ["INJECT_ANNOTATION", "ServiceInfo", "service_infos"]


@dataclass(frozen=True)
class ServiceInfo:
    """A Service as meshtui lists it."""

    namespace: str
    """Namespace of the service."""
    name: str
    """Name of the service."""
    meshed: bool
    """True when its namespace or one of its selected Deployments asks for proxy injection."""
    ports: tuple[int, ...] = ()
    """Service ports."""
    selector: tuple[tuple[str, str], ...] = ()
    """Label selector, as sorted pairs."""


def service_infos(services: Iterable[dict[str, Any]], namespaces: Iterable[dict[str, Any]],
                  deployments: Iterable[dict[str, Any]]) -> list[ServiceInfo]:
    """Describe services, deciding for each whether it is meshed.

    A service is meshed when its namespace is annotated `linkerd.io/inject: enabled`, or when a
    Deployment in its namespace whose pod template carries that annotation has labels matching the
    service's selector.
    """
    injected_namespaces = {
        as_str(metadata(ns).get("name"))
        for ns in namespaces
        if string_map(metadata(ns).get("annotations")).get(INJECT_ANNOTATION) == "enabled"
    }
    injected_pods: dict[str, list[dict[str, str]]] = {}
    for deployment in deployments:
        template = metadata(as_dict(as_dict(deployment.get("spec")).get("template")))
        if string_map(template.get("annotations")).get(INJECT_ANNOTATION) == "enabled":
            namespace = as_str(metadata(deployment).get("namespace"))
            injected_pods.setdefault(namespace, []).append(string_map(template.get("labels")))
    result = []
    for service in services:
        meta, spec = metadata(service), as_dict(service.get("spec"))
        namespace = as_str(meta.get("namespace"))
        selector = string_map(spec.get("selector"))
        meshed = namespace in injected_namespaces or bool(selector) and any(
            all(labels.get(key) == value for key, value in selector.items())
            for labels in injected_pods.get(namespace, ()))
        ports = tuple(port for port in (as_int(as_dict(p).get("port")) for p in as_list(spec.get("ports")))
                      if port is not None)
        result.append(ServiceInfo(namespace=namespace, name=as_str(meta.get("name")), meshed=meshed,
                                  ports=ports, selector=tuple(sorted(selector.items()))))
    result.sort(key=lambda info: (info.namespace, info.name))
    return result
