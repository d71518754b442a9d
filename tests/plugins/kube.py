"""Fixtures of the cluster-layer and command-line tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kube.harness import KubeHarness, start_harness


@pytest.fixture
def kube(tmp_path: Path) -> Iterator[KubeHarness]:
    """A running emulated API server with namespaces ``test`` and ``other``, a kubeconfig and a
    client."""
    harness = start_harness(tmp_path)
    try:
        yield harness
    finally:
        harness.close()
