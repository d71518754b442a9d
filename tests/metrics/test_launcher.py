"""The real-Prometheus launcher: config, start, readiness, stop, and failures."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from meshtui.sim.prometheus import (
    PrometheusProcess,
    PrometheusUnavailable,
    scrape_config,
    sweep_orphaned_dirs,
)
from tests.plugins.prometheus import PrometheusFactory, require_prometheus


def test_scrape_config_groups_targets_by_scheme_and_path() -> None:
    config = scrape_config(["127.0.0.1:9001", "http://127.0.0.1:9002/metrics",
                            "http://127.0.0.1:9003/custom"], "1s")
    assert config["global"]["scrape_interval"] == "1s"
    jobs = {(j["scheme"], j["metrics_path"]): j["static_configs"][0]["targets"]
            for j in config["scrape_configs"]}
    assert jobs == {("http", "/metrics"): ["127.0.0.1:9001", "127.0.0.1:9002"],
                    ("http", "/custom"): ["127.0.0.1:9003"]}
    assert all(j["honor_labels"] for j in config["scrape_configs"])


def test_missing_binary_is_reported() -> None:
    with pytest.raises(PrometheusUnavailable, match="apt-get install prometheus"):
        PrometheusProcess(["127.0.0.1:1"], binary="/nonexistent/prometheus")


@pytest.mark.prometheus
def test_start_ready_and_stop(prometheus_factory: PrometheusFactory) -> None:
    process = prometheus_factory(["127.0.0.1:1"])
    assert process.url.startswith("http://127.0.0.1:")
    with urllib.request.urlopen(f"{process.url}/-/ready", timeout=5) as resp:
        assert resp.status == 200
    url = process.url
    data_dir = Path(process._dir.name) if process._dir else None
    process.stop()
    assert data_dir is not None and not data_dir.exists()
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        urllib.request.urlopen(f"{url}/-/ready", timeout=2)
    with pytest.raises(PrometheusUnavailable):
        _ = process.url


@pytest.mark.prometheus
def test_a_server_that_cannot_start_is_reported_with_its_log() -> None:
    binary = require_prometheus()
    process = PrometheusProcess(["127.0.0.1:1"], scrape_interval="banana", binary=binary)
    with pytest.raises(PrometheusUnavailable, match="did not become ready.*banana"):
        process.start()
    assert process.port is None


@pytest.mark.prometheus
def test_the_server_stops_when_the_process_that_started_it_is_killed(tmp_path: Path) -> None:
    """`meshtui sim` killed with SIGKILL must not leave its Prometheus running (CI runs did)."""
    import os
    import signal
    import subprocess
    import sys

    from tests.waiting import wait_for

    require_prometheus()
    script = ("import sys, threading\n"
              "from meshtui.sim.prometheus import PrometheusProcess\n"
              "p = PrometheusProcess(['127.0.0.1:1']).start()\n"
              "print(p._proc.pid, p.url, p._dir.name, flush=True)\n"
              "threading.Event().wait(120)\n")
    parent = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        pid_text, url, folder = parent.stdout.readline().split()
        pid = int(pid_text)
        with urllib.request.urlopen(f"{url}/-/ready", timeout=5) as resp:
            assert resp.status == 200
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)

        def gone() -> bool:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                return True
            # A zombie waiting for init to reap it is gone too.
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    return stat.read().split(") ")[1].startswith("Z")
            except FileNotFoundError:
                return True

        wait_for(gone, timeout=15, message="Prometheus to stop after its parent was killed")
        # Its folder outlives it (nobody ran stop), until the next start sweeps it away.
        assert Path(folder).is_dir()
        assert Path(folder) in sweep_orphaned_dirs()
        assert not Path(folder).exists()
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait(timeout=10)
