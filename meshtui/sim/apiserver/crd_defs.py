"""CustomResourceDefinition objects registered in every new store (from the reference CRDs)."""

from __future__ import annotations

from typing import Any

_STR = {"type": "string"}
_OPEN = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def _root(spec: dict[str, Any], status: dict[str, Any] | None = None) -> dict[str, Any]:
    props: dict[str, Any] = {"apiVersion": _STR, "kind": _STR, "metadata": {"type": "object"},
                             "spec": spec}
    if status is not None:
        props["status"] = status
    return {"openAPIV3Schema": {"type": "object", "properties": props}}


def _version(name: str, schema: dict[str, Any], storage: bool, columns: list[dict[str, Any]],
             status: bool) -> dict[str, Any]:
    version: dict[str, Any] = {"name": name, "served": True, "storage": storage, "schema": schema}
    if columns:
        version["additionalPrinterColumns"] = columns
    if status:
        version["subresources"] = {"status": {}}
    return version


def _crd(group: str, kind: str, plural: str, versions: list[dict[str, Any]],
         short_names: list[str] | None = None, categories: list[str] | None = None
         ) -> dict[str, Any]:
    names: dict[str, Any] = {"kind": kind, "listKind": f"{kind}List", "plural": plural,
                             "singular": kind.lower()}
    if short_names:
        names["shortNames"] = short_names
    if categories:
        names["categories"] = categories
    return {
        "apiVersion": "apiextensions.k8s.io/v1",
        "kind": "CustomResourceDefinition",
        "metadata": {"name": f"{plural}.{group}"},
        "spec": {"group": group, "scope": "Namespaced", "names": names,
                 "conversion": {"strategy": "None"}, "versions": versions},
    }


def _trafficsplit_schema(version: str) -> dict[str, Any]:
    weight: dict[str, Any] = ({"description": "Traffic weight value of this backend.",
                               "x-kubernetes-int-or-string": True} if version == "v1alpha1"
                              else {"description": "Traffic weight value of this backend.",
                                    "type": "number"})
    spec: dict[str, Any] = {
        "type": "object",
        "description": "TrafficSplit spec: the apex service and its weighted backends.",
        "required": ["service", "backends"],
        "properties": {
            "service": {"description": "The apex service of this split.", "type": "string"},
            "backends": {
                "description": "The backend services of this split.",
                "type": "array",
                "items": {"type": "object", "required": ["service", "weight"], "properties": {
                    "service": {"description": "Name of the Kubernetes service.", "type": "string"},
                    "weight": weight}},
            },
        },
    }
    if version in ("v1alpha3", "v1alpha4"):
        spec["properties"]["matches"] = {
            "description": "The HTTP route groups that this traffic split should match.",
            "type": "array",
            "items": {"type": "object", "required": ["kind", "name"], "properties": {
                "kind": {"description": "Kind of the matching group.", "type": "string",
                         "enum": ["HTTPRouteGroup"]},
                "name": {"description": "Name of the matching group.", "type": "string"}}},
        }
    return _root(spec)


def trafficsplit_crd() -> dict[str, Any]:
    """SMI TrafficSplit: v1alpha1 (storage) to v1alpha4, all served, conversion None."""
    columns = [{"name": "Service", "type": "string",
                "description": "The apex service of this split.", "jsonPath": ".spec.service"}]
    versions = [_version(v, _trafficsplit_schema(v), v == "v1alpha1", columns, False)
                for v in ("v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4")]
    return _crd("split.smi-spec.io", "TrafficSplit", "trafficsplits", versions, ["ts"])


def _httproute_schema() -> dict[str, Any]:
    backend_ref = {"type": "object", "required": ["name"], "properties": {
        "group": _STR, "kind": _STR, "name": _STR, "namespace": _STR,
        "port": {"type": "integer", "format": "int32"},
        "weight": {"type": "integer", "format": "int32", "default": 1, "minimum": 0,
                   "maximum": 1000000,
                   "description": "Proportion of requests forwarded to the referenced backend."},
        "filters": {"type": "array", "items": _OPEN}}}
    spec = {"type": "object", "description": "HTTPRoute spec: parents and weighted rules.",
            "properties": {
                "parentRefs": {"type": "array", "items": {"type": "object", "required": ["name"],
                               "properties": {"group": _STR, "kind": _STR, "namespace": _STR,
                                              "name": _STR, "sectionName": _STR,
                                              "port": {"type": "integer", "format": "int32"}}}},
                "hostnames": {"type": "array", "items": _STR},
                "rules": {"type": "array", "maxItems": 16, "items": {
                    "type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
                        "name": _STR,
                        "matches": {"type": "array", "items": _OPEN},
                        "filters": {"type": "array", "items": _OPEN},
                        "timeouts": _OPEN,
                        "backendRefs": {"type": "array", "maxItems": 16, "items": backend_ref,
                                        "x-kubernetes-list-type": "atomic"}}}}}}
    return _root(spec, _OPEN)


def httproute_crds() -> list[dict[str, Any]]:
    """Gateway API and Linkerd policy HTTPRoutes, both with a status subresource."""
    gateway = [_version("v1", _httproute_schema(), True, [], True),
               _version("v1beta1", _httproute_schema(), False, [], True)]
    linkerd = [_version("v1beta2", _httproute_schema(), False, [], True),
               _version("v1beta3", _httproute_schema(), True, [], True)]
    return [_crd("gateway.networking.k8s.io", "HTTPRoute", "httproutes", gateway, None,
                 ["gateway-api"]),
            _crd("policy.linkerd.io", "HTTPRoute", "httproutes", linkerd)]


def grpcroute_crd() -> dict[str, Any]:
    """Gateway API GRPCRoute (v1 storage, v1alpha2 served): the same parents, rules and
    weighted backendRefs as an HTTPRoute, as far as splitting goes."""
    versions = [_version("v1", _httproute_schema(), True, [], True),
                _version("v1alpha2", _httproute_schema(), False, [], True)]
    return _crd("gateway.networking.k8s.io", "GRPCRoute", "grpcroutes", versions, None, ["gateway-api"])


def serviceprofile_crd() -> dict[str, Any]:
    """Linkerd ServiceProfile v1alpha2 (no status subresource)."""
    spec = {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
        "routes": {"type": "array", "items": _OPEN},
        "retryBudget": _OPEN,
        "dstOverrides": {"type": "array", "items": {"type": "object", "properties": {
            "authority": _STR, "weight": {"x-kubernetes-int-or-string": True}}}}}}
    return _crd("linkerd.io", "ServiceProfile", "serviceprofiles",
                [_version("v1alpha2", _root(spec), True, [], False)], ["sp"])


def canary_crd() -> dict[str, Any]:
    """Flagger Canary v1beta1 with status subresource and Flagger's printer columns."""
    columns: list[dict[str, Any]] = [
        {"name": "Status", "type": "string", "jsonPath": ".status.phase"},
        {"name": "Weight", "type": "string", "jsonPath": ".status.canaryWeight"},
        {"name": "Suspended", "type": "boolean", "jsonPath": ".spec.suspend", "priority": 1},
        {"name": "FailedChecks", "type": "string", "jsonPath": ".status.failedChecks",
         "priority": 1},
        {"name": "Interval", "type": "string", "jsonPath": ".spec.analysis.interval",
         "priority": 1},
        {"name": "StepWeight", "type": "string", "jsonPath": ".spec.analysis.stepWeight",
         "priority": 1},
        {"name": "MaxWeight", "type": "string", "jsonPath": ".spec.analysis.maxWeight",
         "priority": 1},
        {"name": "LastTransitionTime", "type": "string", "jsonPath": ".status.lastTransitionTime"},
    ]
    spec = {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
        "provider": _STR, "targetRef": _OPEN, "service": _OPEN, "analysis": _OPEN,
        "suspend": {"type": "boolean"}, "skipAnalysis": {"type": "boolean"}}}
    return _crd("flagger.app", "Canary", "canaries",
                [_version("v1beta1", _root(spec, _OPEN), True, columns, True)], None, ["all"])


def rollout_crd() -> dict[str, Any]:
    """Argo Rollout v1alpha1 with status subresource."""
    columns = [
        {"name": "Desired", "type": "integer", "jsonPath": ".spec.replicas"},
        {"name": "Current", "type": "integer", "jsonPath": ".status.replicas"},
        {"name": "Up-to-date", "type": "integer", "jsonPath": ".status.updatedReplicas"},
        {"name": "Available", "type": "integer", "jsonPath": ".status.availableReplicas"},
    ]
    spec = {"type": "object", "x-kubernetes-preserve-unknown-fields": True, "properties": {
        "replicas": {"type": "integer"}, "paused": {"type": "boolean"}, "strategy": _OPEN,
        "template": _OPEN, "selector": _OPEN}}
    return _crd("argoproj.io", "Rollout", "rollouts",
                [_version("v1alpha1", _root(spec, _OPEN), True, columns, True)], ["ro"])


def preregistered_crds() -> list[dict[str, Any]]:
    """Every CRD a fresh store starts with."""
    return [trafficsplit_crd(), *httproute_crds(), grpcroute_crd(), serviceprofile_crd(),
            canary_crd(), rollout_crd()]
