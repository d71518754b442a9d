"""The scale scenario's emulator in a process of its own, and the log of the writes it applied.

A real meshtui never hosts the Kubernetes API emulator: in the benchmark's own process the
emulator's request threads and its ~20 MB of objects competed with the app for the GIL and the
garbage collector (a full collection of the emulator's objects paused the app's UI thread for up
to ~250 ms). `remote_mesh` runs ``python -m bench.remote_mesh`` instead, which serves the scenario
and prints one line per write it applied, timed by the system-wide monotonic clock
(``time.perf_counter`` is ``CLOCK_MONOTONIC`` on Linux, the same clock in both processes).

``MESHTUI_BENCH_EMULATOR=inprocess`` hosts the emulator in the benchmark process as before.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.cluster import WriteTimes, stop_child

REPO = Path(__file__).resolve().parents[1]
MODE = "MESHTUI_BENCH_EMULATOR"
READY_TIMEOUT = 120.0


def in_process() -> bool:
    """Whether the run hosts the scale emulator in its own process (the old way)."""
    return os.environ.get(MODE) == "inprocess"


def where() -> str:
    """Where the scale emulator runs, for the measures' notes."""
    return ("emulator in the benchmark process" if in_process()
            else "emulator in a process of its own")


class RemoteWriteLog(WriteTimes):
    """`bench.cluster.WriteLog`'s interface over the write lines of an emulator child."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        super().__init__()
        self._proc = proc
        self._thread = threading.Thread(target=self._read, daemon=True, name="emulator-writes")
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            try:
                at, method, path = json.loads(line)
            except (ValueError, TypeError):
                continue
            self._add(float(at), str(method), str(path))

    def close(self) -> None:
        """Nothing to undo: the child stops with `remote_mesh`."""


@contextmanager
def remote_mesh(namespaces: int, services: int, splits: int,
                workdir: Path) -> Iterator[tuple[RemoteWriteLog, Path]]:
    """The scale scenario served by a child process: (its write log, its kubeconfig)."""
    kubeconfig = workdir / "scale-remote.kubeconfig"
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.remote_mesh", str(namespaces), str(services), str(splits),
         str(kubeconfig)], cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        assert proc.stdout is not None
        ready = ""
        if select.select([proc.stdout], [], [], READY_TIMEOUT)[0]:
            ready = proc.stdout.readline().strip()
        if ready != "ready":
            raise RuntimeError(f"the emulator child did not start ({proc.poll()}): {ready[:200]}")
        yield RemoteWriteLog(proc), kubeconfig
    finally:
        stop_child(proc, 10)


def main(argv: list[str] | None = None) -> int:
    """``python -m bench.remote_mesh NAMESPACES SERVICES SPLITS KUBECONFIG``: serve until stdin
    closes; prints ``ready``, then one JSON line ``[time, method, path]`` per write applied."""
    import gc

    from meshtui.sim.mesh import SimulatedMesh
    from meshtui.sim.scale import scale_scenario

    namespaces, services, splits, kubeconfig = (argv or sys.argv[1:])[:4]
    mesh = SimulatedMesh(scale_scenario(int(namespaces), int(services), int(splits)), seed=1,
                         realtime=False)
    lock = threading.Lock()
    inner = mesh.server.record

    def record(request: Any) -> None:
        now = time.perf_counter()
        if request.method in ("PATCH", "PUT", "POST"):
            with lock:
                sys.stdout.write(json.dumps([now, request.method, request.path]) + "\n")
                sys.stdout.flush()
        inner(request)

    mesh.server.record = record  # type: ignore[method-assign]
    try:
        mesh.write_kubeconfig(Path(kubeconfig))
        gc.freeze()  # the seeded objects stay: the emulator's own collections stay short
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        sys.stdin.read()
    finally:
        mesh.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
