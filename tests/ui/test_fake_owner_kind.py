"""A controller registered in one module (tests/ui/fake_owner.py) is seen everywhere owners are:
the dashboard's owner panel and navigator, its pause key, `get splits` and the actions."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from meshtui.model.actions import ActionPlan, manual_weights_warning, plan_action
from meshtui.model.mesh import MeshState
from meshtui.model.owners.registry import registered
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.widgets import OwnerPanel
from meshtui.ui.widgets.split_list import SplitList
from tests.cli.helpers import run_main
from tests.ui.control_helpers import AUTHORS, SIZE, dialog, open_split
from tests.ui.fake_owner import CRD, Promoter, promoter
from tests.waiting import settle


@pytest.fixture
def promoted(mesh: SimulatedMesh) -> Iterator[SimulatedMesh]:
    """The default mesh serving Promoters, one of which drives booksapp's authors-split."""
    with registered(Promoter()):
        mesh.store.create(CRD)
        mesh.store.create(promoter("booksapp", "acme", AUTHORS.name))
        yield mesh


def test_actions_and_state(promoted: SimulatedMesh) -> None:
    state = MeshState()
    state.replace("trafficsplits", promoted.store.list("split.smi-spec.io/v1alpha2", "TrafficSplit"))
    state.replace("promoters", promoted.store.list("example.io/v1", "Promoter"))
    split = next(s for s in state.splits() if s.name == AUTHORS.name)
    assert split.owner is not None and (split.owner.controller, split.owner.name) == ("promoter", "acme")
    plan = plan_action(split, state.owner_state(split), "pause")
    assert isinstance(plan, ActionPlan) and plan.controller == "promoter"
    assert plan.writes[0].patch == {"spec": {"paused": True}}
    assert manual_weights_warning(split.owner) == "Promoter acme owns this split: Acme Promoter rewrites its weights."


def test_get_splits_names_it(promoted: SimulatedMesh, tmp_path: Path,
                             capsys: pytest.CaptureFixture[str]) -> None:
    config = promoted.write_kubeconfig(tmp_path / "kubeconfig")
    result = run_main(["get", "splits", "-n", "booksapp", "-o", "json", "--kubeconfig", str(config)], capsys)
    assert result.returncode == 0, result.stderr
    owners = {s["name"]: s["owner"] for s in json.loads(result.stdout)}
    assert owners[AUTHORS.name] == {"kind": "Promoter", "name": "acme", "controller": "promoter"}


async def test_dashboard_shows_it_and_pauses_it(promoted: SimulatedMesh, make_control_app: Callable) -> None:
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_split(pilot, app, AUTHORS)
        panel = screen.detail.query_one(OwnerPanel)
        await settle(pilot, lambda: "drives authors-split" in panel.render().plain,  # type: ignore[union-attr]
                     message="the Promoter's fields")
        text = panel.render().plain  # type: ignore[union-attr]
        assert text.startswith("Acme Promoter  ·  Promoter/acme") and "phase Steady" in text
        row = next(r for r in screen.query_one(SplitList).rows if r.ref == AUTHORS)
        assert "Acme" in str(row)
        await pilot.press("p")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.lines == ("• pause Promoter booksapp/acme",)
        await pilot.press("y")
        await settle(pilot, lambda: promoted.store.get("example.io/v1", "Promoter", "booksapp", "acme")
                     ["spec"].get("paused") is True, message="spec.paused stored")
