"""Fixtures for the Kubernetes API emulator: a running server, its kubeconfig and kubectl."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from meshtui.sim.apiserver import ApiServer, Store, write_kubeconfig

KUBECTL = "/usr/bin/kubectl"


@dataclass
class RunningApiServer:
    """A started emulator with a kubeconfig pointing at it.

    Attributes:
        store: The objects served.
        server: The HTTP server.
        url: Its base URL.
        kubeconfig: Path of a kubeconfig (contexts ``meshtui-sim`` and ``readonly``).
        cache_dir: A per-test kubectl discovery cache.
    """

    store: Store
    server: ApiServer
    url: str
    kubeconfig: Path
    cache_dir: Path

    def kubectl(self, *args: str, check: bool = True, context: str | None = None,
                input: str | None = None, timeout: float = 60.0  # noqa: A002 - like subprocess
                ) -> subprocess.CompletedProcess[str]:
        """Run kubectl against the emulator (skips the test when kubectl is absent)."""
        binary = KUBECTL if Path(KUBECTL).exists() else shutil.which("kubectl")
        if binary is None:
            pytest.skip("kubectl is not installed (/usr/bin/kubectl absent and none on PATH)")
        command = [binary, "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.cache_dir)]
        if context:
            command += ["--context", context]
        result = subprocess.run([*command, *args], input=input, capture_output=True, text=True,
                                timeout=timeout, check=False)
        if check and result.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({result.returncode}):\n"
                                 f"{result.stdout}\n{result.stderr}")
        return result

    def kubectl_command(self, *args: str) -> list[str]:
        """The full kubectl command line, for tests that need a Popen (e.g. `get -w`)."""
        binary = KUBECTL if Path(KUBECTL).exists() else shutil.which("kubectl")
        if binary is None:
            pytest.skip("kubectl is not installed (/usr/bin/kubectl absent and none on PATH)")
        return [binary, "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.cache_dir),
                *args]


@pytest.fixture
def apiserver(tmp_path: Path) -> Iterator[RunningApiServer]:
    """A fresh store served on a free loopback port; stopped at teardown."""
    store = Store()
    server = ApiServer(store, bookmark_interval=0.2).start()
    kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", server.url)
    running = RunningApiServer(store, server, server.url, kubeconfig, tmp_path / "kube-cache")
    try:
        yield running
    finally:
        server.stop()


def trafficsplit(name: str, namespace: str = "default", *, service: str = "podinfo",
                 weights: tuple[Any, Any] = (100, 0), version: str = "v1alpha2") -> dict[str, Any]:
    """A TrafficSplit object with a primary and a canary backend."""
    return {
        "apiVersion": f"split.smi-spec.io/{version}",
        "kind": "TrafficSplit",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"service": service, "backends": [
            {"service": f"{service}-primary", "weight": weights[0]},
            {"service": f"{service}-canary", "weight": weights[1]}]},
    }
