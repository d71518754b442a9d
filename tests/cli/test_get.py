"""``meshtui get splits`` as a subprocess against the emulated API server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import assert_one_line_error, run_cli, run_main, simple_kubeconfig
from tests.kube.harness import KubeHarness, http_route, traffic_split


def _seed(kube: KubeHarness) -> None:
    kube.create(traffic_split("podinfo"))
    kube.create(http_route("web", namespace="other"))
    kube.create(traffic_split("broken", backends=[{"service": "x", "weight": "abc"}],
                              version="v1alpha1"))


def test_json_all_namespaces(kube: KubeHarness) -> None:
    _seed(kube)
    result = run_cli("get", "splits", "-A", "-o", "json", "--kubeconfig", str(kube.kubeconfig))
    assert result.returncode == 0, result.stderr
    splits = json.loads(result.stdout)
    assert [(s["namespace"], s["name"], s["kind"]) for s in splits] == [
        ("other", "web", "HTTPRoute"), ("test", "broken", "TrafficSplit"),
        ("test", "podinfo", "TrafficSplit")]
    podinfo = splits[2]
    assert podinfo["service"] == "podinfo" and podinfo["owner"] is None
    assert podinfo["apiVersion"].startswith("split.smi-spec.io/")
    assert [(b["name"], b["weight"], b["percent"]) for b in podinfo["backends"]] == [
        ("podinfo-primary", 90, 90.0), ("podinfo-canary", 10, 10.0)]
    assert [b["percent"] for b in splits[0]["backends"]] == [75.0, 25.0]
    assert splits[1]["problems"] and any("abc" in p for p in splits[1]["problems"])


def test_table_in_one_namespace(kube: KubeHarness, capsys: pytest.CaptureFixture[str]) -> None:
    _seed(kube)
    result = run_main(["get", "splits", "-n", "test", "--kubeconfig", str(kube.kubeconfig)], capsys)
    assert result.returncode == 0, result.stderr
    header, *rows = result.stdout.strip().splitlines()
    assert header.split()[:4] == ["KIND", "NAME", "SERVICE", "BACKENDS"]
    assert len(rows) == 2
    podinfo = next(r for r in rows if r.split()[1] == "podinfo")
    assert "podinfo-primary=90(90%)" in podinfo and "podinfo-canary=10(10%)" in podinfo
    broken = next(r for r in rows if r.split()[1] == "broken")
    assert "abc" in broken


def test_context_namespace_is_the_default(kube: KubeHarness,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    _seed(kube)
    # The emulator's contexts default to namespace "default", where nothing lives.
    result = run_main(["get", "splits", "-o", "json", "--kubeconfig", str(kube.kubeconfig)], capsys)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_multi_file_kubeconfig_and_readonly_context(kube: KubeHarness, tmp_path: Path) -> None:
    _seed(kube)
    other = simple_kubeconfig(tmp_path / "unrelated", "http://127.0.0.1:1", context="elsewhere")
    env = {"KUBECONFIG": f"{other}:{kube.kubeconfig}"}
    # The first file's current context points nowhere; --context picks one from the second.
    result = run_cli("get", "splits", "-A", "-o", "json", "--context", "readonly", env=env)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 3
    assert_one_line_error(run_cli("get", "splits", "-A", env=env), "cannot reach the API server")


def test_unauthorized_read_is_one_line(kube: KubeHarness, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    config = yaml.safe_load(kube.kubeconfig.read_text())
    for user in config["users"]:
        user["user"] = {"token": "not-a-known-token"}
    bad = tmp_path / "bad-token"
    bad.write_text(yaml.safe_dump(config))
    result = run_main(["get", "splits", "-A", "--kubeconfig", str(bad)], capsys)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert "not-a-known-token" not in result.stderr
