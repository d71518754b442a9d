"""Launch, idle CPU and peak memory: the real app in child processes, kubectl as the yardstick."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.kubectl import Kubectl
from bench.profiles import Profile
from bench.pyenv import bytecode_note, child_env, warm_bytecode
from bench.stats import Measure, at_most

REPO = Path(__file__).resolve().parents[2]
CHILD_TIMEOUT = 120.0


class LaunchError(RuntimeError):
    """A child launch failed or never listed the splits."""


def launch_child(kubeconfig: Path, expect: int, *, idle: float = 0.0,
                 prometheus_url: str | None = None, refresh: float = 2.0) -> tuple[float, dict[str, Any]]:
    """Start the app in a new process; returns (seconds to all splits listed, child's report).

    The report's ``first_frame_s`` is the seconds from starting the process to its first frame.

    Raises:
        LaunchError: On a failed child or one that never listed `expect` splits.
    """
    argv = [sys.executable, "-m", "bench.child_app", "--kubeconfig", str(kubeconfig),
            "--expect", str(expect), "--idle", str(idle), "--refresh", str(refresh)]
    if prometheus_url:
        argv += ["--prometheus-url", prometheus_url]
    env = child_env(kubeconfig.parent)
    start = time.monotonic()
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=CHILD_TIMEOUT + idle,
                              cwd=REPO, env=env, stdin=subprocess.DEVNULL, check=False)
    except subprocess.TimeoutExpired:
        raise LaunchError("the app's child process timed out") from None
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        raise LaunchError(f"child failed ({done.returncode}): {done.stderr.strip()[-500:]}") from None
    if report.get("listed_at") is None:
        raise LaunchError(f"the app never listed {expect} splits (it had {report.get('rows')})")
    if report.get("first_frame_at") is None:
        raise LaunchError("the app listed the splits without drawing a frame")
    report["first_frame_s"] = report["first_frame_at"] - start
    return report["listed_at"] - start, report


def measure_launch(profile: Profile, kubeconfig: Path, kubectl: Kubectl,
                   prometheus_url: str | None, small_splits: int, full_at: float = 0.0) -> list[Measure]:
    """``list_vs_kubectl_ratio``, ``first_frame_ms``, ``peak_rss_mb`` and ``idle_cpu_percent``.

    Launches alternate with kubectl runs so drift affects both alike; the idle child watches the
    whole scale scenario and polls a Prometheus that scrapes a small mesh (see `small_splits`).
    """
    ratios: list[float] = []
    rss: list[float] = []
    kubectl_times: list[float] = []
    launch_times: list[float] = []
    frames: list[float] = []
    warm_bytecode(kubeconfig.parent)
    for _ in range(profile.launch_samples):
        seconds, rows = kubectl.get_splits()
        if rows != profile.splits:
            raise LaunchError(f"kubectl listed {rows} splits, expected {profile.splits}")
        launched, report = launch_child(kubeconfig, profile.splits)
        kubectl_times.append(seconds)
        launch_times.append(launched)
        ratios.append(launched / seconds)
        rss.append(report["peak_rss_mb"])
        frames.append(report["first_frame_s"] * 1000)
    # The idle run is a launch too (with the metrics source a real launch builds): it counts.
    # It waits for a full metrics window first: see `bench.harness.WINDOW_FULL`.
    if (wait := full_at - time.monotonic()) > 0:
        time.sleep(wait)
    seconds, _ = kubectl.get_splits()
    launched, idle = launch_child(kubeconfig, profile.splits, idle=profile.idle_seconds,
                                  prometheus_url=prometheus_url, refresh=2.0)
    kubectl_times.append(seconds)
    launch_times.append(launched)
    ratios.append(launched / seconds)
    rss.append(idle["peak_rss_mb"])
    frames.append(idle["first_frame_s"] * 1000)
    ratio = Measure("list_vs_kubectl_ratio", tuple(ratios), "ratio", "median <= 2", None,
                    note=(f"launch to {profile.splits} splits listed (new process, headless) / kubectl get "
                          f"{profile.splits} splits; medians {_ms(launch_times)} vs {_ms(kubectl_times)} "
                          f"(kubectl: fresh --cache-dir, warmed once; {bytecode_note()})"))
    ratio = _judged(ratio, 2.0, "median")
    memory = _judged(Measure("peak_rss_mb", tuple(rss), "MB", "max <= 150", None,
                             note=f"peak RSS (VmHWM) of each app process, {profile.splits} splits / "
                                  f"{profile.services} services"), 150.0, "max")
    metrics_note = (f"; metrics from a real Prometheus scraping a {small_splits}-split mesh"
                    if prometheus_url else "; no metrics source (prometheus absent)")
    cpu = _judged(Measure("idle_cpu_percent", (idle["idle_cpu_percent"],), "%", "<= 2", None,
                          note=f"process CPU over {profile.idle_seconds:g} s idle, "
                               f"{profile.splits} splits watched, refresh 2 s{metrics_note}"
                               f"{'; once its 1m window is full' if full_at and prometheus_url else ''}"),
                  2.0, "median")
    frame = _judged(Measure("first_frame_ms", tuple(frames), "ms", "median <= 350", None,
                            note=f"new process (the real command line, headless) to its first frame "
                                 f"drawn, {profile.splits} splits in the cluster; {bytecode_note()}"),
                    350.0, "median")
    return [ratio, frame, memory, cpu]


def large_rss(profile: Profile, workdir: Path) -> float:
    """Peak RSS (MB) of one launch listing `profile.large_splits` splits (three services each),
    on an emulator of its own, started and stopped here (seeding it is most of the cost)."""
    from bench.cluster import started_mesh
    from meshtui.sim.scale import scale_scenario

    scenario = scale_scenario(profile.namespaces, 3 * profile.large_splits, profile.large_splits)
    with started_mesh(scenario, workdir, "large") as (_, kubeconfig):
        _, report = launch_child(kubeconfig, profile.large_splits)
    return float(report["peak_rss_mb"])


def with_large_rss(memory: Measure, profile: Profile, large_mb: float) -> Measure:
    """``peak_rss_mb`` with ``by_size``: its own sizes' peak and the larger scenario's."""
    from dataclasses import replace

    return replace(memory, by_size={str(profile.splits): round(max(memory.samples), 3),
                                    str(profile.large_splits): round(large_mb, 3)},
                   note=f"{memory.note}; by_size: splits -> peak MB (the larger one reported, "
                        f"not judged: {profile.large_splits} splits / {3 * profile.large_splits} "
                        "services, one launch)")


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    return f"{ordered[len(ordered) // 2] * 1000:.0f} ms"


def _judged(measure: Measure, limit: float, by: str) -> Measure:
    from dataclasses import replace

    value = {"median": measure.median, "p95": measure.p95,
             "max": max(measure.samples) if measure.samples else None}[by]
    return replace(measure, met=at_most(value, limit))
