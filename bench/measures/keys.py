"""Key press to the frame showing its effect, with Prometheus healthy, erroring, slow and garbage.

The key is `j` in the navigator: the cursor moves one split down and the detail pane shows that
split (its title, backends and charts, and a history fetch starts for it). Presses are spread
over the refresh cycle, so some land while a metrics answer (or failure) is being handled.

The splits come from the scale scenario handed to the real app as one re-list per resource (as
`filter_keystroke_ms` does): no emulator shares this process, so the app competes for the GIL and
the garbage collector only with its own threads, as a real meshtui does. Each faulty Prometheus
(`bench/faults.py`) runs in a process of its own.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.cluster import stop_child
from bench.faults import FAULT_MODES
from bench.measures.filter import InMemoryMesh, split_objects
from bench.probe import wait_until
from bench.profiles import Profile
from bench.session import app_session
from bench.stats import Measure, at_most, percentile

REPO = Path(__file__).resolve().parents[2]
REFRESH = 1.0
"""Seconds between metrics fetches in every mode."""
SLOW_DELAY = 1.5 * REFRESH
"""How long the slow Prometheus holds each answer: past the refresh interval."""
GAPS = (0.11, 0.23, 0.37, 0.17, 0.29, 0.41, 0.13)
"""Seconds between presses, in turn: spread over the refresh cycle, the same in every mode."""
MODES = ("healthy", *FAULT_MODES)
GOAL_MS = 50.0


def detail_title_text(app: Any) -> str:
    """The detail pane's title as drawn."""
    return str(app.dashboard.detail.query_one("#detail-title").content)


def _start_fault(mode: str, upstream: str | None) -> tuple[subprocess.Popen[str], str]:
    argv = [sys.executable, "-m", "bench.faults", mode, "--delay", str(SLOW_DELAY)]
    if upstream:
        argv += ["--upstream", upstream]
    proc = subprocess.Popen(argv, cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            text=True)
    assert proc.stdout is not None
    url = proc.stdout.readline().strip()
    if not url.startswith("http://"):
        proc.kill()
        raise RuntimeError(f"the {mode} Prometheus did not start")
    return proc, url


async def _presses(objects: dict[str, list[dict[str, Any]]], rows: int, url: str,
                   samples: int) -> tuple[list[float], int, str]:
    from meshtui.metrics.prometheus import PrometheusSource
    from meshtui.ui.panes.split_detail import detail_title

    source = PrometheusSource(url)
    taken: list[float] = []
    async with app_session(InMemoryMesh(objects), source, expect=rows,
                           refresh=REFRESH) as (app, pilot, probe):
        screen = app.dashboard
        await wait_until(lambda: screen.initial_load_done, message="the first lists in")
        pipeline = screen.pipeline
        # The fault is in effect once the first fetch ended (in an answer or a failure).
        await wait_until(lambda: pipeline.snapshot is not None or pipeline.error is not None,
                         timeout=30, message="the first metrics outcome")
        screen.split_list.focus()
        await pilot.pause()
        for k in range(samples):
            await asyncio.sleep(GAPS[k % len(GAPS)])
            refs = [row.ref for row in screen.split_list.rows]
            current = refs.index(screen.selected) if screen.selected in refs else 0
            target = screen.state.split(refs[(current + 1) % len(refs)])
            expected = detail_title(target).plain
            probe.arm(lambda expected=expected: detail_title_text(app) == expected)
            start = time.perf_counter()
            await pilot.press("j")
            shown = await probe.wait()
            if shown is not None:
                taken.append((shown - start) * 1000)
        state = screen.status.metrics_state
    source.close()
    return taken, probe.timeouts, state


def measure_key_to_frame(profile: Profile, prometheus_url: str | None) -> Measure:
    """``key_to_frame_ms``: `j` in the navigator to the first frame whose detail pane shows the
    next split, in each Prometheus mode; `by_fault` has each mode's median, p95 and samples."""
    objects = split_objects(profile.splits)
    by_fault: dict[str, dict[str, Any]] = {}
    every: list[float] = []
    timeouts = 0
    states: list[str] = []
    for mode in MODES:
        proc = None
        if mode == "healthy":
            if prometheus_url is None:
                by_fault[mode] = {"median": None, "p95": None, "samples": 0,
                                  "error": "prometheus binary not found"}
                continue
            url = prometheus_url
        else:
            proc, url = _start_fault(mode, prometheus_url)
        try:
            taken, lost, state = asyncio.run(_presses(objects, profile.splits, url,
                                                      profile.key_samples))
        finally:
            if proc is not None:
                stop_child(proc, 5)
        timeouts += lost
        every += taken
        states.append(f"{mode}: {state}")
        p95 = percentile(taken, 95)
        by_fault[mode] = {"median": _median(taken), "p95": None if p95 is None else round(p95, 3),
                          "samples": len(taken), "metrics_state": state,
                          "met": at_most(p95, GOAL_MS) if not lost else False}
    note = (f"{profile.splits} splits, refresh {REFRESH:g} s; `j` in the navigator to the first "
            "frame whose detail pane shows the next split; presses spread over the refresh "
            "cycle; Prometheus healthy (the real one), erroring (500/503), slow (answers after "
            f"{SLOW_DELAY:g} s) and garbage (not JSON, a huge vector, mis-shaped JSON), each "
            "fault server in its own process; splits handed to the app as one re-list "
            "(no emulator in the process); status bar per mode: " + ", ".join(states))
    if timeouts:
        note += f"; {timeouts} presses never reached the screen within 10 s"
    met = all(entry.get("met") for entry in by_fault.values()) if by_fault else None
    return Measure("key_to_frame_ms", tuple(every), "ms", f"p95 <= {GOAL_MS:g} in every mode",
                   met, note, by_fault=by_fault)


def _median(values: list[float]) -> float | None:
    import statistics

    return round(statistics.median(values), 3) if values else None
