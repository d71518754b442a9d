"""Chart legends: every backend told apart, and a value only for a backend with traffic now."""

from __future__ import annotations

from collections.abc import Callable

from meshtui.sim.mesh import SimulatedMesh
from meshtui.ui.app import MeshtuiApp
from meshtui.ui.widgets.signal_chart import SignalChart
from tests.ui.control_helpers import PODINFO, VOTING
from tests.ui.test_dashboard import SIZE, loaded
from tests.waiting import settle


def legend(chart: SignalChart) -> str:
    """The chart's legend lines as drawn (a legend too wide for one line wraps onto a second)."""
    lines = ["".join(segment.text for segment in chart.render_line(y)) for y in (1, 2)]
    return "  ".join(line.rstrip() for line in lines if "●" in line or "+" in line)


def legend_names(chart: SignalChart) -> list[str]:
    """The series labels of the legend (the word after each ●)."""
    return [part.split()[0] for part in legend(chart).split("●")[1:] if part.strip()]


async def shown(pilot, app: MeshtuiApp, ref) -> SignalChart:
    screen = await loaded(pilot, app)
    screen.select_split(ref)
    chart = app.screen.query_one("#chart-p99", SignalChart)
    await settle(pilot, lambda: chart.state == "ok" and len(legend_names(chart)) == 2,
                 message=f"the legend of {ref.name} (now {legend(chart)!r})")
    return chart


async def test_legends_tell_the_backends_apart(make_app: Callable[..., MeshtuiApp]) -> None:
    """voting-svc / voting-v2-svc and podinfo-primary / podinfo-canary never share a label."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        for ref in (VOTING, PODINFO):
            chart = await shown(pilot, app, ref)
            names = legend_names(chart)
            assert len(set(names)) == 2, legend(chart)


async def test_no_legend_value_for_a_backend_without_traffic(make_app: Callable[..., MeshtuiApp],
                                                            mesh: SimulatedMesh) -> None:
    """voting-v2-svc at 0% for a while: its p99 legend says "—", as the table does, not the last
    figure it had before its traffic stopped."""
    mesh.store.patch("policy.linkerd.io/v1beta3", "HTTPRoute", "emojivoto", "voting-split",
                     [{"op": "replace", "path": "/spec/rules/0/backendRefs/0/weight", "value": 100},
                      {"op": "replace", "path": "/spec/rules/0/backendRefs/1/weight", "value": 0}],
                     patch_type="json")
    for _ in range(90):
        mesh.traffic.step(1.0)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        chart = await shown(pilot, app, VOTING)
        series = chart._data.series["voting-v2-svc"]
        assert any(value is not None for _, value in series), "no earlier p99 to linger"
        assert list(chart._data.series) == ["voting-svc", "voting-v2-svc"]
        v2 = legend(chart).split("●")[2]
        row = [str(c) for c in app.dashboard.detail.query_one("#backends").get_row_at(1)]
        assert row[0] == "voting-v2-svc" and row[-1] == "—", row
        assert "—" in v2, legend(chart)


async def test_the_three_legends_label_a_backend_alike(make_app: Callable[..., MeshtuiApp]) -> None:
    """At 140x40, voting-split's success, rps and p99 legends all name both backends, by their
    roles and with the same words, never cut to "a…s" or hidden behind "+1 more"."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await loaded(pilot, app)
        screen.select_split(VOTING)

        def charts() -> list[SignalChart]:
            return [app.screen.query_one(f"#chart-{chart_id}", SignalChart)
                    for chart_id in ("success", "rps", "p99")]

        await settle(pilot, lambda: all(chart.state == "ok" and len(legend_names(chart)) == 2
                                        for chart in charts()),
                     message=f"voting-split's legends (now {[legend(c) for c in charts()]!r})")
        for chart in charts():
            assert legend_names(chart) == ["stable", "canary"], legend(chart)
            assert "more" not in legend(chart) and "…" not in legend(chart), legend(chart)
