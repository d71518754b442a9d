"""``meshtui get splits --signals``: the dashboard's figures and verdicts, scriptable, checked
against a real Prometheus scraping the simulated mesh and against PromQL written out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli.helpers import assert_one_line_error, closed_port, run_main
from tests.plugins.prometheus_world import World

DIRECT = {
    # A route backend: its route's response statuses, 5xx failed.
    "HTTPRoute": ('100 * sum(rate(outbound_http_route_backend_response_statuses_total{{route_name="{split}", '
                  'backend_name="{backend}", http_status!~"5.."}}[5m])) / '
                  'sum(rate(outbound_http_route_backend_response_statuses_total{{route_name="{split}", '
                  'backend_name="{backend}"}}[5m]))'),
    # A TrafficSplit backend: outbound responses to it, as the proxy classified them.
    "TrafficSplit": ('100 * sum(rate(response_total{{direction="outbound", dst_service="{backend}", '
                     'classification="success"}}[5m])) / '
                     'sum(rate(response_total{{direction="outbound", dst_service="{backend}"}}[5m]))'),
}


def _report(world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> Any:
    kubeconfig = world.mesh.write_kubeconfig(tmp_path / "kubeconfig")
    result = run_main(["get", "splits", "-A", "--signals", "--window", "5m", "--prometheus-url",
                       world.prometheus.url, "--kubeconfig", str(kubeconfig), *extra], capsys)
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.prometheus
def test_voting_v2_is_in_voting_splits_findings(world: World, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_report(world, tmp_path, capsys, "-o", "json").stdout)
    voting = next(s for s in report if s["name"] == "voting-split")
    assert any(f["backend"] == "voting-v2-svc" and f["severity"] == "bad"
               and f["message"].startswith("voting-v2-svc: success") for f in voting["findings"])
    assert all(f["backend"] != "voting-svc" for f in voting["findings"])
    stable = next(b for b in voting["backends"] if b["name"] == "voting-svc")["signals"]
    assert stable["window"] == "5m" and stable["p50_ms"] < 10
    assert stable["source"] == {"counts": "outbound_http_route_backend_response_statuses_total",
                                "latency": "response_latency_ms"}


@pytest.mark.prometheus
def test_success_rates_equal_direct_promql_within_half_a_point(
        world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = json.loads(_report(world, tmp_path, capsys, "-o", "json").stdout)
    compared = 0
    for split in report:
        for backend in split["backends"]:
            rate = backend["signals"]["success_rate"]
            if rate is None:
                continue
            query = DIRECT[split["kind"]].format(split=split["name"], backend=backend["name"])
            ((_, direct),) = world.source.query(query)
            assert direct is not None and abs(rate - direct) <= 0.5, (split["name"], backend, direct)
            compared += 1
    assert compared >= 8


@pytest.mark.prometheus
def test_table_lists_figures_then_findings(world: World, tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    lines = _report(world, tmp_path, capsys).stdout.splitlines()
    assert lines[0].split() == ["NAMESPACE", "SPLIT", "BACKEND", "WEIGHT", "SUCCESS", "RPS", "P50",
                                "P95", "P99", "WINDOW"]
    voting_v2 = next(line for line in lines if " voting-v2-svc " in f" {line} ")
    assert voting_v2.split()[-1] == "5m" and "%" in voting_v2
    assert any(line.startswith("HTTPRoute/voting-split: bad: voting-v2-svc: success") for line in lines)


def test_without_a_prometheus_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             sim_mesh_manual: Any) -> None:
    kubeconfig = sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig")
    result = run_main(["get", "splits", "-A", "--signals", "--prometheus-url",
                       f"http://127.0.0.1:{closed_port()}", "--kubeconfig", str(kubeconfig)], capsys)
    assert_one_line_error(result, "127.0.0.1")
    assert result.stdout == ""
