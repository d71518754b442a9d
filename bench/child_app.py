"""A meshtui launch in a process of its own: ``python -m bench.child_app --kubeconfig K --expect N``.

It does what ``meshtui`` does (load the kubeconfig, discover, build the metrics source, run the
real `MeshtuiApp`), headless. It prints one JSON line: the monotonic time at which the navigator
first held `--expect` splits (the parent knows when it started the process; ``CLOCK_MONOTONIC`` is
system-wide), then, with ``--idle S``, the process CPU time over S idle seconds, and its peak RSS
(``VmHWM``: see `peak_rss_mb`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import time
from typing import Any

LOAD_TIMEOUT = 60.0
"""Bound on waiting for the splits (and the first metrics) to arrive."""


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench.child_app")
    parser.add_argument("--kubeconfig", required=True)
    parser.add_argument("--expect", type=int, required=True, help="splits the navigator must list")
    parser.add_argument("--prometheus-url", default=None)
    parser.add_argument("--refresh", type=float, default=2.0)
    parser.add_argument("--idle", type=float, default=0.0, help="seconds of idle CPU to measure")
    return parser.parse_args(argv)


def peak_rss_mb() -> float:
    """This process's peak resident memory in MB.

    On Linux, ``ru_maxrss`` is wrong here: ``subprocess`` starts the child with vfork and exec
    folds the *parent's* high-water mark into the child's, so a child of the benchmark (which
    holds the emulator with every object) reported the benchmark's peak, ~135 MB, before it had
    done anything. ``VmHWM`` belongs to the child's own address space.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster
    from meshtui.ui.app import MeshtuiApp
    from meshtui.ui.config import Settings
    from meshtui.ui.widgets.split_list import SplitList

    listed: dict[str, float] = {}
    original = SplitList.set_rows

    def set_rows(self: SplitList, rows: Any) -> None:
        original(self, rows)
        if "at" not in listed and len(rows) >= args.expect:
            listed["at"] = time.monotonic()

    SplitList.set_rows = set_rows  # type: ignore[method-assign]
    cluster = load_cluster(args.kubeconfig, None)
    client = MeshClient(cluster)
    client.discover()
    client.prefetch(None)  # as meshtui.launch.run_dashboard does
    metrics = None
    if args.prometheus_url:
        from meshtui.metrics.prometheus import PrometheusSource

        metrics = PrometheusSource(args.prometheus_url)
    app = MeshtuiApp(client, metrics, Settings(refresh=args.refresh), owns_process=True)  # as launch does
    result: dict[str, Any] = {}
    async with app.run_test(size=(160, 50)) as pilot:
        deadline = time.monotonic() + LOAD_TIMEOUT
        while "at" not in listed and time.monotonic() < deadline:
            await asyncio.sleep(0.002)
        result["listed_at"] = listed.get("at")
        if args.idle > 0:
            while time.monotonic() < deadline and (metrics is not None and (
                    app.dashboard.pipeline.snapshot is None or not app.dashboard.pipeline.idle)):
                await pilot.pause(0.05)
            cpu0, wall0 = _cpu_seconds(), time.monotonic()
            # The measured interval is the point: an idle dashboard, timers and watches running.
            await asyncio.sleep(args.idle)
            cpu1, wall1 = _cpu_seconds(), time.monotonic()
            result["idle_cpu_percent"] = 100.0 * (cpu1 - cpu0) / (wall1 - wall0)
            result["metrics_fetched"] = app.dashboard.pipeline.snapshot is not None
        result["rows"] = len(app.dashboard.split_list.rows)
    cluster.close()
    result["peak_rss_mb"] = peak_rss_mb()
    return result


def main(argv: list[str] | None = None) -> int:
    """Run one launch and print its JSON line."""
    args = _parse(argv)
    result = asyncio.run(_run(args))
    sys.stdout.write(json.dumps(result) + "\n")
    return 0 if result.get("listed_at") is not None else 1


if __name__ == "__main__":
    sys.exit(main())
