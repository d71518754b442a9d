"""Bad files and options end in one ``error:`` line and status 1, before any request.

Config files, kubeconfigs of the wrong encoding or shape, Prometheus URLs no request could be
sent to, and a reader that closes the pipe early.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from meshtui.ui.config import config_path
from tests.cli.helpers import assert_one_line_error, run_cli, run_main
from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.reliability import figures

ROOT = Path(__file__).resolve().parents[2]

CONFIGS = {"binary": b"\xff\xfe\x00garbage\x1b[2J", "not toml": b"refresh = = 2\n",
           "nested": b"a = " + b"[" * 5000 + b"]" * 5000 + b"\n",
           "wrong type": b'read_only = "yes"\n'}


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("argv", [["get", "splits"], ["weight", "ts/web", "podinfo-canary=5"],
                                  ["rollout", "status"], ["pause", "ts/web"]], ids=" ".join)
def test_bad_config_file_stops_every_command_before_any_request(
        apiserver: RunningApiServer, name: str, argv: list[str],
        capsys: pytest.CaptureFixture[str]) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(CONFIGS[name])
    apiserver.server.clear_requests()
    result = run_main([*argv, "--kubeconfig", str(apiserver.kubeconfig)], capsys)
    assert_one_line_error(result, str(config_path()))
    assert "\x1b" not in result.stderr
    assert apiserver.server.requests == [], "the config file must be checked first"
    figures.record("cli_bad_input", **{f"config {name}: {argv[0]}": "one line, no request"})


def test_bad_config_file_stops_the_dashboard(capsys: pytest.CaptureFixture[str]) -> None:
    config_path().parent.mkdir(parents=True, exist_ok=True)
    config_path().write_bytes(CONFIGS["binary"])
    assert_one_line_error(run_main(["--kubeconfig", "/nonexistent"], capsys), "config.toml")


def _kubeconfig(tmp_path: Path, **changes: object) -> Path:
    data: dict = {"apiVersion": "v1", "kind": "Config", "current-context": "x",
                  "clusters": [{"name": "c", "cluster": {"server": "http://127.0.0.1:1"}}],
                  "users": [{"name": "u", "user": {}}],
                  "contexts": [{"name": "x", "context": {"cluster": "c", "user": "u"}}]}
    data.update(changes)
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(data))
    return path


KUBECONFIGS = {
    "context a string": ({"contexts": [{"name": "x", "context": "a string"}]}, "mapping"),
    "context a list": ({"contexts": [{"name": "x", "context": ["c"]}]}, "mapping"),
    "context cluster a list": ({"contexts": [{"name": "x", "context": {"cluster": ["c"]}}]},
                               "string"),
    "namespace a number": ({"contexts": [{"name": "x", "context": {
        "cluster": "c", "user": "u", "namespace": 5}}]}, "string"),
    "cluster a string": ({"clusters": [{"name": "c", "cluster": "http://x"}]}, "mapping"),
    "server a list": ({"clusters": [{"name": "c", "cluster": {"server": ["a"]}}]}, "string"),
    "user a number": ({"users": [{"name": "u", "user": 5}]}, "mapping"),
    "token a mapping": ({"users": [{"name": "u", "user": {"token": {"a": 1}}}]}, "string"),
    "name a list": ({"contexts": [{"name": ["x"], "context": {}}]}, "named entries"),
    "contexts a mapping": ({"contexts": {"x": {}}}, "named entries"),
    "current-context a list": ({"current-context": ["x"]}, "current-context"),
    "exec a string": ({"users": [{"name": "u", "user": {"exec": "kubectl"}}]}, "unusable"),
    "exec without command": ({"users": [{"name": "u", "user": {"exec": {
        "apiVersion": "client.authentication.k8s.io/v1"}}}]}, "missing key 'command'"),
    "proxy without scheme": ({"clusters": [{"name": "c", "cluster": {
        "server": "http://127.0.0.1:1", "proxy-url": "proxy:3128"}}]}, "unusable"),
}


@pytest.mark.parametrize("name", list(KUBECONFIGS))
def test_kubeconfig_of_the_wrong_shape(tmp_path: Path, name: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    changes, fragment = KUBECONFIGS[name]
    path = _kubeconfig(tmp_path, **changes)
    assert_one_line_error(run_main(["get", "splits", "--kubeconfig", str(path)], capsys),
                          fragment)
    figures.record("cli_bad_input", **{f"kubeconfig {name}": "one line"})


def test_kubeconfig_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kubeconfig"
    path.write_bytes(b"apiVersion: v1\ncurrent-context: \xff\xfe\x9b2J\n")
    assert_one_line_error(run_main(["get", "splits", "--kubeconfig", str(path)], capsys),
                          "not UTF-8")
    figures.record("cli_bad_input", **{"kubeconfig not UTF-8": "one line"})


@pytest.mark.parametrize(("url", "fragment"), [
    ("http://", "no host"), ("https://:9090", "no host"), ("http://[::1", "malformed"),
    ("http://[::1]:99999", "out of range"), ("http://prom:99999", "out of range"),
    ("http://prom:0", "out of range"), ("http://prom:nine", "malformed"),
    ("http://prom :9090", "spaces"), ("http://prom\x1b[2J:9090", "control"),
    ("ftp://prom", "http://")])
@pytest.mark.parametrize("command", [[], ["rollout", "run"]], ids=["dashboard", "rollout-run"])
def test_malformed_prometheus_url_before_any_request(apiserver: RunningApiServer, url: str,
                                                     fragment: str, command: list[str],
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    apiserver.server.clear_requests()
    result = run_main([*command, "--prometheus-url", url, "--kubeconfig",
                       str(apiserver.kubeconfig)], capsys)
    assert_one_line_error(result, fragment)
    assert "\x1b" not in result.stderr
    assert apiserver.server.requests == []
    figures.record("cli_bad_input", **{
        f"prometheus url {url!r}: {' '.join(command) or 'dashboard'}": "one line, no request"})


def test_prometheus_url_before_the_rollout_verb_is_the_one_used(
        apiserver: RunningApiServer, capsys: pytest.CaptureFixture[str]) -> None:
    # A subcommand's own default must not replace the value given before the verb: the runner
    # drove plans on linkerd-viz's Prometheus while the operator had named another (and a
    # malformed one was never checked).
    apiserver.server.clear_requests()
    result = run_main(["--prometheus-url", "http://[::1", "rollout", "run", "--kubeconfig",
                       str(apiserver.kubeconfig)], capsys)
    assert_one_line_error(result, "malformed")
    assert apiserver.server.requests == []


def test_malformed_url_error_hides_the_password(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["--prometheus-url", "http://me:hunter2@[::1"], capsys)
    assert_one_line_error(result, "malformed")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(("module", "argv"), [
    ("meshtui", ["rollout", "status", "-o", "json"]),
    ("meshtui", ["get", "splits", "-A", "-o", "json"]),
    ("meshtui.rollout", ["rollout", "status", "-o", "json"])])
def test_closed_pipe_is_quiet(apiserver: RunningApiServer, argv: list[str], module: str) -> None:
    for i in range(40):
        apiserver.store.create(trafficsplit(f"web-{i}", weights=(90, 10)))
    proc = subprocess.Popen([sys.executable, "-m", module, *argv, "--kubeconfig",
                             str(apiserver.kubeconfig)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, cwd=ROOT)
    # The reader goes away before the command writes a byte, like `| head -c 0`.
    proc.stdout.close()
    _, err = proc.communicate(timeout=60)
    assert err == b"", err.decode()
    assert proc.returncode == 0
    figures.record("cli_bad_input", **{f"closed pipe: {module} {' '.join(argv)}": "quiet, exit 0"})


@pytest.mark.parametrize(("argv", "fragment"), [
    (["weight", "ts/web", "podinfo-primary=60", "podinfo-canary=50"], "add up to 110"),
    (["weight", "ts/web", "podinfo-canary=50", "--rule", "0"], "--rule counts from 1"),
    (["weight", "ts/web", "podinfo-canary=50", "--rule", "-3"], "--rule counts from 1")])
def test_weight_checks_needing_no_cluster_come_before_any_request(
        apiserver: RunningApiServer, argv: list[str], fragment: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    apiserver.server.clear_requests()
    result = run_main([*argv, "--kubeconfig", str(apiserver.kubeconfig)], capsys)
    assert_one_line_error(result, fragment)
    assert apiserver.server.requests == []
    figures.record("cli_bad_input", **{f"weight {' '.join(argv[2:])}": "one line, no request"})


@pytest.mark.parametrize("kind", ["/dev/zero", "fifo", "directory", "binary"])
def test_a_plan_path_that_names_no_plan_file_is_one_error_line(tmp_path: Path, kind: str) -> None:
    # /dev/zero filled memory until MemoryError (a traceback), a FIFO blocked forever.
    import os
    import resource

    path = {"/dev/zero": "/dev/zero", "fifo": str(tmp_path / "fifo"),
            "directory": str(tmp_path), "binary": str(tmp_path / "plan.bin")}[kind]
    if kind == "fifo":
        os.mkfifo(path)
    if kind == "binary":
        Path(path).write_bytes(b"\xff\xfe\x00steps: []\x1b[2J")

    def limit_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    try:
        done = subprocess.run([sys.executable, "-m", "meshtui", "rollout", "start", "ts/web",
                               "--plan", path, "--kubeconfig", str(tmp_path / "none")],
                              cwd=ROOT, capture_output=True, text=True, timeout=60,
                              preexec_fn=limit_memory)
    except subprocess.TimeoutExpired:
        pytest.fail(f"rollout start --plan {kind} still running after 60 s")
    assert done.returncode == 1, done.stderr
    assert done.stderr.startswith("error: ") and done.stderr.count("\n") == 1, done.stderr
    assert "\x1b" not in done.stderr and done.stdout == ""


@pytest.mark.parametrize("option", [["--interval", "1e999"], ["--interval", "nan"],
                                    ["--speed", "0"], ["--speed", "5000"], ["--speed", "nan"],
                                    ["--lease-duration", "99999999999999999999"],
                                    ["--max-ticks", "-1"]], ids=" ".join)
def test_runner_options_out_of_range_before_any_request(
        apiserver: RunningApiServer, option: list[str]) -> None:
    # --interval 1e999 ended in an OverflowError traceback after the first tick, nan spun, and a
    # speed over 1000 wrote plan states that their reader refuses.
    apiserver.server.clear_requests()
    ticks = [] if option[0] == "--max-ticks" else ["--max-ticks", "1"]
    result = run_cli("rollout", "run", *option, *ticks, "--kubeconfig", str(apiserver.kubeconfig))
    assert_one_line_error(result, option[0])
    assert apiserver.server.requests == []
