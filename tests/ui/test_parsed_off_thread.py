"""The dashboard swaps in splits parsed by the watch threads: its own thread parses none."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from meshtui.model import split as split_module
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from tests.ui.test_dashboard import PODINFO, SIZE, VOTING, loaded, row_of
from tests.waiting import settle


async def test_the_ui_thread_parses_no_split(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The first lists and a later change reach the screen, parsed in the watch threads only."""
    real = split_module.parse_split
    ui_thread_parses: list[str] = []

    def recording(obj: dict[str, Any]) -> Any:
        if threading.current_thread() is threading.main_thread():
            ui_thread_parses.append(obj["metadata"]["name"])
        return real(obj)

    monkeypatch.setattr("meshtui.model.mesh.parse_split", recording)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot, app)
        mesh.store.patch("policy.linkerd.io/v1beta3", "HTTPRoute", "emojivoto", "voting-split",
                         [{"op": "replace", "path": "/spec/rules/0/backendRefs/0/weight", "value": 40},
                          {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 60}],
                         patch_type="json")
        await settle(pilot, lambda: row_of(app, VOTING).percents == (40.0, 60.0),
                     message="the patched weights on screen")
    assert ui_thread_parses == []


async def test_the_ui_thread_parses_no_owner(make_app: Callable[..., MeshtuiApp], mesh: SimulatedMesh,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The Canary and the Rollout of the default mesh, and a change to the Canary, reach the
    screen parsed in the watch threads only."""
    from meshtui.model.owners.argo import ArgoRollouts
    from meshtui.model.owners.flagger import Flagger

    ui_thread_parses: list[str] = []
    for kind in (Flagger, ArgoRollouts):
        def recording(self: Any, obj: dict[str, Any], real: Any = kind.parse) -> Any:
            if threading.current_thread() is threading.main_thread():
                ui_thread_parses.append(obj["metadata"]["name"])
            return real(self, obj)

        monkeypatch.setattr(kind, "parse", recording)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        await settle(pilot, lambda: screen.state.loaded("canaries") and screen.state.loaded("rollouts"),
                     message="the owners listed")

        def podinfo_phase() -> str:
            split = screen.state.split(PODINFO)
            owner = screen.state.owner_state(split) if split is not None else None
            return owner.phase if owner is not None else ""

        assert podinfo_phase() == "Progressing"
        mesh.store.patch("flagger.app/v1beta1", "Canary", "test", "podinfo",
                         {"status": {"phase": "Succeeded"}}, subresource="status")
        await settle(pilot, lambda: podinfo_phase() == "Succeeded", message="the Canary's new phase")
    assert ui_thread_parses == []
