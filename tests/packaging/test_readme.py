"""README's two one-line commands install into a virtual environment (PEP 668 refuses the system
Python on Debian 12 and Ubuntu), and CI runs README's test command verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _command_under(heading: str) -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split(f"## {heading}\n", 1)[1]
    found = re.search(r"```sh\n(.+?)\n```", section, re.S)
    assert found, f"no command under {heading!r}"
    return found[1]


def test_readmes_commands_create_and_use_a_venv() -> None:
    demo = _command_under("Try it: one command")
    tests = _command_under("Run the tests: one command")
    assert demo == "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/meshtui demo"
    assert tests.startswith("python3 -m venv .venv && .venv/bin/pip install -e '.[test]' && ")
    for command in (demo, tests):
        # After making the venv, every pip and program runs from it, never from the system.
        first, *rest = command.split(" && ")
        assert first == "python3 -m venv .venv"
        assert all(part.startswith(".venv/bin/") for part in rest), command


def test_ci_runs_readmes_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert _command_under("Run the tests: one command") in ci
