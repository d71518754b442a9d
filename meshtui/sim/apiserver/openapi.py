"""A minimal OpenAPI v3 surface: enough for kubectl's validation check and `kubectl explain`."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from meshtui.sim.apiserver.registry import ResourceType

_META_REF = "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"
_OBJECT_META = {
    "description": "ObjectMeta is metadata that all persisted resources must have.",
    "type": "object",
    "properties": {
        "name": {"type": "string", "description": "Name must be unique within a namespace."},
        "namespace": {"type": "string", "description": "Namespace defines the space within which "
                      "each name must be unique."},
        "generateName": {"type": "string"},
        "labels": {"type": "object", "additionalProperties": {"type": "string"}},
        "annotations": {"type": "object", "additionalProperties": {"type": "string"}},
        "finalizers": {"type": "array", "items": {"type": "string"}},
        "ownerReferences": {"type": "array", "items": {"type": "object"}},
        "resourceVersion": {"type": "string"},
        "generation": {"type": "integer", "format": "int64"},
        "uid": {"type": "string"},
        "creationTimestamp": {"type": "string", "format": "date-time"},
        "deletionTimestamp": {"type": "string", "format": "date-time"},
    },
}
_WRITE_PARAMS = [
    {"name": name, "in": "query", "description": text, "schema": {"type": "string",
                                                                  "uniqueItems": True}}
    for name, text in (
        ("dryRun", "When present, indicates that modifications should not be persisted."),
        ("fieldManager", "fieldManager is a name associated with the actor or entity that is "
                         "making these changes."),
        ("fieldValidation", "fieldValidation instructs the server on how to handle objects in "
                            "the request containing unknown or duplicate fields."),
    )
]


def gv_path(group: str, version: str) -> str:
    """The index key of a group-version: `api/v1` or `apis/{group}/{version}`."""
    return f"apis/{group}/{version}" if group else f"api/{version}"


def schema_name(rtype: ResourceType, version: str) -> str:
    """The component name of a kind, e.g. `io.smi-spec.split.v1alpha1.TrafficSplit`."""
    if not rtype.group:
        return f"io.k8s.api.core.{version}.{rtype.kind}"
    if rtype.builtin:
        return f"io.k8s.api.{rtype.group.split('.')[0]}.{version}.{rtype.kind}"
    return ".".join(reversed(rtype.group.split("."))) + f".{version}.{rtype.kind}"


def _schema(rtype: ResourceType, version: str) -> dict[str, Any]:
    base = rtype.schemas.get(version) or {"type": "object",
                                          "x-kubernetes-preserve-unknown-fields": True}
    schema = copy.deepcopy(base)
    schema.setdefault("description", f"{rtype.kind} ({rtype.api_version(version)}).")
    props = schema.setdefault("properties", {})
    props["apiVersion"] = {"type": "string", "description": "APIVersion defines the versioned "
                           "schema of this representation of an object."}
    props["kind"] = {"type": "string", "description": "Kind is a string value representing the "
                     "REST resource this object represents."}
    props["metadata"] = {"allOf": [{"$ref": _META_REF}],
                         "description": "Standard object's metadata."}
    schema["x-kubernetes-group-version-kind"] = [
        {"group": rtype.group, "version": version, "kind": rtype.kind}]
    return schema


def _paths(rtype: ResourceType, version: str, ref: str) -> dict[str, Any]:
    prefix = f"/apis/{rtype.group}/{version}" if rtype.group else f"/api/{version}"
    scope = "/namespaces/{namespace}" if rtype.namespaced else ""
    gvk = {"group": rtype.group, "version": version, "kind": rtype.kind}
    ok = {"200": {"description": "OK", "content": {"application/json": {
        "schema": {"$ref": ref}}}}}

    def op(verb: str, action: str, params: list[dict[str, Any]]) -> dict[str, Any]:
        return {"operationId": f"{verb}{rtype.kind}", "x-kubernetes-action": action,
                "x-kubernetes-group-version-kind": gvk, "parameters": params, "responses": ok}

    item = {"get": op("read", "get", []), "put": op("replace", "put", _WRITE_PARAMS),
            "patch": op("patch", "patch", _WRITE_PARAMS + [
                {"name": "force", "in": "query", "schema": {"type": "boolean",
                                                             "uniqueItems": True}}]),
            "delete": op("delete", "delete", _WRITE_PARAMS[:1])}
    collection = {"get": op("list", "list", []), "post": op("create", "post", _WRITE_PARAMS)}
    paths = {f"{prefix}{scope}/{rtype.plural}": collection,
             f"{prefix}{scope}/{rtype.plural}/{{name}}": item}
    if rtype.status_subresource:
        paths[f"{prefix}{scope}/{rtype.plural}/{{name}}/status"] = {
            k: item[k] for k in ("get", "put", "patch")}
    return paths


def document(types: list[ResourceType], group: str, version: str) -> dict[str, Any] | None:
    """The OpenAPI v3 document of one group-version (None when nothing is served there)."""
    served = [r for r in types if r.group == group and version in r.versions]
    if not served:
        return None
    schemas: dict[str, Any] = {"io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta": _OBJECT_META}
    paths: dict[str, Any] = {}
    for rtype in served:
        name = schema_name(rtype, version)
        schemas[name] = _schema(rtype, version)
        paths.update(_paths(rtype, version, f"#/components/schemas/{name}"))
    return {"openapi": "3.0.0", "info": {"title": "Kubernetes", "version": "v1.32.4"},
            "paths": paths, "components": {"schemas": schemas}}


def index(types: list[ResourceType]) -> dict[str, Any]:
    """`GET /openapi/v3`: one entry per served group-version, with a content hash."""
    paths: dict[str, Any] = {}
    seen = sorted({(r.group, v) for r in types for v in r.versions})
    for group, version in seen:
        doc = document(types, group, version)
        digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest().upper()
        key = gv_path(group, version)
        paths[key] = {"serverRelativeURL": f"/openapi/v3/{key}?hash={digest}"}
    return {"paths": paths}
