"""Fixtures of the reliability suite: a loaded cluster, a client, a writer on the emulator.

They live here (not in tests/plugins/) because the reliability plugin is not registered in
tests/conftest.py; they build only on the shared ``apiserver`` fixture.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from meshtui.kube.audit import AuditLog
from meshtui.kube.client import MeshClient
from meshtui.kube.config import Cluster, load_cluster
from meshtui.kube.writer import ClusterWriter


@dataclass
class Env:
    """An emulated cluster loaded as meshtui loads it."""

    apiserver: Any
    cluster: Cluster
    client: MeshClient
    writer: ClusterWriter
    audit_path: Path


@pytest.fixture
def env(apiserver: Any, tmp_path: Path) -> Iterator[Env]:
    """The ``apiserver`` fixture with an admin `Cluster`, `MeshClient` and `ClusterWriter`."""
    for ns in ("test",):
        apiserver.store.create({"apiVersion": "v1", "kind": "Namespace",
                                "metadata": {"name": ns}})
    cluster = load_cluster(str(apiserver.kubeconfig), "meshtui-sim")
    audit_path = tmp_path / "audit.log"
    writer = ClusterWriter(cluster, audit=AuditLog(audit_path))
    try:
        yield Env(apiserver, cluster, MeshClient(cluster), writer, audit_path)
    finally:
        cluster.close()
