"""A child's peak memory is its own, not the benchmark's that started it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_child_peak_rss_excludes_the_parents_memory() -> None:
    ballast = b"x" * (200 * 1024 * 1024)  # resident: every page written
    try:
        done = subprocess.run(
            [sys.executable, "-c", "from bench.child_app import peak_rss_mb; print(peak_rss_mb())"],
            capture_output=True, text=True, cwd=REPO, timeout=60, check=True)
    finally:
        del ballast
    child_mb = float(done.stdout.strip())
    assert 1 < child_mb < 150, child_mb
