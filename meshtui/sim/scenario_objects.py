"""Turn a `Scenario` into the Kubernetes objects a simulated cluster is seeded with.

Names, pod-template hashes and IPs are derived from hashes of the scenario's names, so the same
scenario always yields the same objects (snapshots and tests depend on that).
"""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass
from typing import Any

from meshtui.sim.scenario import Scenario, ServiceSpec, SplitSpec

_HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"
CREATED_AT = "2026-01-01T00:00:00Z"


@dataclass(frozen=True, eq=False)
class PodInfo:
    """One simulated pod: what the exporter needs to label its series.

    Compared by identity: each pod exists once (see `workload_pods`), and cheap hashing keeps
    the traffic simulator's per-tick counter lookups fast.
    """

    namespace: str
    name: str
    workload: str
    workload_kind: str
    template_hash: str
    ip: str
    service_account: str
    cluster: str = ""
    """The remote cluster the pod runs in ("" for this cluster): not in the store, not scraped here."""

    @property
    def owner_label(self) -> str:
        """The owner label the proxy's pod carries (``linkerd.io/proxy-<owner>``): ``deployment``,
        ``statefulset``, or for Argo Rollout pods ``replicaset``."""
        return {"Deployment": "deployment", "StatefulSet": "statefulset"}.get(self.workload_kind,
                                                                             "replicaset")

    def labels(self, control_plane: str) -> dict[str, str]:
        """The pod's Kubernetes labels, as the proxy injector and the workload controller set them."""
        labels = {"app": self.workload, "linkerd.io/control-plane-ns": control_plane,
                  f"linkerd.io/proxy-{self.owner_label}": self.workload,
                  "linkerd.io/workload-ns": self.namespace}
        if self.workload_kind == "Deployment":
            labels["pod-template-hash"] = self.template_hash
        elif self.workload_kind == "StatefulSet":
            labels["controller-revision-hash"] = f"{self.workload}-{self.template_hash}"
            labels["statefulset.kubernetes.io/pod-name"] = self.name
        else:
            labels["rollouts-pod-template-hash"] = self.template_hash
        return labels


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("/".join(parts).encode()).digest()


def _token(length: int, *parts: str) -> str:
    raw = _digest(*parts)
    return "".join(_HASH_ALPHABET[b % len(_HASH_ALPHABET)] for b in raw[:length])


def workload_pods(scenario: Scenario) -> dict[tuple[str, str], tuple[PodInfo, ...]]:
    """Pods of every workload (service deployments and client-only deployments), keyed (ns, name).

    Pod IPs are unique within the scenario (10.42.x.y, assigned in declaration order; the pods of
    mirrored services' remote workloads get 10.43.x.y, the other cluster's pod network, so adding
    a mirror does not renumber this cluster's pods).
    """
    workloads: dict[tuple[str, str], tuple[int, str, str, str]] = {}
    for svc in scenario.services:
        workloads.setdefault((svc.namespace, svc.deployment),
                             (svc.replicas, svc.workload_kind, svc.service_account or svc.deployment,
                              svc.cluster))
    for client in scenario.clients:
        workloads.setdefault((client.namespace, client.name),
                             (client.replicas, "Deployment", client.name, ""))
    pods: dict[tuple[str, str], tuple[PodInfo, ...]] = {}
    counters = {"": 0}
    for (ns, name), (replicas, kind, sa, cluster) in workloads.items():
        template = _token(9, ns, name, "template")
        items = []
        net = 42 if not cluster else 43
        for i in range(replicas):
            index = counters[cluster] = counters.get(cluster, 0) + 1
            suffix = _token(5, ns, name, str(i))
            pod_name = {"Deployment": f"{name}-{template}-{suffix}",
                        "StatefulSet": f"{name}-{i}"}.get(kind, f"{name}-{suffix}")
            ip = f"10.{net}.{(index // 250) % 250}.{index % 250 + 2}"
            items.append(PodInfo(ns, pod_name, name, kind, template, ip, sa, cluster))
        pods[(ns, name)] = tuple(items)
    return pods


def scenario_objects(scenario: Scenario) -> list[dict[str, Any]]:
    """Every object of the scenario, in an order a store can create them (namespaces first).

    Split objects carry an ownerReference to their owner object without a ``uid``; the mesh fills
    it in from the stored owner (see `owner_reference`).
    """
    objects: list[dict[str, Any]] = [_namespace(ns.name, ns.meshed, ns.labels, ns.annotations)
                                     for ns in scenario.namespaces]
    pods = workload_pods(scenario)
    seen_deploy: set[tuple[str, str]] = set()
    for index, svc in enumerate(scenario.services):
        objects.append(_service(svc, index, scenario.cluster_domain))
        objects.append(_endpoints(svc, pods.get((svc.namespace, svc.deployment), ())))
    for (ns, name), items in pods.items():
        if items and items[0].cluster:
            continue
        if (ns, name) not in seen_deploy and items and items[0].workload_kind == "Deployment":
            seen_deploy.add((ns, name))
            objects.append(_deployment(ns, name, len(items)))
        for pod in items:
            objects.append(_pod(pod, scenario.control_plane_namespace))
    for owner in scenario.owners:
        meta: dict[str, Any] = {"name": owner.name, "namespace": owner.namespace, "labels": dict(owner.labels),
                                "creationTimestamp": CREATED_AT}
        objects.append({"apiVersion": owner.api_version, "kind": owner.kind, "metadata": meta,
                        "spec": copy.deepcopy(dict(owner.spec)), "status": copy.deepcopy(dict(owner.status))})
    objects.extend(split_object(split, scenario) for split in scenario.splits)
    objects.extend(copy.deepcopy(dict(obj)) for obj in scenario.objects)
    return objects


def owner_reference(owner: dict[str, Any]) -> dict[str, Any]:
    """A controller ownerReference pointing at a stored owner object (Flagger/Argo style)."""
    meta = owner.get("metadata", {})
    return {"apiVersion": owner["apiVersion"], "kind": owner["kind"], "name": meta.get("name", ""),
            "uid": meta.get("uid", ""), "controller": True, "blockOwnerDeletion": True}


def _namespace(name: str, meshed: bool, labels: Any, annotations: Any) -> dict[str, Any]:
    annotations = dict(annotations)
    if meshed:
        annotations.setdefault("linkerd.io/inject", "enabled")
    return {"apiVersion": "v1", "kind": "Namespace",
            "metadata": {"name": name, "labels": {"kubernetes.io/metadata.name": name, **labels},
                         "annotations": annotations, "creationTimestamp": CREATED_AT},
            "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}


def _service(svc: ServiceSpec, index: int, domain: str) -> dict[str, Any]:
    obj: dict[str, Any] = {
        "apiVersion": "v1", "kind": "Service",
        "metadata": {"name": svc.name, "namespace": svc.namespace, "labels": {"app": svc.deployment},
                     "creationTimestamp": CREATED_AT},
        "spec": {"type": "ClusterIP", "clusterIP": f"10.96.{index // 250}.{index % 250 + 2}",
                 "selector": {"app": svc.deployment},
                 "ports": [{"name": "http", "port": svc.port, "targetPort": svc.target_port, "protocol": "TCP"}]},
        "status": {"loadBalancer": {}},
    }
    if svc.mirrored:
        # What Linkerd's service mirror writes: no selector (endpoints point at the remote
        # gateway), the mirror labels, and the remote Service's name with the cluster suffix removed.
        remote = svc.name.removesuffix(f"-{svc.cluster}")
        obj["metadata"]["labels"] = {"mirror.linkerd.io/mirrored-service": "true",
                                     "mirror.linkerd.io/cluster-name": svc.cluster}
        obj["metadata"]["annotations"] = {
            "mirror.linkerd.io/remote-svc-fq-name": f"{remote}.{svc.namespace}.svc.{domain}"}
        del obj["spec"]["selector"]
    return obj


def _endpoints(svc: ServiceSpec, pods: tuple[PodInfo, ...]) -> dict[str, Any]:
    """The Service's Endpoints: every pod ready (linkerd-failover reads readiness from here)."""
    # A mirror's endpoints are remote addresses: no local Pod to refer to.
    addresses = [{"ip": pod.ip} if svc.mirrored else
                 {"ip": pod.ip, "targetRef": {"kind": "Pod", "name": pod.name, "namespace": pod.namespace}}
                 for pod in pods]
    subsets = [{"addresses": addresses,
                "ports": [{"name": "http", "port": svc.target_port, "protocol": "TCP"}]}] if addresses else []
    return {"apiVersion": "v1", "kind": "Endpoints",
            "metadata": {"name": svc.name, "namespace": svc.namespace, "labels": {"app": svc.deployment},
                         "creationTimestamp": CREATED_AT},
            "subsets": subsets}


def _deployment(namespace: str, name: str, replicas: int) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name},
                     "creationTimestamp": CREATED_AT},
        "spec": {"replicas": replicas, "selector": {"matchLabels": {"app": name}},
                 "template": {"metadata": {"labels": {"app": name},
                                           "annotations": {"linkerd.io/inject": "enabled"}},
                              "spec": {"containers": [{"name": name, "image": f"example/{name}:v1"}]}}},
        "status": {"replicas": replicas, "readyReplicas": replicas, "availableReplicas": replicas,
                   "updatedReplicas": replicas, "observedGeneration": 1},
    }


def _pod(pod: PodInfo, control_plane: str) -> dict[str, Any]:
    owner_kind = "StatefulSet" if pod.workload_kind == "StatefulSet" else "ReplicaSet"
    owner = f"{pod.workload}-{pod.template_hash}" if pod.workload_kind == "Deployment" else pod.workload
    return {
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": pod.name, "namespace": pod.namespace, "labels": pod.labels(control_plane),
                     "annotations": {"linkerd.io/inject": "enabled"}, "creationTimestamp": CREATED_AT,
                     "ownerReferences": [{"apiVersion": "apps/v1", "kind": owner_kind, "name": owner,
                                          "uid": _token(12, pod.namespace, owner), "controller": True}]},
        "spec": {"serviceAccountName": pod.service_account,
                 "containers": [{"name": pod.workload, "image": f"example/{pod.workload}:v1"},
                                {"name": "linkerd-proxy", "image": "cr.l5d.io/linkerd/proxy:edge",
                                 "ports": [{"name": "linkerd-admin", "containerPort": 4191}]}]},
        "status": {"phase": "Running", "podIP": pod.ip, "hostIP": "10.0.0.1",
                   "conditions": [{"type": "Ready", "status": "True"}]},
    }


def split_object(split: SplitSpec, scenario: Scenario) -> dict[str, Any]:
    """The TrafficSplit or HTTPRoute object of a split declaration (ownerReference without uid)."""
    meta: dict[str, Any] = {"name": split.name, "namespace": split.namespace, "labels": dict(split.labels),
                            "annotations": dict(split.annotations), "creationTimestamp": CREATED_AT}
    if split.owner is not None:
        api_version = "flagger.app/v1beta1" if split.owner.kind == "Canary" else "argoproj.io/v1alpha1"
        meta["ownerReferences"] = [{"apiVersion": api_version, "kind": split.owner.kind, "name": split.owner.name,
                                    "uid": "", "controller": True, "blockOwnerDeletion": True}]
    apex = scenario.service(split.namespace, split.service)
    if split.kind == "TrafficSplit":
        spec: dict[str, Any] = {"service": split.service,
                                "backends": [{"service": b.service, "weight": b.weight} for b in split.backends]}
    else:
        port = split.port or (apex.port if apex else 80)
        group = "core" if split.api_version.startswith("policy.linkerd.io") else ""
        refs = []
        for b in split.backends:
            backend = scenario.service(split.namespace, b.service)
            refs.append({"group": "", "kind": "Service", "name": b.service,
                         "port": b.port or (backend.port if backend else port), "weight": b.weight})
        spec = {"parentRefs": [{"group": group, "kind": "Service", "name": split.service, "port": port}],
                "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/"}}], "backendRefs": refs}]}
    return {"apiVersion": split.api_version, "kind": split.kind, "metadata": meta, "spec": spec}

