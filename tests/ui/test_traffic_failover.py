"""A linkerd-failover TrafficSplit in the dashboard: shown as its owner, a manual change warned
about, and reset by the stand-in failover controller."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from meshtui.model.split import SplitRef
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.widgets import OwnerPanel
from meshtui.ui.widgets.split_list import SplitList
from tests.ui.control_helpers import SIZE, dialog, written
from tests.waiting import settle

FAILOVER = SplitRef("TrafficSplit", "split.smi-spec.io", "emojivoto", "emoji-failover")


def failover_split() -> dict[str, Any]:
    """linkerd-failover's README example, on emoji-svc with a fallback in another cluster."""
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
            "metadata": {"name": FAILOVER.name, "namespace": FAILOVER.namespace,
                         "labels": {"failover.linkerd.io/controlled-by": "linkerd-failover"},
                         "annotations": {"failover.linkerd.io/primary-service": "emoji-svc"}},
            "spec": {"service": "emoji-svc", "backends": [{"service": "emoji-svc", "weight": 1},
                                                          {"service": "emoji-svc-west", "weight": 0}]}}


async def open_failover(pilot: Any, app: Any) -> Any:
    await settle(pilot, lambda: app.screen is app.dashboard
                 and len(app.screen.query_one(SplitList).rows) == 5
                 and app.screen.pipeline.all_listed(app.screen.state), message="5 rows", timeout=20)
    screen = app.dashboard
    screen.select_split(FAILOVER)
    await settle(pilot, lambda: FAILOVER.name in screen.query_one("#detail-title").render().plain
                 and screen.detail.query("WeightSlider"), message="the failover split shown")
    return screen


async def test_failover_owner_warning_and_reset(make_control_app: Callable, mesh: SimulatedMesh) -> None:
    mesh.store.create({"apiVersion": "v1", "kind": "Endpoints",
                       "metadata": {"name": "emoji-svc-west", "namespace": "emojivoto"},
                       "subsets": [{"addresses": [{"ip": "10.43.0.9"}]}]})
    mesh.store.create(failover_split())
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_failover(pilot, app)
        panel = screen.detail.query_one(OwnerPanel)
        await settle(pilot, lambda: "primary emoji-svc" in panel.render().plain, message="the panel")
        text = panel.render().plain
        assert text.startswith("linkerd-failover  ·  TrafficSplit/emoji-failover"), text
        assert "phase Primary" in text and "serving emoji-svc" in text
        await pilot.press("plus", "a")
        confirm = await dialog(pilot, app)
        assert any(w.startswith("linkerd-failover owns this split") and "readiness" in w
                   for w in confirm.confirmation.warnings), confirm.confirmation.warnings
        assert confirm.confirmation.options == ()
        await pilot.press("y")
        await written(pilot, screen, FAILOVER, "applied")
        assert mesh.controllers is not None
        mesh.controllers.step(0.25)
        note = await written(pilot, screen, FAILOVER, "⚠ weights reverted")
        assert re.search(r"reverted by linkerd-failover after \d+ s", note), note
