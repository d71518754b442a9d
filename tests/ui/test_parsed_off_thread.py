"""The dashboard swaps in splits parsed by the watch threads: its own thread parses none."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from meshtui.model import split as split_module
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from tests.ui.test_dashboard import SIZE, VOTING, loaded, row_of
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
