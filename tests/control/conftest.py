"""Fixtures of the traffic-control tests: clusters, writers, objects and a fake load tester.

They live here rather than in tests/plugins/ because no control plugin is registered yet.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from meshtui.kube.audit import AuditLog
from meshtui.kube.config import Cluster, load_cluster
from meshtui.kube.writer import ClusterWriter

MUTATING = ("POST", "PUT", "PATCH", "DELETE")


def mutating(server: Any) -> list[Any]:
    """The mutating requests a server received."""
    return [r for r in server.requests if r.method in MUTATING]


def httproute(name: str, group: str = "gateway.networking.k8s.io", version: str = "v1",
              weights: tuple[Any, ...] = (90, 10), namespace: str = "default",
              service: str = "podinfo") -> dict[str, Any]:
    """An HTTPRoute with a Service parent and weighted backendRefs (`None` leaves a weight out)."""
    names = [f"{service}-primary", f"{service}-canary", f"{service}-extra"][: len(weights)]
    refs = []
    for backend, weight in zip(names, weights, strict=True):
        ref: dict[str, Any] = {"group": "", "kind": "Service", "name": backend, "port": 9898}
        if weight is not None:
            ref["weight"] = weight
        refs.append(ref)
    return {
        "apiVersion": f"{group}/{version}", "kind": "HTTPRoute",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": service,
                                 "port": 9898}],
                 "rules": [{"backendRefs": refs}]},
    }


def rollout(name: str = "books", namespace: str = "default", **status: Any) -> dict[str, Any]:
    """An Argo Rollout in SMI mode, paused at its first pause step unless `status` says otherwise."""
    base = {"phase": "Paused", "currentStepIndex": 1, "currentPodHash": "new", "stableRS": "old",
            "pauseConditions": [{"reason": "CanaryPauseStep", "startTime": "2026-01-01T00:00:00Z"}],
            "controllerPause": True}
    base.update(status)
    return {
        "apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"replicas": 1, "strategy": {"canary": {
            "canaryService": f"{name}-canary", "stableService": f"{name}-stable",
            "trafficRouting": {"smi": {"rootService": name, "trafficSplitName": name}},
            "steps": [{"setWeight": 20}, {"pause": {}}, {"setWeight": 50}, {"pause": {}}]}}},
        "status": {k: v for k, v in base.items() if v is not None},
    }


def canary(name: str = "podinfo", namespace: str = "default",
           webhooks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A Flagger Canary with the given webhooks."""
    return {
        "apiVersion": "flagger.app/v1beta1", "kind": "Canary",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"provider": "gatewayapi:v1",
                 "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
                 "service": {"name": name, "port": 9898},
                 "analysis": {"interval": "1m", "maxWeight": 50, "stepWeight": 10,
                              "webhooks": webhooks or []}},
        "status": {"phase": "WaitingPromotion", "canaryWeight": 50},
    }


def owner_ref(kind: str, name: str) -> list[dict[str, Any]]:
    """ownerReferences naming a controlling Canary or Rollout."""
    api = "flagger.app/v1beta1" if kind == "Canary" else "argoproj.io/v1alpha1"
    return [{"apiVersion": api, "kind": kind, "name": name, "uid": "u-1", "controller": True}]


@pytest.fixture
def clusters(apiserver: Any) -> Iterator[Callable[[str], Cluster]]:
    """Load the emulator's kubeconfig in a context (``meshtui-sim`` or ``readonly``)."""
    loaded: list[Cluster] = []

    def load(context: str = "meshtui-sim") -> Cluster:
        cluster = load_cluster(str(apiserver.kubeconfig), context)
        loaded.append(cluster)
        return cluster

    yield load
    for cluster in loaded:
        cluster.close()


@pytest.fixture
def audit_path(tmp_path: Path) -> Path:
    """Where the tests' audit log is written."""
    return tmp_path / "state" / "audit.log"


@pytest.fixture
def make_writer(clusters: Callable[[str], Cluster], audit_path: Path
                ) -> Callable[..., ClusterWriter]:
    """Build a `ClusterWriter` on the emulator: ``make_writer(context=..., read_only=..., dry_run=...)``."""

    def make(context: str = "meshtui-sim", **options: Any) -> ClusterWriter:
        return ClusterWriter(clusters(context), audit=AuditLog(audit_path), **options)

    return make


@dataclass
class LoadTester:
    """A stand-in for Flagger's load tester: records gate POSTs and answers 202."""

    url: str
    posts: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


@pytest.fixture
def loadtester() -> Iterator[LoadTester]:
    """A small HTTP server on loopback that records POSTed gate requests."""
    tester = LoadTester(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            tester.posts.append((self.path, body))
            data = b"Accepted"
            self.send_response(202)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep the test output quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tester.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield tester
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
