"""Run every measure of one profile against clusters started here, and collect the results.

Order: the scale scenario's emulator (kubectl comparisons, launches, idle CPU, memory; then
writes and a kubectl change to the screen against the same scenario served by a child process),
then the 5,000-row filter, keys with Prometheus healthy and faulty, and the 5,000-service
refresh, then metrics with a real Prometheus scraping a small mesh. A measure that fails is
reported under ``errors``, never hidden.
"""

from __future__ import annotations

import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.cluster import WriteLog, scenario_with_backends, started_mesh
from bench.kubectl import Kubectl
from bench.measures.filter import measure_filter
from bench.measures.get import measure_get
from bench.measures.interactive import measure_external_change, measure_key_to_write
from bench.measures.keys import measure_key_to_frame
from bench.measures.launch import measure_launch
from bench.measures.loopback import measure_api_get, measure_loopback
from bench.measures.metrics import measure_queries, measure_refresh
from bench.measures.services import measure_services_refresh
from bench.profiles import Profile
from bench.remote_mesh import in_process, remote_mesh
from bench.stats import Measure


WINDOW_FULL = 65.0
"""Seconds after Prometheus starts until the app's default 1m window holds data throughout (and a
scrape more). While the window fills, every figure changes on every refresh (the rates are per
second of the covered span), so each refresh redraws every row: that is start-up, not idle."""


class Run:
    """Collects measures and the errors of those that could not be taken."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.measures: list[Measure] = []
        self.errors: dict[str, str] = {}
        self.log = log

    def take(self, names: tuple[str, ...], work: Callable[[], Any]) -> None:
        """Run `work` (returning one Measure or a list); on failure note it under each name."""
        self.log(f"measuring {', '.join(names)}")
        try:
            result = work()
        except Exception as exc:  # noqa: BLE001 - one broken measure must not hide the others
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            for name in names:
                self.errors[name] = detail
            return
        self.measures += result if isinstance(result, list) else [result]


def _prometheus(targets: list[str]) -> Any:
    from meshtui.sim.prometheus import PrometheusProcess, PrometheusUnavailable, find_prometheus

    if find_prometheus() is None:
        return None
    try:
        return PrometheusProcess(targets, scrape_interval="1s").start()
    except PrometheusUnavailable:
        return None


def run(profile: Profile, log: Callable[[str], None] = lambda _: None) -> Run:
    """Take every measure of `profile`; returns the `Run` with measures and errors."""
    result = Run(log)
    with tempfile.TemporaryDirectory(prefix="meshtui-bench-") as tmp:
        workdir = Path(tmp)
        small = scenario_with_backends(profile.refresh_backends)
        log(f"starting a {len(small.splits)}-split mesh and Prometheus")
        with started_mesh(small, workdir, "small", realtime=True) as (small_mesh, small_kubeconfig):
            prometheus = _prometheus([small_mesh.metrics_target])
            try:
                prom_url = prometheus.url if prometheus is not None else None
                full_at = time.monotonic() + WINDOW_FULL if profile.fill_window else 0.0
                _scale_measures(result, profile, workdir, prom_url, len(small.splits), full_at)
                result.take(("filter_keystroke_ms",), lambda: measure_filter(profile))
                result.take(("key_to_frame_ms",), lambda: measure_key_to_frame(profile, prom_url))
                result.take(("services_refresh_to_screen_ms",),
                            lambda: measure_services_refresh(profile))
                if prom_url is None:
                    for name in ("queries_per_refresh", "refresh_to_screen_ms"):
                        result.errors[name] = "prometheus binary not found: metrics measures skipped"
                else:
                    result.take(("queries_per_refresh",),
                                lambda: measure_queries(profile, prom_url, workdir))
                    result.take(("refresh_to_screen_ms",), lambda: measure_refresh(
                        profile, small_kubeconfig, prom_url, len(small.splits)))
            finally:
                if prometheus is not None:
                    prometheus.stop()
    return result


def _scale_measures(result: Run, profile: Profile, workdir: Path, prom_url: str | None,
                    small_splits: int, full_at: float) -> None:
    """Every measure taken on the scale scenario's emulator."""
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster
    from meshtui.sim.scale import scale_scenario

    log = result.log
    log(f"seeding the scale scenario: {profile.splits} splits, {profile.services} services")
    scenario = scale_scenario(profile.namespaces, profile.services, profile.splits)
    with started_mesh(scenario, workdir, "scale") as (mesh, kubeconfig):
        kubectl = Kubectl(kubeconfig, workdir)
        result.take(("list_vs_kubectl_ratio", "first_frame_ms", "peak_rss_mb", "idle_cpu_percent"),
                    lambda: measure_launch(profile, kubeconfig, kubectl, prom_url, small_splits,
                                           full_at))
        result.take(("get_vs_kubectl_ratio",), lambda: measure_get(profile, kubeconfig, kubectl))
        with _interactive_mesh(profile, mesh, kubeconfig, workdir) as (writes, live_kubeconfig):
            live_kubectl = kubectl if live_kubeconfig == kubeconfig else Kubectl(
                live_kubeconfig, live_kubeconfig.parent)
            cluster = load_cluster(str(live_kubeconfig), None)
            client = MeshClient(cluster)
            try:
                result.take(("loopback_round_trip_ms",), measure_loopback)
                result.take(("apiserver_get_ms",), lambda: measure_api_get(cluster.api_client))
                result.take(("external_change_to_screen_ms",),
                            lambda: measure_external_change(profile, client, live_kubectl, writes))
                result.take(("key_to_write_ms",),
                            lambda: measure_key_to_write(profile, cluster, client, writes, workdir))
            finally:
                writes.close()
                cluster.close()
    if profile.large_splits:
        _large_rss(result, profile, workdir)


def _large_rss(result: Run, profile: Profile, workdir: Path) -> None:
    """Add the larger scenario's peak RSS to ``peak_rss_mb`` (a report, not judged)."""
    from bench.measures.launch import large_rss, with_large_rss

    memory = next((m for m in result.measures if m.id == "peak_rss_mb"), None)
    if memory is None or not memory.samples:
        return
    result.log(f"peak memory at {profile.large_splits} splits")
    try:
        large = large_rss(profile, workdir)
    except Exception as exc:  # noqa: BLE001 - reported under errors like any measure
        result.errors["peak_rss_mb"] = traceback.format_exception_only(type(exc), exc)[-1].strip()
        return
    result.measures[result.measures.index(memory)] = with_large_rss(memory, profile, large)


@contextmanager
def _interactive_mesh(profile: Profile, mesh: Any, kubeconfig: Path,
                      workdir: Path) -> Iterator[tuple[Any, Path]]:
    """The emulator the interactive measures use: (its write log, its kubeconfig). The scale
    scenario served by a child process (see `bench.remote_mesh`), or `mesh` itself when
    ``MESHTUI_BENCH_EMULATOR=inprocess``."""
    if in_process():
        yield WriteLog(mesh), kubeconfig
        return
    (workdir / "remote").mkdir(exist_ok=True)
    with remote_mesh(profile.namespaces, profile.services, profile.splits,
                     workdir / "remote") as (writes, remote_kubeconfig):
        yield writes, remote_kubeconfig
