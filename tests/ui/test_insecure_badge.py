"""A cluster whose TLS certificate goes unverified carries a badge in the status bar."""

from __future__ import annotations

from pathlib import Path

import pytest

from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.widgets.status_bar import StatusBar
from tests.cli.test_insecure_tls import insecure_kubeconfig
from tests.ui.test_dashboard import SIZE
from tests.waiting import settle


@pytest.mark.parametrize("insecure", [True, False])
async def test_insecure_tls_badge(mesh: SimulatedMesh, tmp_path: Path, insecure: bool,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    path = mesh.write_kubeconfig(tmp_path / "kubeconfig")
    if insecure:
        path = insecure_kubeconfig(path, tmp_path / "insecure")
    cluster = load_cluster(str(path), None)
    try:
        app = MeshtuiApp(MeshClient(cluster), None, Settings(), clock=lambda: mesh.traffic.now,
                         live=False)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, lambda: app.screen.query(StatusBar)
                         and app.screen.query_one(StatusBar).context, message="status shown")
            bar = app.screen.query_one(StatusBar)
            assert bar.insecure is insecure
            assert ("INSECURE-TLS" in bar.render().plain) is insecure
    finally:
        cluster.close()
    warnings = [line for line in capsys.readouterr().err.splitlines() if "insecure" in line]
    assert len(warnings) == (1 if insecure else 0), warnings
