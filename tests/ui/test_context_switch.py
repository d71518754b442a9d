"""`:ctx NAME` switches kubeconfig context live, against the two contexts `meshtui sim` writes
(``meshtui-sim`` as admin, ``readonly`` as a read-only user) through the real launcher wiring."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.launch import ContextConnector
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.widgets.command_line import CommandLine
from meshtui.ui.widgets.status_bar import StatusBar
from tests.cli.helpers import closed_port
from tests.ui.test_dashboard import SIZE, loaded
from tests.ui.test_services_view import command
from tests.waiting import settle


async def test_ctx_switches_to_the_other_context(mesh: SimulatedMesh, tmp_path: Path) -> None:
    """Tab completes the context; the dashboard is rebuilt on it (its requests carry the other
    identity), the old watch stops; an unknown context changes nothing."""
    kubeconfig = str(mesh.write_kubeconfig(tmp_path / "kubeconfig"))
    cluster = load_cluster(kubeconfig, "meshtui-sim")
    connector = ContextConnector(argparse.Namespace(read_only=False, dry_run=False), kubeconfig,
                                 Settings(), metrics=mesh.source)
    app = MeshtuiApp(MeshClient(cluster), mesh.source(), Settings(), connector=connector,
                     clock=lambda: mesh.traffic.now, live=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            first = await loaded(pilot, app)
            assert app.screen.query_one(StatusBar).context == "meshtui-sim"
            await command(pilot, "ctx nosuch")
            assert any("no context nosuch" in n.message for n in app.said)
            assert app.dashboard is first
            mesh.server.clear_requests()
            await pilot.press("colon", "c", "tab", "r", "tab")
            assert app.screen.query_one(CommandLine).value == "ctx readonly"
            await pilot.press("enter")
            await settle(pilot, lambda: app.dashboard is not first, message="a new dashboard")
            second = await loaded(pilot, app)
            assert app.screen.query_one(StatusBar).context == "readonly"
            assert app.mesh.cluster.context == "readonly"
            identities = {r.identity for r in mesh.server.requests}
            assert "readonly" in identities
            assert first.pipeline._stopped.is_set() and second is app.dashboard
            await command(pilot, "ctx readonly")
            assert any("already on context readonly" in n.message for n in app.said)
    finally:
        cluster.close()


async def test_unreachable_context_keeps_the_current_one(mesh: SimulatedMesh, tmp_path: Path) -> None:
    """A context whose server does not answer: one error notification, the dashboard stays."""
    path = mesh.write_kubeconfig(tmp_path / "kubeconfig")
    config = yaml.safe_load(path.read_text())
    config["clusters"].append({"name": "dead", "cluster": {"server": f"http://127.0.0.1:{closed_port()}"}})
    config["contexts"].append({"name": "dead", "context": {"cluster": "dead", "user": "admin"}})
    path.write_text(yaml.safe_dump(config))
    cluster = load_cluster(str(path), "meshtui-sim")
    connector = ContextConnector(argparse.Namespace(read_only=False, dry_run=False), str(path),
                                 Settings(), metrics=mesh.source)
    app = MeshtuiApp(MeshClient(cluster), mesh.source(), Settings(), connector=connector,
                     clock=lambda: mesh.traffic.now, live=False)
    try:
        async with app.run_test(size=SIZE) as pilot:
            first = await loaded(pilot, app)
            await command(pilot, "ctx dead")
            await settle(pilot, lambda: any("cannot switch to context dead" in n.message
                                            for n in app.said), message="the failure said")
            assert app.dashboard is first and app.mesh.cluster.context == "meshtui-sim"
            assert not first.pipeline._stopped.is_set()
    finally:
        cluster.close()
