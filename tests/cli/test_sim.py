"""``meshtui sim`` as a subprocess: URLs printed, a kubeconfig kubectl can use, a clean SIGINT."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import threading
import urllib.request
from pathlib import Path

import pytest
import yaml

from meshtui.cli.sim import SPLIT_RESOURCES
from tests.cli.helpers import ROOT, run_cli
from tests.waiting import terminate, wait_for

KUBECTL = shutil.which("kubectl")


class _Lines:
    """Collects a pipe's lines on a thread, so the test never blocks on a read."""

    def __init__(self, pipe) -> None:
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._pump, args=(pipe,), daemon=True)
        self._thread.start()

    def _pump(self, pipe) -> None:
        for line in pipe:
            self.lines.append(line.rstrip("\n"))

    def value(self, label: str) -> str | None:
        for line in list(self.lines):
            if line.startswith(label):
                return line.split(":", 1)[1].strip()
        return None


@pytest.fixture
def sim_process(tmp_path: Path):
    """A running ``meshtui sim`` writing its kubeconfig into tmp_path."""
    kubeconfig = tmp_path / "sim.kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshtui", "sim", "--seed", "3", "--kubeconfig-out", str(kubeconfig)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = _Lines(proc.stdout), _Lines(proc.stderr)
    try:
        wait_for(lambda: out.value("Kubeconfig") or proc.poll() is not None, timeout=30,
                 message="the sim to print its kubeconfig path")
        assert proc.poll() is None, "\n".join(err.lines)
        yield proc, out, err, kubeconfig
    finally:
        if proc.poll() is None:
            # SIGTERM, not SIGKILL: the sim then stops its Prometheus and deletes its folder.
            terminate(proc)


def test_sim_prints_urls_and_stops_on_sigint(sim_process) -> None:
    proc, out, err, kubeconfig = sim_process
    api, metrics = out.value("API server"), out.value("Metrics")
    # The scheme the kubeconfig gives clients (the emulator serves https and http on one port).
    server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
    assert api and api.startswith("https://127.0.0.1:") and api == server
    assert metrics and metrics.startswith("http://127.0.0.1:")
    assert out.value("Kubeconfig") == str(kubeconfig) and kubeconfig.exists()
    with urllib.request.urlopen(metrics, timeout=10) as response:
        assert response.status == 200
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    assert not any("Traceback" in line for line in err.lines), err.lines


def test_sim_json_addresses(tmp_path: Path) -> None:
    """``-o json`` prints where the sim listens as one JSON line, for a script to read."""
    kubeconfig = tmp_path / "sim.kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "meshtui", "sim", "--no-prometheus", "-o", "json",
         "--kubeconfig-out", str(kubeconfig)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = _Lines(proc.stdout), _Lines(proc.stderr)
    try:
        wait_for(lambda: out.lines or proc.poll() is not None, timeout=30,
                 message="the sim to print its addresses")
        addresses = json.loads(out.lines[0])
        server = yaml.safe_load(kubeconfig.read_text())["clusters"][0]["cluster"]["server"]
        assert addresses["apiServer"].startswith("https://127.0.0.1:")
        assert addresses["apiServer"] == server
        assert addresses["metrics"].startswith("http://127.0.0.1:")
        assert (addresses["prometheus"], addresses["kubeconfig"]) == (None, str(kubeconfig))
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert not any("Traceback" in line for line in err.lines), err.lines


def test_get_splits_json_against_the_sim(sim_process) -> None:
    proc, out, err, kubeconfig = sim_process
    result = run_cli("get", "splits", "-A", "-o", "json", "--kubeconfig", str(kubeconfig))
    assert result.returncode == 0, result.stderr
    splits = json.loads(result.stdout)
    assert splits, "the default scenario has splits"
    for split in splits:
        assert {"kind", "apiVersion", "namespace", "name", "service", "owner", "problems",
                "backends"} <= set(split)
        assert split["kind"] in ("TrafficSplit", "HTTPRoute")
        assert all({"name", "weight", "percent"} <= set(b) for b in split["backends"])
        assert all(b["rule"] >= 1 for b in split["backends"]), "rules count from 1"
        if not split["problems"]:
            rules = {b.get("rule", 0) for b in split["backends"]}
            for rule in rules:
                total = sum(b["percent"] for b in split["backends"] if b.get("rule", 0) == rule)
                assert abs(total - 100.0) < 0.1, split


@pytest.mark.kubectl
@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_kubectl_reads_and_patches_through_the_sim_kubeconfig(sim_process, tmp_path: Path) -> None:
    proc, out, err, kubeconfig = sim_process

    def kubectl(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "--cache-dir",
                               str(tmp_path / "kcache"), *args],
                              capture_output=True, text=True, timeout=60)

    listed = kubectl("get", "trafficsplits", "-A", "-o", "json")
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)["items"]
    assert items, "the default scenario has TrafficSplits"
    target = items[0]
    ns, name = target["metadata"]["namespace"], target["metadata"]["name"]
    backends = target["spec"]["backends"]
    weights = [0] * len(backends)
    weights[-1] = 100
    patch = {"spec": {"backends": [{"service": b["service"], "weight": w}
                                   for b, w in zip(backends, weights)]}}
    patched = kubectl("patch", "ts", name, "-n", ns, "--type", "merge", "-p", json.dumps(patch))
    assert patched.returncode == 0, patched.stderr
    after = json.loads(kubectl("get", "ts", name, "-n", ns, "-o", "json").stdout)
    assert [int(str(b["weight"])) for b in after["spec"]["backends"]] == weights
    readonly = kubectl("--context", "readonly", "patch", "ts", name, "-n", ns, "--type", "merge",
                       "-p", json.dumps(patch))
    assert readonly.returncode != 0 and "forbidden" in readonly.stderr.lower()


@pytest.mark.kubectl
@pytest.mark.skipif(KUBECTL is None, reason="kubectl is not installed")
def test_readmes_kubectl_get_lists_every_split_of_the_sim(sim_process, tmp_path: Path) -> None:
    proc, out, err, kubeconfig = sim_process
    readme = (ROOT / "README.md").read_text()
    command = next(line for line in readme.splitlines() if line.startswith("kubectl get "))
    assert command == f"kubectl get {SPLIT_RESOURCES} -A"
    assert f"get {SPLIT_RESOURCES} -A" in (out.value("Try") or "")
    listed = subprocess.run([KUBECTL, "--kubeconfig", str(kubeconfig), "--cache-dir",
                             str(tmp_path / "kcache"), *command.split()[1:], "-o", "json"],
                            capture_output=True, text=True, timeout=60)
    assert listed.returncode == 0, listed.stderr
    seen = {(i["apiVersion"].split("/")[0], i["metadata"]["namespace"], i["metadata"]["name"])
            for i in json.loads(listed.stdout)["items"]}
    ours = json.loads(run_cli("get", "splits", "-A", "-o", "json", "--kubeconfig",
                              str(kubeconfig)).stdout)
    assert len(ours) == 4
    assert {(s["apiVersion"].split("/")[0], s["namespace"], s["name"]) for s in ours} == seen
