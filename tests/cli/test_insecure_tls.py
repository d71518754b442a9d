"""A kubeconfig with ``insecure-skip-tls-verify``: one warning line, not one per request."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml

from tests.plugins.apiserver import RunningApiServer, trafficsplit

ROOT = Path(__file__).resolve().parents[2]


def insecure_kubeconfig(source: Path, target: Path) -> Path:
    """`source` with every cluster's CA dropped and TLS verification switched off."""
    data = yaml.safe_load(source.read_text())
    for entry in data["clusters"]:
        entry["cluster"].pop("certificate-authority-data", None)
        entry["cluster"]["insecure-skip-tls-verify"] = True
    target.write_text(yaml.safe_dump(data))
    return target


def test_one_warning_line_however_many_requests(apiserver: RunningApiServer,
                                                tmp_path: Path) -> None:
    for i in range(3):
        apiserver.store.create(trafficsplit(f"web-{i}"))
    kubeconfig = insecure_kubeconfig(apiserver.kubeconfig, tmp_path / "insecure")
    for argv in (["get", "splits", "-A"], ["rollout", "status", "-A"]):
        result = subprocess.run([sys.executable, "-m", "meshtui", *argv, "--kubeconfig",
                                 str(kubeconfig)], capture_output=True, text=True, timeout=60,
                                cwd=ROOT, check=False)
        assert result.returncode == 0, result.stderr
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("warning: ") and "insecure-skip-tls-verify" in lines[0]
    assert len(apiserver.server.requests) > 4, "several requests, still one line"
