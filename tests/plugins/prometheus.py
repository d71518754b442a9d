"""Fixtures for tests that need a real Prometheus (Debian's /usr/bin/prometheus).

`prometheus_factory(targets)` starts an instance scraping `targets` every second and stops it at
teardown; tests skip with a clear reason when the binary is absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from meshtui.sim.prometheus import PrometheusProcess, find_prometheus, sweep_orphaned_dirs

SKIP_REASON = "prometheus binary not found (apt-get install prometheus)"

PrometheusFactory = Callable[..., PrometheusProcess]


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Delete the folders of Prometheus servers whose process a test killed (SIGKILL tests
    do on purpose), so a test run leaves no ``meshtui-prom-*`` behind."""
    sweep_orphaned_dirs()


def require_prometheus() -> str:
    """The prometheus binary's path, or skip the calling test with `SKIP_REASON`."""
    binary = find_prometheus()
    if binary is None:
        pytest.skip(SKIP_REASON)
    return binary


def _factory(started: list[PrometheusProcess]) -> PrometheusFactory:
    binary = require_prometheus()

    def start(targets: list[str], scrape_interval: str = "1s") -> PrometheusProcess:
        """Start one Prometheus scraping `targets`; it is stopped at teardown."""
        process = PrometheusProcess(targets, scrape_interval=scrape_interval, binary=binary)
        started.append(process)
        return process.start()

    return start


@pytest.fixture
def prometheus_factory() -> Iterator[PrometheusFactory]:
    """Start one or more real Prometheus servers (stopped when the test ends)."""
    started: list[PrometheusProcess] = []
    try:
        yield _factory(started)
    finally:
        for process in started:
            process.stop()


@pytest.fixture(scope="module")
def module_prometheus_factory() -> Iterator[PrometheusFactory]:
    """Like `prometheus_factory`, but the servers live for the whole test module.

    Prometheus needs a few scrapes (about 6 s after start) before rates exist, so tests that
    can share one server should.
    """
    started: list[PrometheusProcess] = []
    try:
        yield _factory(started)
    finally:
        for process in started:
            process.stop()
