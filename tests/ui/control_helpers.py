"""Helpers of the traffic-control UI tests: splits of the default scenario and waiting on writes."""

from __future__ import annotations

from typing import Any, TypeVar

from meshtui.model.split import SplitRef
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.widgets.split_list import SplitList
from tests.waiting import settle

T = TypeVar("T")

SIZE = (140, 40)
AUTHORS = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "authors-split")
"""SMI v1alpha1, no owner, authors 75% (stable, the apex) / authors-v2 25%."""
BOOKS = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "books")
"""SMI v1alpha2 owned by the Argo Rollout books: books-canary 20% / books-stable 80%."""
VOTING = SplitRef("HTTPRoute", "policy.linkerd.io", "emojivoto", "voting-split")
"""Linkerd HTTPRoute, no owner: voting-svc 90% (the parent service, stable) / voting-v2-svc 10%."""
PODINFO = SplitRef("HTTPRoute", "gateway.networking.k8s.io", "test", "podinfo")
"""Gateway API HTTPRoute owned by the Flagger Canary podinfo: primary 90% / canary 10%."""

API_VERSIONS = {AUTHORS: "split.smi-spec.io/v1alpha1", BOOKS: "split.smi-spec.io/v1alpha2",
                PODINFO: "gateway.networking.k8s.io/v1", VOTING: "policy.linkerd.io/v1beta3"}


def stored(mesh: SimulatedMesh, ref: SplitRef) -> dict[str, Any]:
    """The split object as the emulator stores it."""
    return mesh.store.get(API_VERSIONS[ref], ref.kind, ref.namespace, ref.name)


def stored_weights(mesh: SimulatedMesh, ref: SplitRef) -> list[Any]:
    """Raw weights of the stored split's first rule."""
    obj = stored(mesh, ref)
    if ref.kind == "TrafficSplit":
        return [backend.get("weight") for backend in obj["spec"]["backends"]]
    return [backend.get("weight") for backend in obj["spec"]["rules"][0]["backendRefs"]]


async def open_split(pilot: Any, app: MeshtuiApp, ref: SplitRef) -> DashboardScreen:
    """Wait for the dashboard's lists and show `ref` with its weight editor."""
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                 and len(app.screen.query_one(SplitList).rows) == 4
                 and app.screen.initial_load_done, message="4 rows", timeout=20)
    screen = app.dashboard
    # initial_load_done may come from the grace timer before the Rollout and Canary lists (a busy
    # machine): owner actions wait for those, so the tests do too.
    await settle(pilot, lambda: screen.pipeline.all_listed(screen.state), message="every list",
                 timeout=20)
    screen.select_split(ref)
    # Laid out too: a slider not yet sized has a minimal track, and clicks land elsewhere.
    await settle(pilot, lambda: screen.detail.query("WeightSlider")
                 and all(slider.size.width > 0 for slider in screen.detail.query("WeightSlider"))
                 and screen.query_one("#detail-title").render().plain.find(ref.name) >= 0,  # type: ignore[attr-defined]
                 message=f"{ref} shown")
    return screen


async def dialog(pilot: Any, app: MeshtuiApp) -> ConfirmDialog:
    """Wait for the confirmation dialog, drawn and armed (before that it ignores `y`)."""
    try:
        await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog) and app.screen.armed,
                     message="the confirmation")
    except AssertionError as error:
        said = [n.message for n in app.said]
        raise AssertionError(f"{error}; notifications: {said}") from None
    assert isinstance(app.screen, ConfirmDialog)
    return app.screen


async def written(pilot: Any, screen: DashboardScreen, ref: SplitRef, prefix: str) -> str:
    """Wait for the detail note of `ref` to start with `prefix` (a write came back) and return it."""
    await settle(pilot, lambda: screen.control.notes.get(ref, "").startswith(prefix),
                 message=f"a note starting {prefix!r} (now {screen.control.notes.get(ref)!r})")
    return screen.control.notes[ref]


async def drawn(pilot: Any, app: MeshtuiApp, kind: type[T]) -> T:
    """Wait for a dialog of `kind` on top, drawn: keys sent before that are dropped."""
    return await settle(pilot, lambda: isinstance(app.screen, kind)
                        and app.screen.drawn_at is not None and app.screen,  # type: ignore[attr-defined]
                        message=f"{kind.__name__} drawn")
