"""The dashboard's first namespace scope: README's "current kubeconfig context, its namespace"."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from meshtui.cli.entry import build_parser
from meshtui.launch import _settings
from meshtui.ui.config import load_settings

CLUSTER = SimpleNamespace(namespace="booksapp")


def _scope(argv: list[str]) -> str | None:
    args = build_parser().parse_args(argv)
    return _settings(args, CLUSTER).namespace


def test_no_namespace_option_scopes_to_the_contexts_namespace() -> None:
    assert _scope([]) == "booksapp"


@pytest.mark.parametrize(("argv", "expected"), [(["-n", "emojivoto"], "emojivoto"),
                                                (["-A"], None)])
def test_options_choose_the_scope(argv: list[str], expected: str | None) -> None:
    assert _scope(argv) == expected


def test_the_config_files_namespace_beats_the_context(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "meshtui" / "config.toml"
    config.parent.mkdir()
    config.write_text('namespace = "podinfo"\n')
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert load_settings().namespace == "podinfo"
    assert _scope([]) == "podinfo"
    assert _scope(["-n", "emojivoto"]) == "emojivoto"
