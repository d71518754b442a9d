"""`meshtui rollout` is reachable through meshtui's own entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.plugins.apiserver import RunningApiServer

ROOT = Path(__file__).resolve().parents[2]


def test_rollout_status_through_the_meshtui_command(apiserver: RunningApiServer) -> None:
    result = subprocess.run([sys.executable, "-m", "meshtui", "rollout", "status", "-A",
                             "--kubeconfig", str(apiserver.kubeconfig)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert any(r.path.startswith("/apis/split.smi-spec.io") for r in apiserver.server.requests)
