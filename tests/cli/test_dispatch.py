"""The dashboard and demo hand-off: options parsed, validated, and passed to meshtui.launch."""

from __future__ import annotations

import sys
import types

import pytest

from meshtui.cli import main


@pytest.fixture
def launched(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Replace meshtui.launch with a recorder of what the CLI hands over."""
    calls: dict = {}
    module = types.ModuleType("meshtui.launch")
    module.run_dashboard = lambda args: calls.setdefault("dashboard", args) and 0
    module.run_demo = lambda args: calls.setdefault("demo", args) and 3
    monkeypatch.setitem(sys.modules, "meshtui.launch", module)
    monkeypatch.setenv("PROM_PASSWORD", "hunter2")
    return calls


def test_dashboard_options(launched: dict) -> None:
    assert main(["--kubeconfig", "/k", "--context", "prod", "-n", "shop",
                 "--prometheus-url", "https://prom:9090", "--prometheus-user", "me",
                 "--prometheus-password-env", "PROM_PASSWORD", "--insecure-skip-tls-verify",
                 "--refresh", "2.5", "--window", "5m", "--read-only"]) == 0
    args = launched["dashboard"]
    assert (args.kubeconfig, args.context, args.namespace, args.all_namespaces) == (
        "/k", "prod", "shop", False)
    assert (args.prometheus_url, args.prometheus_user, args.prometheus_password_env) == (
        "https://prom:9090", "me", "PROM_PASSWORD")
    assert (args.insecure_skip_tls_verify, args.refresh, args.window, args.read_only) == (
        True, 2.5, "5m", True)


def test_dashboard_defaults(launched: dict) -> None:
    assert main([]) == 0
    args = launched["dashboard"]
    assert args.command is None and args.refresh is None and args.window is None
    assert not args.read_only and not args.all_namespaces


def test_demo_returns_launch_status(launched: dict) -> None:
    assert main(["demo", "--scenario", "basic", "--seed", "7"]) == 3
    assert (launched["demo"].scenario, launched["demo"].seed) == ("basic", 7)


def test_kube_options_before_or_after_the_subcommand() -> None:
    from meshtui.cli.entry import build_parser

    parser = build_parser()
    before = parser.parse_args(["--context", "x", "-A", "get", "splits"])
    after = parser.parse_args(["get", "splits", "--context", "x", "-A", "-o", "json"])
    assert (before.context, before.all_namespaces, before.output) == ("x", True, "table")
    assert (after.context, after.all_namespaces, after.output) == ("x", True, "json")
