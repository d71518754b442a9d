"""The real-Prometheus launcher: config, start, readiness, stop, and failures."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from meshtui.sim.prometheus import PrometheusProcess, PrometheusUnavailable, scrape_config
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
