"""Write SVG screenshots of the dashboard's main screens into this directory (for README).

Runs the real dashboard against the default simulated mesh (fixed seed and epoch, traffic
stepped 90 simulated seconds, no timers) through the real cluster client, and saves one SVG per
screen with `App.save_screenshot`. Usage: ``python screenshots/make.py``.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from meshtui.kube.audit import AuditLog  # noqa: E402
from meshtui.kube.client import MeshClient  # noqa: E402
from meshtui.kube.config import load_cluster  # noqa: E402
from meshtui.kube.writer import ClusterWriter  # noqa: E402
from meshtui.metrics.source import MetricsError  # noqa: E402
from meshtui.sim.mesh import SimulatedMesh  # noqa: E402
from meshtui.sim.traffic import TrafficSimulator  # noqa: E402
from meshtui.ui.app import MeshtuiApp  # noqa: E402
from meshtui.ui.config import Settings  # noqa: E402
from meshtui.ui.screens.confirm import ConfirmDialog  # noqa: E402
from meshtui.ui.dashboard import DashboardScreen  # noqa: E402
from meshtui.ui.widgets.service_table import ServiceTable  # noqa: E402
from meshtui.ui.widgets.signal_chart import SignalChart  # noqa: E402
from meshtui.ui.widgets.split_list import SplitList  # noqa: E402

SIZE = (140, 40)
EPOCH = 1_767_225_600.0
TIMEOUT = 20.0


class Unreachable:
    """A metrics source standing for a Prometheus that cannot be reached."""

    name = "prometheus 10.0.0.9:9090"

    def fetch(self, targets: Any, window: str) -> Any:
        raise MetricsError("cannot reach Prometheus at 10.0.0.9:9090")

    history = fetch


async def until(pilot: Any, predicate: Callable[[], Any], what: str) -> None:
    """Let the app run until `predicate()` holds (bounded)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + TIMEOUT
    while not predicate():
        if loop.time() > deadline:
            raise SystemExit(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def loaded(pilot: Any, charts: str | None = "ok") -> DashboardScreen:
    """Wait for the lists, the metrics and (if asked) the charts."""
    app = pilot.app

    def ready() -> bool:
        screen = app.screen
        return (isinstance(screen, DashboardScreen) and screen.initial_load_done
                and len(screen.query_one(SplitList).rows) > 0 and screen.pipeline.idle
                and (charts is None or screen.query_one("#chart-success", SignalChart).state == charts))

    await until(pilot, ready, "the dashboard")
    return app.screen


async def shoot(name: str, mesh: SimulatedMesh, kubeconfig: Path, metrics: Any,
                steps: Callable[[Any], Awaitable[None]], size: tuple[int, int] = SIZE) -> None:
    """Run one app at `size`, drive it with `steps`, save ``<name>.svg``."""
    cluster = load_cluster(str(kubeconfig), None)
    # A writer whose audit log is thrown away: the screenshots never confirm a write.
    writer = ClusterWriter(cluster, audit=AuditLog(kubeconfig.parent / "audit.log"))
    app = MeshtuiApp(MeshClient(cluster), metrics, Settings(), writer=writer,
                     clock=lambda: mesh.traffic.now, live=False)
    try:
        async with app.run_test(size=size) as pilot:
            await steps(pilot)
            await pilot.pause(0.1)
            app.save_screenshot(f"{name}.svg", path=str(HERE))
            print(f"wrote screenshots/{name}.svg")
    finally:
        cluster.close()


def start_plan(mesh: SimulatedMesh, kubeconfig: Path) -> None:
    """Start the shipped approval plan on booksapp/authors-split and let a runner play its first
    steps, as `meshtui rollout start` and `meshtui rollout run` would, on the shots' clock."""
    import threading

    from meshtui.kube.audit import AuditLog
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.plan import parse_plan
    from meshtui.model.split import parse_split
    from meshtui.rollout import commands
    from meshtui.rollout.runner import Runner
    from meshtui.rollout.store import canary_percent, choose_roles, write_transition

    path = HERE.parent / "meshtui" / "sim" / "plans" / "canary-approval.yaml"
    plan = parse_plan(path.read_text(), str(path))
    cluster = load_cluster(str(kubeconfig), None)
    try:
        writer = ClusterWriter(cluster, audit=AuditLog(Path(tempfile.mkdtemp()) / "audit.log"))
        split = parse_split(mesh.store.get("split.smi-spec.io/v1alpha1", "TrafficSplit",
                                           "booksapp", "authors-split"))
        canary, stable = choose_roles(split, plan)
        write_transition(writer, split, None, commands.start(
            plan, canary=canary, stable=stable, weight=canary_percent(split, canary),
            now=mesh.traffic.now, by="screenshots"), "rollout-start")
        runner = Runner(MeshClient(cluster), writer, mesh.source(), identity="runner-0",
                        clock=lambda: mesh.traffic.now)
        runner.run(threading.Event(), interval=0.0, max_ticks=2)
    finally:
        cluster.close()


async def main() -> None:
    """Start the mesh once and take every screenshot."""
    mesh = SimulatedMesh("default", seed=1, realtime=False, autostart=False)
    mesh.traffic = TrafficSimulator(mesh.scenario, mesh.store, mesh.seed, epoch=EPOCH)
    for _ in range(90):
        mesh.traffic.step(1.0)
    mesh.start()
    kubeconfig = mesh.write_kubeconfig(Path(tempfile.mkdtemp()) / "kubeconfig")

    async def overview(pilot: Any) -> None:
        await loaded(pilot)

    async def canary(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("j", "j", "j")
        await loaded(pilot)

    async def attention(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("exclamation_mark")

    async def filtered(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("slash", *"books")

    async def scope(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("n")
        await until(pilot, lambda: not isinstance(pilot.app.screen, DashboardScreen), "the picker")

    async def pending(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("j", "j", "j")
        await loaded(pilot)
        await pilot.press("plus", "plus")

    async def confirmation(pilot: Any) -> None:
        await pending(pilot)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog), "the confirmation")

    async def unavailable(pilot: Any) -> None:
        await loaded(pilot, charts="unavailable")

    async def services(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("colon", *"svc", "enter")
        table = pilot.app.screen.query_one(ServiceTable)
        await until(pilot, lambda: any(row.rps for row in table.rows), "the services with signals")

    async def canary_opened(pilot: Any) -> None:
        await canary(pilot)
        await pilot.press("enter")

    try:
        await shoot("dashboard", mesh, kubeconfig, mesh.source(), overview)
        await shoot("canary-detail", mesh, kubeconfig, mesh.source(), canary)
        await shoot("needs-attention", mesh, kubeconfig, mesh.source(), attention)
        await shoot("filter", mesh, kubeconfig, mesh.source(), filtered)
        await shoot("namespace-scope", mesh, kubeconfig, mesh.source(), scope)
        await shoot("metrics-unavailable", mesh, kubeconfig, Unreachable(), unavailable)
        await shoot("pending-change", mesh, kubeconfig, mesh.source(), pending)
        await shoot("confirmation", mesh, kubeconfig, mesh.source(), confirmation)
        await shoot("services", mesh, kubeconfig, mesh.source(), services)
        # The same canary at three terminal sizes: one pane at a time, side by side, fleet table.
        await shoot("size-80x24", mesh, kubeconfig, mesh.source(), canary_opened, (80, 24))
        await shoot("size-120x40", mesh, kubeconfig, mesh.source(), canary, (120, 40))
        await shoot("size-200x60", mesh, kubeconfig, mesh.source(), canary, (200, 60))
        # Last, as the plan stays on authors-split, the split every other shot opens first.
        start_plan(mesh, kubeconfig)
        await shoot("plan-timeline", mesh, kubeconfig, mesh.source(), overview)
    finally:
        mesh.stop()


if __name__ == "__main__":
    asyncio.run(main())
