"""Failures the user can fix: one ``error:`` line, exit status 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshtui.cli import main
from tests.cli.helpers import (assert_one_line_error, closed_port, run_cli, run_main,
                               simple_kubeconfig)


def test_unreachable_server(tmp_path: Path) -> None:
    path = simple_kubeconfig(tmp_path / "k", f"http://127.0.0.1:{closed_port()}")
    assert_one_line_error(run_cli("get", "splits", "--kubeconfig", str(path)),
                          "cannot reach the API server")


def test_malformed_kubeconfig(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "broken"
    path.write_text("clusters: [ {oops\n")
    assert_one_line_error(run_main(["get", "splits", "--kubeconfig", str(path)], capsys),
                          "not valid YAML")


def test_unknown_context(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = simple_kubeconfig(tmp_path / "k", "http://127.0.0.1:1")
    assert_one_line_error(
        run_main(["--kubeconfig", str(path), "get", "splits", "--context", "nope"], capsys),
        "context 'nope' not found")


def test_no_kubeconfig_at_all(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(run_main(["get", "splits", "-A"], capsys), "no kubeconfig found")


@pytest.mark.parametrize(("argv", "fragment"), [
    (["-n", "a", "-A"], "mutually exclusive"),
    (["get", "splits", "-n", "a", "-A"], "mutually exclusive"),
    (["--prometheus-user", "u"], "--prometheus-password-env"),
    (["--prometheus-user", "u", "--prometheus-password-env", "MESHTUI_NO_SUCH_VAR"], "not set"),
    (["--prometheus-url", "localhost:9090"], "http://"),
])
def test_invalid_option_combinations(argv: list[str], fragment: str,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: ") and fragment in err and "\n" not in err


@pytest.mark.parametrize(("argv", "fragment"), [
    (["--refresh", "0"], "--refresh"), (["--refresh", "x"], "--refresh"),
    (["--window", "2m"], "--window"), (["sim", "--port", "70000"], "--port"),
    (["get", "splits", "--request-timeout", "soon"], "--request-timeout"),
    (["frobnicate"], "invalid choice")])
def test_argparse_rejects_bad_values_in_one_line(argv: list[str], fragment: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and fragment in err, err


def test_sim_unknown_scenario(capsys: pytest.CaptureFixture[str]) -> None:
    assert_one_line_error(run_main(["sim", "--scenario", "no-such-scenario"], capsys),
                          "no-such-scenario")
