"""Owner manifests shaped like the real projects' (Flagger's Linkerd tutorials, Argo Rollouts'
Gateway API plugin examples, linkerd-failover's README), for the owner-resolution tests."""

from __future__ import annotations

from typing import Any

TIME = "2026-01-01T00:00:00Z"


def managed(manager: str, api_version: str) -> list[dict[str, Any]]:
    """managedFields as the API server records an Update by `manager`."""
    return [{"manager": "kubectl-client-side-apply", "operation": "Update", "apiVersion": api_version,
             "time": TIME, "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}},
            {"manager": manager, "operation": "Update", "apiVersion": api_version, "time": TIME,
             "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {"f:rules": {}}}}]


def flagger_canary(namespace: str = "test", gateway: bool = False) -> dict[str, Any]:
    """Flagger's podinfo Canary (Linkerd tutorial; with `gateway`, the Gateway API variant)."""
    service: dict[str, Any] = {"port": 9898, "targetPort": 9898}
    if gateway:
        service = {"name": "podinfo", "port": 9898, "gatewayRefs": [
            {"name": "podinfo", "namespace": namespace, "group": "core", "kind": "Service", "port": 9898}]}
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
            "metadata": {"name": "podinfo", "namespace": namespace},
            "spec": {"provider": "gatewayapi:v1beta1" if gateway else "linkerd",
                     "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "podinfo"},
                     "autoscalerRef": {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler",
                                       "name": "podinfo"},
                     "progressDeadlineSeconds": 60, "service": service,
                     "analysis": {"interval": "30s", "threshold": 5, "maxWeight": 50, "stepWeight": 5,
                                  "metrics": [{"name": "request-success-rate",
                                               "thresholdRange": {"min": 99}, "interval": "1m"}]}},
            "status": {"phase": "Initialized", "canaryWeight": 0}}


def flagger_split(namespace: str = "test", marks: bool = True) -> dict[str, Any]:
    """The TrafficSplit Flagger writes, here without its ownerReferences (copied by a GitOps tool)."""
    meta: dict[str, Any] = {"name": "podinfo", "namespace": namespace}
    if marks:
        meta["managedFields"] = managed("flagger", "split.smi-spec.io/v1alpha2")
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": meta,
            "spec": {"service": "podinfo", "backends": [{"service": "podinfo-primary", "weight": 100},
                                                        {"service": "podinfo-canary", "weight": 0}]}}


def flagger_route(namespace: str = "test", primary: str = "podinfo-primary") -> dict[str, Any]:
    """The HTTPRoute Flagger's Gateway API router writes, named after the apex, under the gatewayRefs."""
    return {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "HTTPRoute",
            "metadata": {"name": "podinfo", "namespace": namespace},
            "spec": {"parentRefs": [{"name": "podinfo", "namespace": namespace, "group": "core",
                                     "kind": "Service", "port": 9898}],
                     "rules": [{"backendRefs": [
                         {"group": "", "kind": "Service", "name": primary, "port": 9898, "weight": 100},
                         {"group": "", "kind": "Service", "name": "podinfo-canary", "port": 9898,
                          "weight": 0}]}]}}


def argo_rollout(namespace: str = "default", plugin: dict[str, Any] | None = None,
                 smi: dict[str, Any] | None = None) -> dict[str, Any]:
    """The Gateway API plugin's rollouts-demo Rollout (or with `smi`, Argo's SMI example)."""
    routing: dict[str, Any] = {}
    if plugin is not None:
        routing["plugins"] = {"argoproj-labs/gatewayAPI": plugin}
    if smi is not None:
        routing["smi"] = smi
    return {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
            "metadata": {"name": "rollouts-demo", "namespace": namespace},
            "spec": {"replicas": 5, "revisionHistoryLimit": 2,
                     "selector": {"matchLabels": {"app": "rollouts-demo"}},
                     "strategy": {"canary": {
                         "canaryService": "argo-rollouts-canary-service",
                         "stableService": "argo-rollouts-stable-service",
                         "trafficRouting": routing,
                         "steps": [{"setWeight": 30}, {"pause": {}}, {"setWeight": 60},
                                   {"pause": {"duration": 10}}, {"setWeight": 100}]}}},
            "status": {"currentStepIndex": 1, "phase": "Paused",
                       "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": TIME}]}}


def argo_route(name: str = "argo-rollouts-http-route", namespace: str = "default",
               manager: str | None = "gatewayAPI", label: bool = False) -> dict[str, Any]:
    """A user's HTTPRoute that the plugin edits (no ownerReference: the route is the user's)."""
    meta: dict[str, Any] = {"name": name, "namespace": namespace}
    if manager:
        meta["managedFields"] = managed(manager, "gateway.networking.k8s.io/v1beta1")
    if label:
        meta["labels"] = {"rollouts.argoproj.io/gatewayapi-canary": "in-progress"}
    return {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "HTTPRoute", "metadata": meta,
            "spec": {"parentRefs": [{"name": "argo-rollouts-service", "group": "core", "kind": "Service",
                                     "port": 80}],
                     "rules": [{"backendRefs": [
                         {"name": "argo-rollouts-stable-service", "kind": "Service", "port": 80, "weight": 70},
                         {"name": "argo-rollouts-canary-service", "kind": "Service", "port": 80,
                          "weight": 30}]}]}}


def failover_split(namespace: str = "default", primary: str | None = "sample-svc") -> dict[str, Any]:
    """linkerd-failover's README example TrafficSplit."""
    meta: dict[str, Any] = {"name": "sample-svc", "namespace": namespace,
                            "labels": {"failover.linkerd.io/controlled-by": "linkerd-failover"}}
    if primary is not None:
        meta["annotations"] = {"failover.linkerd.io/primary-service": primary}
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit", "metadata": meta,
            "spec": {"service": "sample-svc", "backends": [
                {"service": "sample-svc", "weight": 1}, {"service": "sample-svc-central1", "weight": 0},
                {"service": "sample-svc-east1", "weight": 0}]}}
