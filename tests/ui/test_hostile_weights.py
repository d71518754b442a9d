"""The dashboard with one hostile object in scope: a 5,000-digit weight and a plan annotation
with an infinite weight start, list and show like any broken split (a problem, no crash)."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION
from meshtui.model.split import SplitRef
from meshtui.rollout import commands
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.split_list import SplitList
from tests.waiting import settle

SIZE = (140, 40)
HUGE = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "aaa-huge")
BAD_PLAN = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "aab-bad-plan")


def _split(name: str, weights: list[object], annotations: dict[str, str] | None = None) -> dict:
    return {"apiVersion": "split.smi-spec.io/v1alpha1", "kind": "TrafficSplit",
            "metadata": {"name": name, "namespace": "booksapp",
                         "annotations": annotations or {}},
            "spec": {"service": "authors", "backends": [
                {"service": "authors", "weight": weights[0]},
                {"service": "authors-v2", "weight": weights[1]}]}}


async def test_hostile_weights_are_problems_on_screen(make_app: Callable[..., MeshtuiApp],
                                                      mesh: SimulatedMesh) -> None:
    state = commands.start(parse_plan("- setWeight: 50\n"), canary="authors-v2",
                           stable="authors", weight=0, now=1.0).state
    bad_plan = state.to_annotation().replace('"weight":0', '"weight":1e999', 1)
    mesh.store.create(_split(HUGE.name, ["9" * 5000, "1"]))
    mesh.store.create(_split(BAD_PLAN.name, ["100", "0"], {ANNOTATION: bad_plan}))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                     and len(app.screen.query_one(SplitList).rows) == 6, message="6 rows",
                     timeout=20)
        screen = app.dashboard
        rows = {row.ref: row for row in screen.query_one(SplitList).rows}
        assert rows[HUGE].percents == (0.0, 100.0)
        for ref in (HUGE, BAD_PLAN):
            screen.select_split(ref)
            await settle(pilot, lambda ref=ref: screen.query_one("#detail-title").render()
                         .plain.find(ref.name) >= 0, message=f"{ref} shown")
            split = next(s for s in screen.state.splits() if s.ref == ref)
            assert split.problems, ref
        assert app.is_running
