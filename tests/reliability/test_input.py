"""Scenario 7: bad user input is refused with a clear one-line message before any write.

Weights (`meshtui weight`), command-line arguments and config files. Syntax errors are refused
before any request at all; mistakes that need the split to be known (an unknown backend) before
any mutating request. The tests assert on the emulator's request log.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from meshtui.ui.config import ConfigError, load_settings
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.support import mutating, run_together

PERCENTS = {
    "negative": (("weight", "ts/web", "podinfo-canary=-5"), "cannot be negative"),
    "over 100": (("weight", "ts/web", "podinfo-canary=101"), "cannot exceed 100"),
    "not a number": (("weight", "ts/web", "podinfo-canary=abc"), "not a percentage"),
    "nan": (("weight", "ts/web", "podinfo-canary=nan"), "not a percentage"),
    "inf": (("weight", "ts/web", "podinfo-canary=inf"), "not a percentage"),
    "huge": (("weight", "ts/web", "podinfo-canary=1e400"), "not a percentage"),
    "huge exponent": (("weight", "ts/web", "podinfo-canary=1e99999999"), "not a percentage"),
    "fraction": (("weight", "ts/web", "podinfo-canary=50.5"), "whole number"),
    "hex": (("weight", "ts/web", "podinfo-canary=0x10"), "not a percentage"),
    "division": (("weight", "ts/web", "podinfo-canary=60/2"), "not a percentage"),
    "underscore": (("weight", "ts/web", "podinfo-canary=3_0"), "not a percentage"),
    "arabic-indic digits": (("weight", "ts/web", "podinfo-canary=\u0663\u0660"),
                            "not a percentage"),
    "sum over 100": (("weight", "ts/web", "podinfo-canary=70", "podinfo-primary=40"),
                     "more than 100"),
}
SYNTAX = {
    "no backend": (("weight", "ts/web", "=50"), "BACKEND=PERCENT"),
    "no percent": (("weight", "ts/web", "podinfo-canary="), "BACKEND=PERCENT"),
    "twice": (("weight", "ts/web", "podinfo-canary=10", "podinfo-canary=20"), "twice"),
    "bad kind": (("weight", "deployment/web", "x=5"), "unknown kind"),
    "empty name": (("weight", "ts/", "x=5"), "invalid object name"),
    "bad name": (("weight", "ts/Bad_Name", "x=5"), "invalid object name"),
    "rule 0": (("weight", "ts/web", "podinfo-canary=50", "--rule", "0"), "--rule counts from 1"),
}
NEEDS_SPLIT = {
    "unknown backend": (("weight", "ts/web", "a=50"), "unknown backend 'a'"),
    "all zero": (("weight", "ts/web", "podinfo-primary=0", "podinfo-canary=0"), "add up to 0"),
}
ARGPARSE = {
    "rule not a number": ("weight", "ts/web", "podinfo-canary=50", "--rule", "abc"),
    "no assignment": ("weight", "ts/web"),
    "bad output": ("weight", "ts/web", "podinfo-canary=5", "-o", "yaml"),
    "unknown command": ("frobnicate",),
    "bad window": ("--window", "2m", "get", "splits"),
    "bad refresh": ("--refresh", "-1", "get", "splits"),
}


def _one_error_line(result, expected: str) -> None:
    assert result.returncode == 1, result
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert expected in lines[0], lines[0]


def test_bad_weights_and_arguments_are_refused_before_any_write(apiserver) -> None:
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    before = apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "web")
    apiserver.server.clear_requests()

    syntax = run_together(apiserver.kubeconfig, *(c for c, _ in SYNTAX.values()),
                          *ARGPARSE.values())
    for (_, expected), result in zip(SYNTAX.values(), syntax, strict=False):
        _one_error_line(result, expected)
    for name, result in zip(ARGPARSE, syntax[len(SYNTAX):], strict=True):
        # The parser's refusals take the same one-line form as every other bad input.
        _one_error_line(result, "")
        assert "Traceback" not in result.stderr, name
    assert apiserver.server.requests == [], "syntax errors must be refused before any request"

    semantic = run_together(apiserver.kubeconfig, *(c for c, _ in PERCENTS.values()),
                            *(c for c, _ in NEEDS_SPLIT.values()))
    expected_lines = [e for _, e in PERCENTS.values()] + [e for _, e in NEEDS_SPLIT.values()]
    for expected, result in zip(expected_lines, semantic, strict=True):
        _one_error_line(result, expected)
    assert mutating(apiserver.server) == []
    after = apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "web")
    assert after["metadata"]["resourceVersion"] == before["metadata"]["resourceVersion"]
    figures.record("input", cli_inputs_refused=len(SYNTAX) + len(PERCENTS) + len(NEEDS_SPLIT)
                   + len(ARGPARSE), requests_for_syntax_errors=0, mutating_requests=0)


def test_bad_percentages_are_refused_before_any_request(apiserver) -> None:
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    apiserver.server.clear_requests()
    results = run_together(apiserver.kubeconfig, *(c for c, _ in PERCENTS.values()))
    for (_, expected), result in zip(PERCENTS.values(), results, strict=True):
        _one_error_line(result, expected)
    assert apiserver.server.requests == []


BAD_CONFIGS = {
    "not toml": b"refresh = = 2\n",
    "binary": b"\xff\xfe\x00garbage",
    "refresh text": b'refresh = "fast"\n',
    "refresh negative": b"refresh = -1\n",
    "refresh bool": b"refresh = true\n",
    "refresh nan": b"refresh = nan\n",
    "window unknown": b'window = "2m"\n',
    "window number": b"window = 5\n",
    "unknown key": b"colour = 'red'\n",
    "keymap not table": b"keymap = 5\n",
    "keymap empty keys": b'[keymap]\n"app.quit" = ""\n',
    "step fraction": b"step = 2.5\n",
    "step zero": b"step = 0\n",
    "thresholds inverted": b"success_warn = 0.9\nsuccess_bad = 0.95\n",
    "bad regex": b'production_context = "("\n',
    "read_only text": b'read_only = "yes"\n',
    "theme number": b"theme = 5\n",
    "namespace list": b"namespace = []\n",
    "stale zero": b"stale_after = 0\n",
    "mismatch over 100": b"mismatch_points = 150\n",
}


@pytest.mark.parametrize("name", list(BAD_CONFIGS))
def test_bad_config_files_are_refused_with_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(BAD_CONFIGS[name])
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message and "\n" not in message, message
    assert str(path) in message, f"the message must name the file: {message}"
    figures.record("input_config", **{name.replace(" ", "_"): "refused"})


def test_config_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(tmp_path)
    assert "\n" not in str(caught.value)
