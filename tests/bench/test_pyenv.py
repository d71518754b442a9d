"""Timed children run with compiled bytecode unless the cold mode is asked for."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import pyenv


def test_children_get_a_bytecode_cache_in_the_work_directory(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.delenv(pyenv.COLD, raising=False)
    env = pyenv.child_env(tmp_path)
    assert "PYTHONDONTWRITEBYTECODE" not in env
    assert env["PYTHONPYCACHEPREFIX"] == str(tmp_path / "pycache")
    assert env["PYTHONPATH"] == str(pyenv.REPO)
    assert "compiled once" in pyenv.bytecode_note()


def test_cold_mode_keeps_the_inherited_environment(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    monkeypatch.setenv(pyenv.COLD, "1")
    env = pyenv.child_env(tmp_path)
    assert env["PYTHONDONTWRITEBYTECODE"] == "1"
    assert "PYTHONPYCACHEPREFIX" not in env or env["PYTHONPYCACHEPREFIX"] != str(tmp_path / "pycache")
    pyenv.warm_bytecode(tmp_path)
    assert not (tmp_path / "pycache").exists()
    assert "from source" in pyenv.bytecode_note()
