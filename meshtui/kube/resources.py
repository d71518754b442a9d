"""The table of Kubernetes resources meshtui reads, keyed as in docs/design.md.

A `ResourceType` names a group, kind and plural; which version is used is decided by discovery
(`meshtui.kube.discovery`), which yields `ServedResource` values bound to a served version.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    """A resource meshtui knows about, before discovery picks a version.

    Attributes:
        key: The resource key used across meshtui (``"trafficsplits"``, ...).
        group: The API group (``""`` for the core group).
        kind: The object kind.
        plural: The URL plural.
        namespaced: Whether objects live in namespaces.
        versions: Versions meshtui understands, most preferred first; discovery uses the
            server's preferred version when it serves the resource there.
        read_first: Versions read in preference to the server's preferred one when served.
    """

    key: str
    group: str
    kind: str
    plural: str
    namespaced: bool
    versions: tuple[str, ...]
    read_first: tuple[str, ...] = ()


@dataclass(frozen=True)
class ServedResource:
    """A `ResourceType` bound to the version the cluster serves.

    Attributes:
        type: The resource type.
        version: The served version chosen by discovery.
    """

    type: ResourceType
    version: str

    @property
    def key(self) -> str:
        """The resource key."""
        return self.type.key

    @property
    def api_version(self) -> str:
        """``group/version``, or just ``version`` for the core group."""
        return f"{self.type.group}/{self.version}" if self.type.group else self.version

    def path(self, namespace: str | None = None) -> str:
        """Return the collection URL path, in ``namespace`` or across all namespaces.

        Args:
            namespace: A namespace, or None for all namespaces (ignored for cluster-scoped types).
        """
        base = f"/apis/{self.type.group}/{self.version}" if self.type.group else f"/api/{self.version}"
        if namespace and self.type.namespaced:
            return f"{base}/namespaces/{namespace}/{self.type.plural}"
        return f"{base}/{self.type.plural}"


RESOURCES: dict[str, ResourceType] = {
    r.key: r
    for r in (
        ResourceType("namespaces", "", "Namespace", "namespaces", False, ("v1",)),
        ResourceType("services", "", "Service", "services", True, ("v1",)),
        ResourceType("deployments", "apps", "Deployment", "deployments", True, ("v1",)),
        ResourceType("pods", "", "Pod", "pods", True, ("v1",)),
        ResourceType("trafficsplits", "split.smi-spec.io", "TrafficSplit", "trafficsplits", True,
                     ("v1alpha2", "v1alpha1", "v1alpha4", "v1alpha3"),
                     # Read where linkerd-smi reads. The CRDs convert with strategy None: the
                     # spec comes back as stored, and the version it was written in is read from
                     # managedFields (model._smi.written_version).
                     read_first=("v1alpha2",)),
        ResourceType("httproutes.gateway.networking.k8s.io", "gateway.networking.k8s.io",
                     "HTTPRoute", "httproutes", True, ("v1", "v1beta1")),
        ResourceType("httproutes.policy.linkerd.io", "policy.linkerd.io", "HTTPRoute",
                     "httproutes", True, ("v1beta3", "v1beta2", "v1beta1", "v1alpha1")),
        ResourceType("grpcroutes.gateway.networking.k8s.io", "gateway.networking.k8s.io",
                     "GRPCRoute", "grpcroutes", True, ("v1", "v1alpha2")),
        ResourceType("serviceprofiles", "linkerd.io", "ServiceProfile", "serviceprofiles", True,
                     ("v1alpha2", "v1alpha1")),
        ResourceType("canaries", "flagger.app", "Canary", "canaries", True, ("v1beta1",)),
        ResourceType("rollouts", "argoproj.io", "Rollout", "rollouts", True, ("v1alpha1",)),
    )
}
"""Every resource meshtui reads, by resource key."""

SPLIT_KEYS: tuple[str, ...] = (
    "trafficsplits",
    "httproutes.gateway.networking.k8s.io",
    "httproutes.policy.linkerd.io",
    "grpcroutes.gateway.networking.k8s.io",
)
"""The resource keys whose objects are traffic splits."""


def resource_type(key: str) -> ResourceType:
    """Return the `ResourceType` for a resource key.

    Raises:
        KeyError: For a key meshtui does not know, naming the known keys.
    """
    try:
        return RESOURCES[key]
    except KeyError:
        raise KeyError(f"unknown resource {key!r} (known: {', '.join(RESOURCES)})") from None
