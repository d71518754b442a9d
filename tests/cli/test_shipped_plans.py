"""README's rollout commands from any directory: shipped plans by name, and ``status -o json``
counting steps as its text does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from meshtui.rollout.plan_file import read_plan_text, resolve_plan_path, shipped_plans
from meshtui.sim.mesh import SimulatedMesh
from tests.cli.helpers import run_cli


@pytest.mark.parametrize("name", ["canary-basic", "canary-basic.yaml"])
def test_a_shipped_plan_is_found_by_name_from_any_directory(
        name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert "setWeight" in read_plan_text(name)
    assert Path(resolve_plan_path(name)).parent == shipped_plans()[0].parent


def test_a_file_in_the_working_directory_wins_over_a_shipped_plan(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "canary-basic.yaml").write_text("steps:\n  - setWeight: 7\n")
    assert read_plan_text("canary-basic.yaml") == "steps:\n  - setWeight: 7\n"


def test_a_path_is_never_looked_up_among_shipped_plans(tmp_path: Path) -> None:
    assert resolve_plan_path(str(tmp_path / "canary-basic.yaml")) == str(tmp_path / "canary-basic.yaml")


def test_readme_rollout_start_by_name_and_status_json_agree_with_text(
        sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> None:
    config = str(sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig"))
    start = run_cli("rollout", "start", "-n", "booksapp", "ts/authors-split", "--plan",
                    "canary-basic.yaml", "--kubeconfig", config, cwd=tmp_path)
    assert start.returncode == 0, start.stderr
    text = run_cli("rollout", "status", "-n", "booksapp", "--kubeconfig", config)
    shown = re.search(r"step (\d+)/(\d+)", text.stdout)
    assert shown, text.stdout
    status = json.loads(run_cli("rollout", "status", "-n", "booksapp", "-o", "json",
                                "--kubeconfig", config).stdout)[0]
    assert (status["step"], status["total"]) == (int(shown[1]), int(shown[2])) == (1, status["total"])
    assert [s["step"] for s in status["steps"]] == list(range(1, status["total"] + 1))
    assert re.search(r"\[>\] 1\. ", text.stdout), text.stdout
