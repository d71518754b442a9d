"""Shell completion: bash, given the script ``meshtui completion bash`` prints, completes verbs,
options, namespaces, contexts and split names read from ``meshtui sim``'s API server."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from meshtui.sim.mesh import SimulatedMesh
from tests.cli.helpers import ROOT, run_cli

BASH = shutil.which("bash")


@pytest.fixture
def kubeconfig(sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> Path:
    return sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig")


@pytest.fixture
def bash_complete(kubeconfig: Path, tmp_path: Path):
    """Complete a command line in a real bash with the printed script sourced, as a user's
    shell does; returns the candidates (COMPREPLY)."""
    if BASH is None:
        pytest.skip("bash is not installed")
    script = tmp_path / "meshtui.bash"
    script.write_text(run_cli("completion", "bash").stdout)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "meshtui"
    shim.write_text(f"#!/bin/sh\nexec {sys.executable} -m meshtui \"$@\"\n")
    shim.chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT), "KUBECONFIG": str(kubeconfig)}

    def complete(line: str) -> list[str]:
        words = line.split(" ")
        program = f"""
source {script}
COMP_LINE={line!r}; COMP_POINT={len(line)}; COMP_WORDS=({' '.join(repr(w) for w in words)})
COMP_CWORD={len(words) - 1}; COMP_TYPE=9
_python_argcomplete meshtui {words[-1]!r} {words[-2]!r}
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
        done = subprocess.run([BASH, "--norc", "-c", program], capture_output=True, text=True,
                              env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return [w.strip() for w in done.stdout.splitlines() if w.strip()]

    return complete


def test_namespaces_from_the_cluster(bash_complete) -> None:
    assert {"booksapp", "emojivoto", "test", "linkerd-viz"} <= set(bash_complete("meshtui -n "))
    assert bash_complete("meshtui get splits -n emo") == ["emojivoto"]


def test_split_names_from_the_cluster(bash_complete) -> None:
    assert bash_complete("meshtui rollout start -n booksapp ts/") == ["ts/authors-split", "ts/books"]
    offered = bash_complete("meshtui pause -n emojivoto ")
    assert "httproute/voting-split" in offered and "trafficsplit/authors-split" not in offered


def test_contexts_verbs_and_flags(bash_complete) -> None:
    assert bash_complete("meshtui --context ") == ["meshtui-sim", "readonly"]
    assert "rollout" in bash_complete("meshtui ro")
    assert bash_complete("meshtui get splits --out") == ["--output"]
    assert sorted(bash_complete("meshtui get splits -o ")) == ["json", "table"]


def test_an_unreachable_cluster_offers_nothing_and_prints_nothing(bash_complete,
                                                                  tmp_path: Path) -> None:
    from tests.cli.helpers import closed_port, simple_kubeconfig

    dead = simple_kubeconfig(tmp_path / "dead", f"http://127.0.0.1:{closed_port()}")
    assert bash_complete(f"meshtui --kubeconfig {dead} -n ") == []


def test_zsh_script_registers_both_programs() -> None:
    script = run_cli("completion", "zsh").stdout
    assert script.startswith("#compdef meshtui kubectl-meshtui")
    assert "compdef _python_argcomplete meshtui kubectl-meshtui" in script


KUBECTL = shutil.which("kubectl")


@pytest.mark.kubectl
@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_meshtui_completes_through_the_plugin_completion_program(
        kubeconfig: Path, tmp_path: Path) -> None:
    bin_dir = tmp_path / "kbin"
    bin_dir.mkdir()
    programs = {"kubectl-meshtui": "from meshtui.cli import main",
                "kubectl_complete-meshtui": "from meshtui.cli.completion import kubectl_complete as main"}
    for name, entry in programs.items():  # as the wheel's console scripts are
        (bin_dir / name).write_text(f"#!{sys.executable}\nimport sys\n{entry}\nsys.exit(main())\n")
        (bin_dir / name).chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
           "PYTHONPATH": str(ROOT), "KUBECONFIG": str(kubeconfig)}

    def kubectl_complete(*words: str) -> list[str]:
        done = subprocess.run([str(KUBECTL), "__complete", "meshtui", *words], capture_output=True,
                              text=True, env=env, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    assert kubectl_complete("-n", "") == ["booksapp", "default", "emojivoto", "kube-system",
                                          "linkerd", "linkerd-smi", "linkerd-viz", "test", ":4"]
    assert kubectl_complete("rollout", "start", "-n", "booksapp", "ts/") == [
        "ts/authors-split", "ts/books", ":4"]
