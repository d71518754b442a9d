"""Built-in resource types and turning CustomResourceDefinitions into served types."""

from __future__ import annotations

from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import PrinterColumn, ResourceType

_OPEN_SCHEMA = {"type": "object", "x-kubernetes-preserve-unknown-fields": True}


def builtin_types() -> list[ResourceType]:
    """The built-in resources the emulator serves."""
    return [
        ResourceType("", "namespaces", "Namespace", ("v1",), "v1", namespaced=False,
                     singular="namespace", short_names=("ns",), status_subresource=True,
                     builtin=True, columns=(PrinterColumn("Status", ".status.phase"),)),
        ResourceType("", "services", "Service", ("v1",), "v1", singular="service",
                     short_names=("svc",), categories=("all",), status_subresource=True,
                     builtin=True, columns=(PrinterColumn("Type", ".spec.type"),
                                            PrinterColumn("Cluster-IP", ".spec.clusterIP"))),
        ResourceType("", "endpoints", "Endpoints", ("v1",), "v1", singular="endpoints",
                     short_names=("ep",), builtin=True),
        ResourceType("", "pods", "Pod", ("v1",), "v1", singular="pod", short_names=("po",),
                     categories=("all",), status_subresource=True, builtin=True,
                     columns=(PrinterColumn("Status", ".status.phase"),)),
        ResourceType("", "events", "Event", ("v1",), "v1", singular="event", short_names=("ev",),
                     builtin=True, columns=(PrinterColumn("Reason", ".reason"),
                                            PrinterColumn("Message", ".message"))),
        ResourceType("apps", "deployments", "Deployment", ("v1",), "v1", singular="deployment",
                     short_names=("deploy",), categories=("all",), status_subresource=True,
                     builtin=True, columns=(PrinterColumn("Replicas", ".spec.replicas",
                                                          "integer"),)),
        ResourceType("coordination.k8s.io", "leases", "Lease", ("v1",), "v1", singular="lease",
                     builtin=True, columns=(PrinterColumn("Holder", ".spec.holderIdentity"),)),
        ResourceType("apiextensions.k8s.io", "customresourcedefinitions",
                     "CustomResourceDefinition", ("v1",), "v1", namespaced=False,
                     singular="customresourcedefinition", short_names=("crd", "crds"),
                     status_subresource=True, builtin=True),
    ]


def _columns(version: dict[str, Any]) -> tuple[PrinterColumn, ...]:
    return tuple(PrinterColumn(c["name"], c["jsonPath"], c.get("type", "string"),
                               c.get("description", ""), int(c.get("priority", 0)))
                 for c in version.get("additionalPrinterColumns") or ())


def crd_to_type(crd: dict[str, Any]) -> ResourceType:
    """Validate a CRD object and build the resource type it defines.

    Args:
        crd: A `apiextensions.k8s.io/v1` CustomResourceDefinition.

    Returns:
        The served type (printer columns and subresources from the storage version).

    Raises:
        ApiError: 422 when the CRD is malformed.
    """
    name = crd.get("metadata", {}).get("name", "")
    spec = crd.get("spec") or {}
    names = spec.get("names") or {}
    group, plural, kind = spec.get("group", ""), names.get("plural", ""), names.get("kind", "")

    def bad(why: str) -> ApiError:
        return ApiError(422, f'CustomResourceDefinition.apiextensions.k8s.io "{name}" is invalid: '
                        f"{why}", "Invalid")

    if not group or not plural or not kind:
        raise bad("spec.group, spec.names.plural and spec.names.kind are required")
    if name != f"{plural}.{group}":
        raise bad(f'metadata.name: Invalid value: "{name}": '
                  'must be spec.names.plural+"."+spec.group')
    versions = [v for v in spec.get("versions") or [] if v.get("served", True)]
    storage = [v for v in spec.get("versions") or [] if v.get("storage")]
    if not versions or len(storage) != 1:
        raise bad("spec.versions: must have served versions and exactly one storage version")
    storage_version = storage[0]
    schemas = {v["name"]: (v.get("schema") or {}).get("openAPIV3Schema") or _OPEN_SCHEMA
               for v in versions}
    return ResourceType(
        group=group, plural=plural, kind=kind,
        versions=tuple(v["name"] for v in versions),
        storage_version=storage_version["name"],
        namespaced=spec.get("scope", "Namespaced") == "Namespaced",
        singular=names.get("singular") or kind.lower(),
        short_names=tuple(names.get("shortNames") or ()),
        categories=tuple(names.get("categories") or ()),
        status_subresource="status" in (storage_version.get("subresources") or {}),
        builtin=False,
        columns=_columns(storage_version),
        schemas=schemas,
    )
