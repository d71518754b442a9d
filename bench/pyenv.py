"""The environment meshtui's child processes run in: compiled bytecode, as an installed meshtui has.

This machine sets ``PYTHONDONTWRITEBYTECODE=1``, so with the inherited environment every child
compiled each meshtui module from source on every start (~0.1 s for ``get splits``, more for the
dashboard). ``pip install`` compiles bytecode, so a user never pays that. Children get a
``PYTHONPYCACHEPREFIX`` in the run's work directory, compiled once before timing, the way
kubectl gets a fresh ``--cache-dir`` warmed once. Set ``MESHTUI_BENCH_COLD_BYTECODE=1`` to time
the old way.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COLD = "MESHTUI_BENCH_COLD_BYTECODE"


def child_env(workdir: Path) -> dict[str, str]:
    """The environment of a timed meshtui child whose bytecode lives under `workdir`."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    if os.environ.get(COLD) == "1":
        return env
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(workdir / "pycache")
    return env


def warm_bytecode(workdir: Path) -> None:
    """Compile meshtui and the bench child into `workdir`'s bytecode cache (not timed)."""
    if os.environ.get(COLD) == "1":
        return
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "meshtui"),
                    str(REPO / "bench")], env=child_env(workdir), cwd=REPO, check=False,
                   capture_output=True, timeout=300, stdin=subprocess.DEVNULL)


def bytecode_note() -> str:
    """How the children's bytecode was treated, for the measures' notes."""
    if os.environ.get(COLD) == "1":
        return "meshtui compiled from source on every start (PYTHONDONTWRITEBYTECODE)"
    return "meshtui bytecode compiled once beforehand, as pip install does"
