"""A meshtui launch in a process of its own: ``python -m bench.child_app --kubeconfig K --expect N``.

It launches the dashboard the way ``meshtui`` does: the real command line is parsed, the config
file read, and `meshtui.launch.dashboard_app` builds the app (which connects, discovers, lists and
builds the metrics source itself), run headless. It prints one JSON line: the monotonic times at
which the first frame was drawn (``first_frame_at``) and the navigator first held `--expect`
splits (``listed_at``) (the parent knows when it started the process; ``CLOCK_MONOTONIC`` is
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


def _first_frame(app: Any, stamp: dict[str, float]) -> None:
    """Stamp ``first_frame_at`` when `app` sends its first composed frame to the display (see
    `bench.probe.FrameProbe`, whose clock is ``perf_counter``: the parent compares ours with its
    own ``monotonic`` start)."""
    inner = app._display

    def display(screen: Any, renderable: Any) -> None:
        inner(screen, renderable)
        if renderable is not None and not app._batch_count and "first_frame_at" not in stamp:
            stamp["first_frame_at"] = time.monotonic()

    app._display = display


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    from meshtui.cli.entry import build_parser
    from meshtui.launch import dashboard_app
    from meshtui.ui.config import load_settings

    argv = ["--kubeconfig", args.kubeconfig, "-A", "--refresh", f"{args.refresh:g}"]
    if args.prometheus_url:
        argv += ["--prometheus-url", args.prometheus_url]
    cli = build_parser().parse_args(argv)
    cli.settings = load_settings()  # as meshtui.cli.entry does before any command
    app = dashboard_app(cli)
    stamps: dict[str, float] = {}
    _first_frame(app, stamps)
    from meshtui.ui.widgets.split_list import SplitList  # loaded by dashboard_app already

    original = SplitList.set_rows

    def set_rows(self: SplitList, rows: Any) -> None:
        original(self, rows)
        if "listed_at" not in stamps and len(rows) >= args.expect:
            stamps["listed_at"] = time.monotonic()

    SplitList.set_rows = set_rows  # type: ignore[method-assign]
    result: dict[str, Any] = {}
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            deadline = time.monotonic() + LOAD_TIMEOUT

            def rows() -> int:
                return len(app.dashboard.split_list.rows) if app.is_running else 0

            while "listed_at" not in stamps and time.monotonic() < deadline:
                if app.start_error is not None:
                    raise RuntimeError(f"the app could not connect: {app.start_error}")
                await asyncio.sleep(0.002)
            result["first_frame_at"] = stamps.get("first_frame_at")
            result["listed_at"] = stamps.get("listed_at")
            if args.idle > 0:
                metrics = app.metrics
                # Idle means after the start: every first list applied (the first frame now comes
                # before the lists, and 3,000 pods can still be arriving when the splits are in).
                while time.monotonic() < deadline and (not app.dashboard.initial_load_done or (
                        metrics is not None and (app.dashboard.pipeline.snapshot is None
                                                 or not app.dashboard.pipeline.idle))):
                    await pilot.pause(0.05)
                cpu0, wall0 = _cpu_seconds(), time.monotonic()
                # The measured interval is the point: an idle dashboard, timers and watches running.
                await asyncio.sleep(args.idle)
                cpu1, wall1 = _cpu_seconds(), time.monotonic()
                result["idle_cpu_percent"] = 100.0 * (cpu1 - cpu0) / (wall1 - wall0)
                result["metrics_fetched"] = app.dashboard.pipeline.snapshot is not None
            result["rows"] = rows()
    finally:
        if app.connection is not None:
            app.connection.close()
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
