"""A multi-rule HTTPRoute in the dashboard: the keys act on the chosen rule, and only that rule
is written, guarded by the resourceVersion it was read at."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshtui.kube.audit import read_audit
from meshtui.model.split import SplitRef
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.panes.weight_editor import WeightEditor
from meshtui.ui.screens.confirm import ConfirmDialog
from tests.ui.conftest import mutating_requests
from tests.ui.control_helpers import SIZE, dialog
from tests.waiting import settle

POLICY = "policy.linkerd.io/v1beta3"
ROUTES = SplitRef("HTTPRoute", "policy.linkerd.io", "emojivoto", "web-routes")


def _route() -> dict[str, Any]:
    def refs(local: int, west: int) -> list[dict[str, Any]]:
        return [{"name": "web-svc", "port": 80, "weight": local},
                {"name": "web-svc-west", "port": 80, "weight": west}]

    return {"apiVersion": POLICY, "kind": "HTTPRoute",
            "metadata": {"name": "web-routes", "namespace": "emojivoto"},
            "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": "web-svc",
                                     "port": 80}],
                     "rules": [{"matches": [{"path": {"type": "PathPrefix", "value": "/api"}}],
                                "backendRefs": refs(100, 0)},
                               {"backendRefs": refs(80, 20)}]}}


def _weights(mesh: Any) -> list[list[int]]:
    obj = mesh.store.get(POLICY, "HTTPRoute", "emojivoto", "web-routes")
    return [[ref["weight"] for ref in rule["backendRefs"]] for rule in obj["spec"]["rules"]]


async def _open(pilot: Any, app: Any) -> DashboardScreen:
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                 and app.screen.initial_load_done and app.screen.state.split(ROUTES),
                 message="the route listed", timeout=20)
    screen = app.screen
    screen.select_split(ROUTES)
    await settle(pilot, lambda: screen.detail.query(WeightEditor)
                 and screen.detail.query_one(WeightEditor).sliders, message="its sliders")
    return screen


async def test_the_keys_write_only_the_chosen_rule(make_control_app: Callable, mesh: Any,
                                                   tmp_path: Any) -> None:
    mesh.store.create(_route())
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        editor = screen.detail.query_one(WeightEditor)
        assert "rule 1 of 2: PathPrefix /api" in str(editor.query_one("#editor-header").content)
        await pilot.press("right_square_bracket")
        await settle(pilot, lambda: screen.control.rule_of(screen.current_split()) == 1,
                     message="rule 2 chosen")
        assert [s.live for s in editor.sliders] == [80, 20]
        before = len(mutating_requests(mesh))
        await pilot.press("plus")
        assert screen.control.pending is not None and screen.control.pending.pending == (75, 25)
        await pilot.press("a")
        confirm = await dialog(pilot, app)
        assert confirm.confirmation.title.startswith("Apply weights to rule 2 of")
        await pilot.press("y")
        await settle(pilot, lambda: _weights(mesh)[1] == [75, 25], message="rule 2 written")
    requests = mutating_requests(mesh)[before:]
    assert [(r.method, r.content_type) for r in requests] == [
        ("PATCH", "application/json-patch+json")]
    assert _weights(mesh)[0] == [100, 0], "rule 1 untouched"
    assert [r["result"] for r in read_audit(tmp_path / "audit.log")] == ["ok"]


async def test_a_change_since_reading_is_a_conflict_and_nothing_is_written(
        make_control_app: Callable, mesh: Any, tmp_path: Any) -> None:
    mesh.store.create(_route())
    app, _ = make_control_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("right_square_bracket", "plus", "a")
        await dialog(pilot, app)
        # Someone moves rule 1 while the dialog is open: the split read is now stale.
        obj = mesh.store.get(POLICY, "HTTPRoute", "emojivoto", "web-routes")
        obj["spec"]["rules"][0]["backendRefs"][1]["weight"] = 50
        mesh.store.patch(POLICY, "HTTPRoute", "emojivoto", "web-routes",
                         {"spec": {"rules": obj["spec"]["rules"]}}, "merge")
        await pilot.press("y")
        await settle(pilot, lambda: any(r["result"] == "conflict"
                                        for r in read_audit(tmp_path / "audit.log")),
                     message="the conflict audited")
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), message="asked again")
        assert screen.control.pending is not None and screen.control.pending.rule == 1
    assert _weights(mesh) == [[100, 50], [80, 20]]
