"""``meshtui get services`` against the simulated mesh: every service, split or not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from meshtui.sim.mesh import SimulatedMesh
from tests.cli.helpers import assert_one_line_error, run_cli, run_main
from tests.cli.test_sim import sim_process  # noqa: F401 - the fixture
from tests.metrics.stub_prometheus import StubPrometheus, vector

FIELDS = {"namespace", "name", "meshed", "pods", "splits", "mirror"}


def test_json_on_the_default_scenario(sim_process) -> None:
    """`meshtui sim`'s default scenario: web-svc, emoji-svc and webapp have no split and are
    listed, meshed with their pods; voting-svc names its split; exactly the documented fields."""
    _proc, _out, _err, kubeconfig = sim_process
    result = run_cli("get", "services", "-A", "-o", "json", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 0, result.stderr
    services = {(s["namespace"], s["name"]): s for s in json.loads(result.stdout)}
    for key in (("emojivoto", "web-svc"), ("emojivoto", "emoji-svc"), ("booksapp", "webapp")):
        service = services[key]
        assert set(service) == FIELDS
        assert service["splits"] == [] and service["meshed"] is True and service["mirror"] is None
        assert service["pods"]["total"] >= 1
        assert service["pods"]["ready"] == service["pods"]["meshed"] == service["pods"]["total"]
    assert services[("emojivoto", "voting-svc")]["splits"] == ["HTTPRoute/voting-split"]
    assert services[("booksapp", "books-canary")]["splits"] == ["TrafficSplit/books"]
    assert services[("linkerd", "linkerd-destination")]["meshed"] is False


@pytest.fixture
def kubeconfig(sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> str:
    """The default mesh's kubeconfig (no Prometheus behind linkerd-viz)."""
    return str(sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig"))


def test_table_in_one_namespace(kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    """kubectl-style columns, one row per service of the namespace, splits named."""
    result = run_main(["get", "svc", "-n", "emojivoto", "--kubeconfig", kubeconfig], capsys)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.split() == ["NAME", "MESHED", "PROXIES", "SPLITS", "MIRROR"]
    by_name = {row.split()[0]: row for row in rows}
    assert set(by_name) == {"emoji-svc", "voting-svc", "voting-v2-svc", "web-svc",
                            "voting-svc-west", "web-svc-west"}
    assert by_name["voting-svc"].split()[1:] == ["yes", "(pod)", "1/1", "HTTPRoute/voting-split", "-"]
    assert by_name["web-svc"].split()[4] == "-"
    # The default mesh mirrors web-svc and voting-svc from cluster west: no local proxies.
    assert by_name["web-svc-west"].split()[1:] == ["mirror", "0/0", "-", "west"]


def test_signals_from_prometheus(kubeconfig: str, capsys: pytest.CaptureFixture[str]) -> None:
    """--signals adds each service's figures from one batched fetch; no data is null."""
    def answer(path: str, query: dict[str, list[str]]) -> tuple[int, str]:
        text = query.get("query", [""])[0]
        if text.startswith("sum by (dst_namespace, dst_service, classification)"):
            return 200, vector(({"dst_namespace": "emojivoto", "dst_service": "web-svc",
                                 "classification": "success"}, "12"))
        return 200, vector()

    server = StubPrometheus(answer).start()
    try:
        result = run_main(["--prometheus-url", server.url, "get", "services", "-n", "emojivoto",
                           "-o", "json", "--signals", "--kubeconfig", kubeconfig], capsys)
        queries = len(server.seen)
    finally:
        server.stop()
    assert result.returncode == 0, result.stderr
    services = {s["name"]: s for s in json.loads(result.stdout)}
    assert services["web-svc"]["signals"]["rps"] == 12.0
    assert services["web-svc"]["signals"]["success_rate"] == 1.0
    assert services["emoji-svc"]["signals"]["rps"] is None
    assert queries <= 5


def test_signals_without_prometheus_is_one_error(kubeconfig: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """No Prometheus behind linkerd-viz: one error line, not a table without figures."""
    result = run_main(["get", "services", "-A", "--signals", "--kubeconfig", kubeconfig], capsys)
    assert_one_line_error(result, "--signals: no Prometheus answers")
