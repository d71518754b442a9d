"""``meshtui get splits -A`` (no UI) against ``kubectl get`` of the same objects."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

from bench.kubectl import Kubectl
from bench.profiles import Profile
from bench.pyenv import bytecode_note, child_env, warm_bytecode
from bench.stats import Measure, at_most

TIMEOUT = 60.0


class GetError(RuntimeError):
    """``meshtui get splits`` failed."""


def meshtui_argv() -> list[str]:
    """The installed ``meshtui`` script, as a user runs it (else ``python -m meshtui``)."""
    script = shutil.which("meshtui")
    return [script] if script else [sys.executable, "-m", "meshtui"]


def time_get(kubeconfig: Path) -> tuple[float, int]:
    """Time one ``meshtui get splits -A``; returns (seconds, rows printed).

    Raises:
        GetError: When it fails or hangs.
    """
    argv = [*meshtui_argv(), "--kubeconfig", str(kubeconfig), "get", "splits", "-A"]
    start = time.perf_counter()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=TIMEOUT, check=False,
                              stdin=subprocess.DEVNULL, env=child_env(kubeconfig.parent))
    except subprocess.TimeoutExpired:
        raise GetError("meshtui get splits timed out") from None
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise GetError(f"meshtui get splits failed: {done.stderr.strip()[-300:]}")
    return elapsed, max(0, len(done.stdout.splitlines()) - 1)


def measure_get(profile: Profile, kubeconfig: Path, kubectl: Kubectl) -> Measure:
    """``get_vs_kubectl_ratio``: paired runs, meshtui's wall time over kubectl's."""
    ratios = []
    warm_bytecode(kubeconfig.parent)
    for _ in range(profile.get_samples):
        theirs, their_rows = kubectl.get_splits()
        ours, our_rows = time_get(kubeconfig)
        if our_rows != their_rows:
            raise GetError(f"meshtui printed {our_rows} splits, kubectl {their_rows}")
        ratios.append(ours / theirs)
    measure = Measure("get_vs_kubectl_ratio", tuple(ratios), "ratio", "median <= 1.5", None,
                      note=f"{profile.splits} splits, table output, new process each run "
                           f"(kubectl: fresh --cache-dir, warmed once; {bytecode_note()})")
    return replace(measure, met=at_most(measure.median, 1.5))
