"""`meshtui rollout` is reachable through meshtui's own entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from tests.cli.helpers import run_main
from tests.plugins.apiserver import RunningApiServer

ROOT = Path(__file__).resolve().parents[2]


def test_rollout_status_through_the_meshtui_command(apiserver: RunningApiServer) -> None:
    result = subprocess.run([sys.executable, "-m", "meshtui", "rollout", "status", "-A",
                             "--kubeconfig", str(apiserver.kubeconfig)],
                            capture_output=True, text=True, timeout=60, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert any(r.path.startswith("/apis/split.smi-spec.io") for r in apiserver.server.requests)


def test_rollout_run_logs_json_lines(apiserver: RunningApiServer,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    """``rollout run -o json`` logs one JSON object a line, each with an RFC 3339 time."""
    result = run_main(["rollout", "run", "-A", "--max-ticks", "2", "--interval", "0.01", "-o",
                       "json", "--prometheus-url", "http://127.0.0.1:9",
                       "--kubeconfig", str(apiserver.kubeconfig)], capsys)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines and "driving plans in all namespaces" in lines[0]["message"]
    assert all(datetime.fromisoformat(line["time"]) and line["time"].endswith("Z") for line in lines)
