"""Findings on the simulated mesh: the degraded canary explained at a glance, healthy ones left alone.

The default scenario's voting-v2-svc fails 7% of its requests with a p99 of 250 ms (voting-svc:
1%, 20 ms); authors-v2 and books-canary are healthy. Traffic is stepped by hand, so every verdict
below is made on a known amount of evidence.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from meshtui.kube.client import MeshClient
from meshtui.model.split import SplitRef
from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.config import Settings
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.views import backend_rows
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from tests.ui.conftest import WARMUP_SECONDS, warm_up
from tests.waiting import settle

SIZE = (140, 40)
VOTING = SplitRef("HTTPRoute", "policy.linkerd.io", "emojivoto", "voting-split")
AUTHORS = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "authors-split")
BOOKS = SplitRef("TrafficSplit", "split.smi-spec.io", "booksapp", "books")
SHARE_WORDS = ("of requests", "no requests", " gets ")
"""What a finding on traffic shares says, in the checks pane or a navigator note."""


@pytest.fixture
def mesh(sim_mesh_manual: SimulatedMesh, request: pytest.FixtureRequest) -> SimulatedMesh:
    """The default mesh with `request.param` simulated seconds of traffic (65 unless given)."""
    warm_up(sim_mesh_manual, getattr(request, "param", WARMUP_SECONDS))
    return sim_mesh_manual


@pytest.fixture
def app(mesh: SimulatedMesh, mesh_client: MeshClient) -> MeshtuiApp:
    """The dashboard over the simulator's own metrics, on the simulator's clock, no timers."""
    return MeshtuiApp(mesh_client, mesh.source(), Settings(), clock=lambda: mesh.traffic.now, live=False)


def rows(app: MeshtuiApp) -> dict[SplitRef, SplitList.Row]:
    return {row.ref: row for row in app.screen.query_one(SplitList).rows}


async def loaded(pilot, app: MeshtuiApp) -> DashboardScreen:
    await settle(pilot, lambda: isinstance(app.screen, DashboardScreen)
                 and len(app.screen.query_one(SplitList).rows) == 4
                 and app.screen.initial_load_done and app.screen.pipeline.snapshot is not None
                 and app.screen.pipeline.snapshot.signals, message="4 splits with signals", timeout=20)
    return app.dashboard


async def advance(pilot, screen: DashboardScreen, mesh: SimulatedMesh, seconds: int) -> None:
    """Step simulated traffic and refresh until the dashboard shows metrics taken at the new time."""
    warm_up(mesh, seconds)
    now = mesh.traffic.now
    await pilot.press("r")
    await settle(pilot, lambda: screen.pipeline.snapshot.taken_at >= now - 1 and screen.pipeline.idle,
                 message=f"metrics at {now}")


def checks(screen: DashboardScreen, ref: SplitRef) -> list[str]:
    return screen.presenter.checks(screen.state.split(ref))


async def test_degraded_canary_is_flagged_and_explained(app: MeshtuiApp) -> None:
    """voting-v2-svc's figures are the `!`'s reason and a checks line; healthy canaries get no `!`."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        listed = rows(app)
        voting = listed[VOTING]
        assert voting.attention and voting.note.startswith("canary "), voting.note
        assert "success" in voting.note or "p99" in voting.note
        assert not listed[AUTHORS].attention, listed[AUTHORS].note
        assert listed[BOOKS].note == "paused", "books-canary is healthy: only its Rollout's pause"
        found = checks(screen, VOTING)
        assert any(line.startswith("voting-v2-svc: success ") and " vs stable " in line
                   and "(1m, " in line for line in found), found
        assert not [line for line in found if any(word in line for word in SHARE_WORDS)], found
        assert checks(screen, AUTHORS) == []
        screen.select_split(VOTING)
        checks_pane = screen.detail.query_one("#checks")
        await settle(pilot, lambda: "voting-v2-svc: success" in str(checks_pane.render()),
                     message="the finding in the checks pane")


async def test_attention_count_has_one_source(app: MeshtuiApp) -> None:
    """The title's count, the rows marked `!` and the rows the attention view lists are the same number."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        marked = [row for row in rows(app).values() if row.attention]
        title = screen.query_one("#navigator-title")
        assert f"{len(marked)} need attention" in str(title.render())
        assert all(row.note for row in marked), "every ! has its reason"
        await pilot.press("exclamation_mark")
        split_list = screen.query_one(SplitList)
        await settle(pilot, lambda: split_list.visible_count == len(marked), message="the attention view")
        await settle(pilot, lambda: f"needs attention ({len(marked)} of 4)" in str(title.render()),
                     message=f"the title counts the {len(marked)} rows listed")


async def test_an_owner_reason_of_the_bang_is_listed_in_the_detail(app: MeshtuiApp) -> None:
    """books' `!` says "paused" (its Rollout): the detail lists that, not "No problems found"."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        assert rows(app)[BOOKS].note == "paused"
        assert checks(screen, BOOKS) == ["Rollout books: paused"]
        screen.select_split(BOOKS)
        checks_pane = screen.detail.query_one("#checks")
        await settle(pilot, lambda: "Rollout books: paused" in str(checks_pane.render()),
                     message="the owner's reason in the checks pane")
        assert "No problems found" not in str(checks_pane.render())


@pytest.mark.parametrize("mesh", [2], indirect=True)
async def test_no_false_positive_in_the_first_minute(app: MeshtuiApp, mesh: SimulatedMesh) -> None:
    """Two seconds in and every ten seconds after: no share gap, no "no requests", no healthy canary flagged."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        status = screen.query_one(StatusBar)
        label = status.metrics_source
        for second in range(2, 60, 10):
            listed = rows(app)
            assert not listed[AUTHORS].attention, (second, listed[AUTHORS].note)
            assert listed[BOOKS].note == "paused", (second, listed[BOOKS].note)
            for ref, row in listed.items():
                assert not any(word in row.note for word in SHARE_WORDS), (second, ref, row.note)
                found = checks(screen, ref)
                assert not [line for line in found if any(word in line for word in SHARE_WORDS)], \
                    (second, ref, found)
            if second == 2:
                assert not listed[VOTING].attention, "a handful of requests is no verdict"
            await advance(pilot, screen, mesh, 10)
        assert label.endswith("2s of 1m"), f"the young window is labelled: {label}"


async def test_shares_are_not_judged_within_a_window_of_a_change(app: MeshtuiApp, mesh: SimulatedMesh) -> None:
    """30 s after 90/10 became 50/50 the window still holds the old split: not a gap between weights and traffic."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        mesh.store.patch("policy.linkerd.io/v1beta3", "HTTPRoute", "emojivoto", "voting-split",
                         [{"op": "replace", "path": "/spec/rules/0/backendRefs/0/weight", "value": 50},
                          {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 50}],
                         patch_type="json")
        await settle(pilot, lambda: rows(app)[VOTING].percents == (50.0, 50.0), message="50/50 on screen")
        await advance(pilot, screen, mesh, 30)
        split = screen.state.split(VOTING)
        unjudged = backend_rows(split, screen.pipeline.signals, screen.policy)
        assert unjudged[0].name == "voting-svc" and unjudged[0].mismatch, "the window holds mostly 90/10"
        found = checks(screen, VOTING)
        assert not [line for line in found if "of requests" in line], found
        assert "gets" not in rows(app)[VOTING].note
        assert any(line.startswith("voting-v2-svc: success") for line in found), "its failure still shows"
        assert not screen.presenter.judge_shares(split), "the table flags no gap either"


async def test_partial_window_is_labelled_and_legends_show_the_table(app: MeshtuiApp) -> None:
    """65 s into a 5m window: "1m5s of 5m" by the figures and in the status bar; legends = table."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        screen.select_split(VOTING)
        await pilot.press("w")
        chart = screen.query_one("#chart-rps", SignalChart)
        await settle(pilot, lambda: screen.window == "5m" and screen.pipeline.idle
                     and screen.pipeline.history is not None and screen.pipeline.history.window == "5m"
                     and chart.state == "ok", message="the 5m window loaded")
        assert screen.query_one(StatusBar).metrics_source.endswith("1m5s of 5m")
        coverage = screen.detail.query_one("#coverage")
        assert coverage.display and "1m5s of 5m" in str(coverage.render())
        table = backend_rows(screen.state.split(VOTING), screen.pipeline.signals, screen.policy)
        assert chart.data.current == {row.name: row.signals.rps for row in table}
        assert all(row.signals.rps for row in table)


@pytest.fixture
def control_app(mesh: SimulatedMesh, mesh_client: MeshClient, make_control_app: Callable) -> MeshtuiApp:
    """The dashboard on the default scenario with a writer, on the simulator's clock."""
    _, writer = make_control_app()
    return MeshtuiApp(mesh_client, mesh.source(), Settings(), writer=writer,
                      clock=lambda: mesh.traffic.now, live=False)


async def voting_failing(pilot, app: MeshtuiApp) -> DashboardScreen:
    """Every list in, voting-split selected, its degraded canary judged failing."""
    screen = await loaded(pilot, app)
    await settle(pilot, lambda: screen.pipeline.all_listed(screen.state), message="every list")
    screen.select_split(VOTING)
    await settle(pilot, lambda: screen.selected == VOTING
                 and screen.presenter.failing(screen.state.split(VOTING)),
                 message="voting-split selected, its canary failing")
    return screen


async def dialog_warnings(pilot, app: MeshtuiApp, *keys: str) -> tuple[str, ...]:
    """Press `keys` and return the warnings of the confirmation they open."""
    await pilot.press(*keys)
    await settle(pilot, lambda: isinstance(app.screen, ConfirmDialog), message="the dialog")
    return app.screen.confirmation.warnings


async def test_promote_dialog_names_the_failing_figure(control_app: MeshtuiApp) -> None:
    """Promoting the degraded canary warns with its figure before anything is written."""
    app = control_app
    async with app.run_test(size=SIZE) as pilot:
        await voting_failing(pilot, app)
        warnings = await dialog_warnings(pilot, app, "P")
        assert warnings and warnings[0].startswith("Promoting despite a failing check: voting-v2-svc: "), warnings
        assert " vs stable " in warnings[0]
        await pilot.press("escape")


async def test_weight_dialog_warns_before_sending_traffic_to_a_failing_backend(
        control_app: MeshtuiApp) -> None:
    """`+` on the degraded canary then `a`: the dialog leads with its failing figure; `-` (the
    canary loses traffic) carries no such warning."""
    app = control_app
    async with app.run_test(size=SIZE) as pilot:
        await voting_failing(pilot, app)
        for key, warned in (("+", True), ("-", False)):
            warnings = await dialog_warnings(pilot, app, "escape", key, "a")
            gaining = [w for w in warnings if w.startswith("Sending more traffic to a failing backend")]
            assert bool(gaining) == warned, (key, warnings)
            if warned:
                assert gaining[0].startswith("Sending more traffic to a failing backend: voting-v2-svc: ")
            await pilot.press("escape")
            await settle(pilot, lambda: isinstance(app.screen, DashboardScreen), message="back")


async def test_marking_a_failing_backend_stable_warns(control_app: MeshtuiApp) -> None:
    """`s` on the degraded canary: the dialog says it is failing and what `0` would then do."""
    app = control_app
    async with app.run_test(size=SIZE) as pilot:
        await voting_failing(pilot, app)
        warnings = await dialog_warnings(pilot, app, "s")
        assert warnings[0].startswith("Marking a failing backend stable (0 would then send it all "
                                      "traffic): voting-v2-svc: "), warnings
