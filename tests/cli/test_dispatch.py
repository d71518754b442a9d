"""The dashboard and demo hand-off: options parsed, validated, and passed to the launcher."""

from __future__ import annotations

import argparse

import pytest

from meshtui.cli import main


class Recorder:
    """A launcher that records what the CLI hands over instead of opening the dashboard."""

    def __init__(self) -> None:
        self.calls: dict[str, argparse.Namespace] = {}

    def run_dashboard(self, args: argparse.Namespace) -> int:
        self.calls["dashboard"] = args
        return 0

    def run_demo(self, args: argparse.Namespace) -> int:
        self.calls["demo"] = args
        return 3


@pytest.fixture
def launcher(monkeypatch: pytest.MonkeyPatch) -> Recorder:
    monkeypatch.setenv("PROM_PASSWORD", "hunter2")
    return Recorder()


def test_dashboard_options(launcher: Recorder) -> None:
    assert main(["--kubeconfig", "/k", "--context", "prod", "-n", "shop",
                 "--prometheus-url", "https://prom:9090", "--prometheus-user", "me",
                 "--prometheus-password-env", "PROM_PASSWORD", "--insecure-skip-tls-verify",
                 "--refresh", "2.5", "--window", "5m", "--read-only"], launcher=launcher) == 0
    args = launcher.calls["dashboard"]
    assert (args.kubeconfig, args.context, args.namespace, args.all_namespaces) == (
        "/k", "prod", "shop", False)
    assert (args.prometheus_url, args.prometheus_user, args.prometheus_password_env) == (
        "https://prom:9090", "me", "PROM_PASSWORD")
    assert (args.insecure_skip_tls_verify, args.refresh, args.window, args.read_only) == (
        True, 2.5, "5m", True)


def test_dashboard_defaults(launcher: Recorder) -> None:
    assert main([], launcher=launcher) == 0
    args = launcher.calls["dashboard"]
    assert args.command is None and args.refresh is None and args.window is None
    assert not args.read_only and not args.all_namespaces


def test_demo_returns_launch_status(launcher: Recorder) -> None:
    assert main(["demo", "--scenario", "basic", "--seed", "7"], launcher=launcher) == 3
    demo = launcher.calls["demo"]
    assert (demo.scenario, demo.seed) == ("basic", 7)


def test_kube_options_before_or_after_the_subcommand() -> None:
    from meshtui.cli.entry import build_parser

    parser = build_parser()
    before = parser.parse_args(["--context", "x", "-A", "get", "splits"])
    after = parser.parse_args(["get", "splits", "--context", "x", "-A", "-o", "json"])
    assert (before.context, before.all_namespaces, before.output) == ("x", True, "table")
    assert (after.context, after.all_namespaces, after.output) == ("x", True, "json")
