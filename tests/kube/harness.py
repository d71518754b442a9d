"""Test harness for the cluster layer: a real emulated API server, a kubeconfig, a client.

Used by tests/kube and tests/cli. Objects are created through the HTTP API with the official
client, as a user would, never by poking the store (except to compact its history).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from meshtui.kube.client import MeshClient
from meshtui.kube.config import Cluster, load_cluster
from meshtui.kube.events import WatchEvent

TS_GROUP, TS_VERSION = "split.smi-spec.io", "v1alpha2"


def traffic_split(name: str, namespace: str = "test", backends: Any = None,
                  service: str = "podinfo", version: str = TS_VERSION) -> dict:
    """A TrafficSplit body; `backends` defaults to 90/10 primary/canary."""
    if backends is None:
        backends = [{"service": f"{service}-primary", "weight": 90},
                    {"service": f"{service}-canary", "weight": 10}]
    return {"apiVersion": f"{TS_GROUP}/{version}", "kind": "TrafficSplit",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"service": service, "backends": backends}}


def http_route(name: str, namespace: str = "test", refs: Any = None,
               group: str = "gateway.networking.k8s.io", version: str = "v1") -> dict:
    """An HTTPRoute body with a Service parent and weighted backendRefs."""
    if refs is None:
        refs = [{"name": "web-primary", "port": 80, "weight": 75},
                {"name": "web-canary", "port": 80, "weight": 25}]
    return {"apiVersion": f"{group}/{version}", "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": "web",
                                     "port": 80}],
                     "rules": [{"backendRefs": refs}]}}


class Recorder:
    """A thread-safe watch sink that keeps every event."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._events: list[WatchEvent] = []

    def __call__(self, event: WatchEvent) -> None:
        with self._lock:
            self._events.append(event)

    @property
    def events(self) -> list[WatchEvent]:
        """A snapshot of the events so far."""
        with self._lock:
            return list(self._events)

    def of(self, cls: type, **attrs: Any) -> list[Any]:
        """Events of one class whose attributes equal `attrs`."""
        return [e for e in self.events
                if isinstance(e, cls) and all(getattr(e, k) == v for k, v in attrs.items())]

    def matching(self, predicate: Callable[[WatchEvent], bool]) -> list[WatchEvent]:
        """Events for which `predicate` is true."""
        return [e for e in self.events if predicate(e)]


@dataclass
class KubeHarness:
    """A running emulated cluster with an admin kubeconfig."""

    store: Any
    server: Any
    kubeconfig: Path
    cluster: Cluster
    client: MeshClient
    watch_sets: list = field(default_factory=list)

    def custom(self) -> Any:
        """The official client's CustomObjectsApi, as admin."""
        from kubernetes.client import CustomObjectsApi

        return CustomObjectsApi(self.cluster.api_client)

    def create(self, body: dict) -> dict:
        """Create a custom object through the API and return what the server stored."""
        group, version = body["apiVersion"].split("/")
        plural = {"TrafficSplit": "trafficsplits", "HTTPRoute": "httproutes",
                  "GRPCRoute": "grpcroutes"}[body["kind"]]
        return self.custom().create_namespaced_custom_object(
            group, version, body["metadata"]["namespace"], plural, body)

    def create_namespace(self, name: str) -> None:
        """Create a namespace through the API."""
        from kubernetes.client import CoreV1Api

        CoreV1Api(self.cluster.api_client).create_namespace(
            {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}})

    def watch(self, namespace: str | None, sink: Any, resources: list[str] | None = None) -> Any:
        """Start a watch that the fixture stops before the server goes away."""
        ws = self.client.watch(namespace, sink, resources)
        self.watch_sets.append(ws)
        return ws

    def close(self) -> None:
        """Stop watches first (they must not hang), then the server."""
        for ws in self.watch_sets:
            assert ws.stop(timeout=5.0), "watch threads did not stop within 5 s"
        self.cluster.close()
        self.server.stop()


def start_harness(tmp_path: Path) -> KubeHarness:
    """Start a store and API server on a free loopback port and load its admin context."""
    from meshtui.sim.apiserver import ApiServer, Store, write_kubeconfig

    store = Store()
    server = ApiServer(store, host="127.0.0.1", port=0)
    server.start()
    kubeconfig = tmp_path / "kubeconfig"
    write_kubeconfig(str(kubeconfig), server.url)
    cluster = load_cluster(str(kubeconfig))
    harness = KubeHarness(store, server, kubeconfig, cluster, MeshClient(cluster))
    for ns in ("test", "other"):
        harness.create_namespace(ns)
    return harness
