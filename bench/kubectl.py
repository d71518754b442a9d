"""kubectl, the yardstick: timed runs against the emulator with a fresh, warmed discovery cache."""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

SPLIT_RESOURCES = ("trafficsplits,httproutes.gateway.networking.k8s.io,"
                   "httproutes.policy.linkerd.io")
"""Every split meshtui lists: plain ``httproutes`` would pick only one of the two API groups."""

TIMEOUT = 60.0


class KubectlError(RuntimeError):
    """kubectl is absent or a run failed."""


class Kubectl:
    """Runs kubectl with one kubeconfig and a cache directory of its own.

    Args:
        kubeconfig: The emulator's kubeconfig.
        workdir: Where the fresh ``--cache-dir`` is made.
    """

    def __init__(self, kubeconfig: Path, workdir: Path) -> None:
        binary = shutil.which("kubectl")
        if binary is None:
            raise KubectlError("kubectl not found on PATH")
        self.binary = binary
        self.kubeconfig = kubeconfig
        self.cache_dir = workdir / "kubectl-cache"
        self.warmed = False

    def argv(self, *args: str) -> list[str]:
        """The full command line for `args`."""
        return [self.binary, "--kubeconfig", str(self.kubeconfig), "--cache-dir", str(self.cache_dir),
                *args]

    def run(self, *args: str) -> tuple[float, str]:
        """Run kubectl to completion; returns (wall seconds, stdout).

        Raises:
            KubectlError: When it exits non-zero or hangs past `TIMEOUT`.
        """
        start = time.perf_counter()
        try:
            done = subprocess.run(self.argv(*args), capture_output=True, text=True, timeout=TIMEOUT,
                                  check=False, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise KubectlError(f"kubectl {args[0]} timed out after {TIMEOUT:g}s") from None
        elapsed = time.perf_counter() - start
        if done.returncode != 0:
            raise KubectlError(f"kubectl {' '.join(args[:2])} failed: {done.stderr.strip()[:300]}")
        return elapsed, done.stdout

    def warm(self) -> None:
        """Fill the discovery cache once, untimed (a user's kubectl has a warm cache)."""
        if not self.warmed:
            self.run("get", SPLIT_RESOURCES, "-A")
            self.warmed = True

    def get_splits(self) -> tuple[float, int]:
        """Time ``kubectl get <every split resource> -A``; returns (seconds, rows printed)."""
        self.warm()
        elapsed, out = self.run("get", SPLIT_RESOURCES, "-A")
        rows = sum(1 for line in out.splitlines() if line and not line.startswith("NAMESPACE"))
        return elapsed, rows
