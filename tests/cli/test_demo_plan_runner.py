"""The demo drives progressive plans in a background thread, like `meshtui rollout run` in a pod."""

from __future__ import annotations

from pathlib import Path

from meshtui.kube.audit import AuditLog
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.writer import ClusterWriter
from meshtui.launch import plan_runner
from meshtui.model.split import parse_split
from meshtui.cli.rollout import main as rollout_main
from meshtui.sim.mesh import SimulatedMesh
from tests.waiting import wait_for

PLAN = "steps:\n  - setWeight: 40\n  - setWeight: 60\n"
TS = ("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp", "authors-split")


def _canary_percent(mesh: SimulatedMesh) -> float:
    split = parse_split(mesh.store.get(*TS))
    return next(b.percent for b in split.backends if b.name == "authors-v2")


def test_a_plan_started_elsewhere_progresses_under_the_demo_runner(
        sim_mesh_manual: SimulatedMesh, tmp_path: Path) -> None:
    kubeconfig = sim_mesh_manual.write_kubeconfig(tmp_path / "kubeconfig")
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN)
    assert rollout_main(["start", "-n", "booksapp", "ts/authors-split", "--plan", str(plan),
                         "--kubeconfig", str(kubeconfig)]) == 0
    assert _canary_percent(sim_mesh_manual) == 25.0, "start only records the plan"

    cluster = load_cluster(str(kubeconfig), None)
    try:
        writer = ClusterWriter(cluster, audit=AuditLog(tmp_path / "audit.log"))
        with plan_runner(MeshClient(cluster), writer, sim_mesh_manual.source()):
            wait_for(lambda: _canary_percent(sim_mesh_manual) == 60.0, timeout=30,
                     message="the runner to play both setWeight steps")
            leases = sim_mesh_manual.store.list("coordination.k8s.io/v1", "Lease", "booksapp")
            assert [lease["spec"].get("holderIdentity") for lease in leases] == ["meshtui-demo"]
    finally:
        cluster.close()
