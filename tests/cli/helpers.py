"""Running the ``meshtui`` command line as a real subprocess."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import yaml


ROOT = Path(__file__).resolve().parents[2]
"""The worktree whose ``meshtui`` the tests run, from whatever directory."""


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 60,
            cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``python -m meshtui ARGS`` (this tree's, also from another `cwd`) and capture its
    output."""
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    return subprocess.run([sys.executable, "-m", "meshtui", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": path, **(env or {})})


def run_main(argv: list[str], capsys) -> subprocess.CompletedProcess[str]:
    """Run the CLI in-process (faster than a subprocess) and capture like `run_cli`."""
    from meshtui.cli import main

    code = main(argv)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(argv, code, captured.out, captured.err)


def assert_one_line_error(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    """The command failed with status 1 and one ``error: ...`` line mentioning `fragment`."""
    assert result.returncode == 1, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert fragment in lines[0], lines[0]


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def simple_kubeconfig(path: Path, server: str, context: str = "c") -> Path:
    """Write a token-less kubeconfig with one context."""
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": context,
        "clusters": [{"name": context, "cluster": {"server": server}}],
        "users": [{"name": context, "user": {}}],
        "contexts": [{"name": context, "context": {"cluster": context, "user": context}}]}))
    return path
