"""BackendTable, OwnerPanel, StatusBar and WeightBar through harness apps."""

from __future__ import annotations

from rich.text import Text

from meshtui.model.owners import CanaryState, RolloutState, Webhook
from meshtui.model.ownership import Owner
from meshtui.model.signals import GoldenSignals
from meshtui.ui.widgets import BackendTable, OwnerPanel, StatusBar, WeightBar
from meshtui.ui.widgets._styles import component_fg
from tests.ui.widgets.harness import WidgetApp
from tests.waiting import settle

STABLE = BackendTable.Row("web", "stable", 80.0, 78.5, GoldenSignals(0.9995, 120.3, 12.0, 45.0, 120.0), False)
CANARY = BackendTable.Row("web-canary", "canary", 20.0, 2.1, GoldenSignals(0.962, 3.1, 14.0, 80.0, 1300.0), True)
IDLE = BackendTable.Row("web-old", "", None, None, None, False)


def canary_state(**overrides: object) -> CanaryState:
    """A Flagger Canary mid-analysis."""
    values: dict[str, object] = dict(
        name="web", namespace="shop", phase="Progressing", canary_weight=20, suspended=False,
        skip_analysis=False, failed_checks=2, iterations=3, target="web", apex="web", max_weight=50,
        step_weight=10, webhooks=(Webhook("ask-promote", "confirm-promotion", "http://gate/"),
                                  Webhook("load", "rollout", "http://loadtester/")),
    )
    values.update(overrides)
    return CanaryState(**values)  # type: ignore[arg-type]


def rollout_state(**overrides: object) -> RolloutState:
    """An Argo Rollout paused at a step."""
    values: dict[str, object] = dict(
        name="web", namespace="shop", phase="Paused", message="CanaryPauseStep", current_step_index=3,
        step_count=8, set_weight=40, paused=True, pause_conditions=("CanaryPauseStep",), aborted=False,
        promote_full=False, canary_service="web-canary", stable_service="web", traffic_split_name="web",
    )
    values.update(overrides)
    return RolloutState(**values)  # type: ignore[arg-type]


def plain_cells(table: BackendTable) -> list[list[str]]:
    """Every cell's plain text, row by row."""
    return [[Text.from_markup(c).plain if isinstance(c, str) else c.plain for c in table.get_row_at(i)]
            for i in range(table.row_count)]


async def test_backend_table_cells_and_missing_values() -> None:
    """Cells are formatted, coloured by meaning, mismatches flagged and gaps dashed."""
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows([STABLE, CANARY, IDLE]))
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 3)
        assert [str(c.label) for c in table.columns.values()] == [
            "BACKEND", "ROLE", "WEIGHT", "OBSERVED", "SUCCESS", "RPS", "P50", "P95", "P99"]
        cells = plain_cells(table)
        assert cells[0] == ["web", "stable", "80%", "78.5%", "99.95%", "120", "12ms", "45ms", "120ms"]
        assert cells[1][3] == "⚠ 2.1%"  # the mismatch is flagged
        assert cells[2][2:] == ["—"] * 7
        mismatch = table.get_row_at(1)[3]
        assert mismatch.style == component_fg(table, "backend-table--mismatch")
        amber = table.get_row_at(1)[4]  # 96.2% is between the bad (95%) and warn (99%) lines
        assert amber.style == component_fg(table, "backend-table--warn")


async def test_backend_table_updates_in_place_when_backends_unchanged() -> None:
    """Same backends: only changed cells update and the cursor stays; new backends rebuild."""
    app = WidgetApp(lambda: [BackendTable()], lambda a: a.query_one(BackendTable).set_rows([STABLE, CANARY]))
    async with app.run_test(size=(100, 12)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 2)
        table.focus()
        await pilot.press("j")
        assert table.cursor_row == 1
        updates: list[tuple[object, object]] = []
        original = table.update_cell

        def spy(row_key, column_key, value, **kwargs):
            updates.append((row_key, column_key))
            return original(row_key, column_key, value, **kwargs)

        table.update_cell = spy  # type: ignore[method-assign]
        faster = BackendTable.Row("web-canary", "canary", 20.0, 19.0,
                                  GoldenSignals(0.999, 30.0, 14.0, 80.0, 1300.0), False)
        table.set_rows([STABLE, faster])
        assert sorted(updates) == [("web-canary", "observed"), ("web-canary", "rps"), ("web-canary", "success")]
        assert table.cursor_row == 1
        assert plain_cells(table)[1][3] == "19.0%"
        table.set_rows([CANARY, STABLE, IDLE])  # different backends: rebuilt, cursor follows its backend
        assert table.row_count == 3
        assert table.cursor_row == 0


async def test_backend_table_accepts_rows_before_mount() -> None:
    """Rows given before mounting are shown once mounted."""
    def build():
        table = BackendTable()
        table.set_rows([STABLE])
        return [table]

    app = WidgetApp(build)
    async with app.run_test(size=(100, 8)) as pilot:
        table = app.query_one(BackendTable)
        await settle(pilot, until=lambda: table.row_count == 1)
        assert plain_cells(table)[0][0] == "web"


def rendered(widget) -> str:
    """The plain text a render()-based widget draws."""
    return widget.render().plain


async def test_owner_panel_states() -> None:
    """Flagger, Argo, unknown owners and no owner each read correctly."""
    app = WidgetApp(lambda: [OwnerPanel()])
    async with app.run_test(size=(100, 8)) as pilot:
        panel = app.query_one(OwnerPanel)
        panel.show(None, None)
        assert rendered(panel).startswith("No controller")
        assert panel.has_class("-unowned")
        panel.show(Owner("Canary", "web", "flagger.app/v1beta1", "flagger"), canary_state())
        text = rendered(panel)
        assert text.splitlines()[0] == "Flagger  ·  Canary/web"
        assert "phase Progressing" in text and "canary weight 20% of max 50%" in text
        assert "failed checks 2" in text
        assert "gates ask-promote (confirm-promotion)" in text and "loadtester" not in text
        panel.show(Owner("Rollout", "web", "argoproj.io/v1alpha1", "argo-rollouts"), rollout_state())
        text = rendered(panel)
        assert "Argo Rollouts" in text and "step 3/8" in text and "paused CanaryPauseStep" in text
        assert text.count("CanaryPauseStep") == 1, "a message repeating the pause reason is said once"
        panel.show(Owner("Rollout", "web", "argoproj.io/v1alpha1", "argo-rollouts"),
                   rollout_state(phase="Degraded", aborted=True, paused=False, pause_conditions=()))
        assert "aborted" in rendered(panel)
        panel.show(Owner("Deployer", "x", "example.com/v1", "other"), None)
        assert "edits may be reverted" in rendered(panel) and "state not known yet" in rendered(panel)
        await pilot.pause()
        assert panel.size.height == 2


async def test_status_bar_repaints_the_age_only_when_its_text_changes(monkeypatch) -> None:
    app = WidgetApp(lambda: [StatusBar()])
    async with app.run_test(size=(130, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.metrics_state, bar.data_age = "ok", 4.2
        await pilot.pause()
        renders = []
        original = StatusBar.render
        monkeypatch.setattr(StatusBar, "render", lambda self: renders.append(1) or original(self))
        bar.data_age = 4.4
        await pilot.pause()
        await pilot.pause()
        assert renders == [] and "4s ago" in rendered(bar)
        renders.clear()
        bar.data_age = 5.1
        await settle(pilot, lambda: renders, message="the new age drawn")
        assert "5s ago" in rendered(bar)


async def test_status_bar_fields_and_badge() -> None:
    """All fields show, the badge sits right, and narrow bars shorten free text first."""
    app = WidgetApp(lambda: [StatusBar()])
    async with app.run_test(size=(130, 3)) as pilot:
        bar = app.query_one(StatusBar)
        bar.context = "kind-mesh"
        bar.scope = "all namespaces"
        bar.connection = "connected"
        bar.metrics_source = "prometheus 127.0.0.1:9090"
        bar.metrics_state = "ok"
        bar.data_age = 4.2
        await pilot.pause()
        text = rendered(bar)
        assert "⎈ kind-mesh" in text and "● connected" in text and "4s ago" in text
        assert "READ-ONLY" not in text
        bar.read_only = True
        bar.connection = "disconnected"
        bar.connection_detail = "connection refused"
        bar.metrics_state = "stale"
        text = rendered(bar)
        assert text.rstrip().endswith("READ-ONLY")
        assert "✕ disconnected connection refused" in text and "stale" in text
        assert len(text) == bar.size.width
        await pilot.resize_terminal(100, 3)
        await settle(pilot, until=lambda: bar.size.width == 100)
        text = rendered(bar)
        # Narrow: the free-form detail is shortened, the states and the badge stay.
        assert "✕ disconnected co" in text and "…" in text and "stale" in text
        assert text.endswith("READ-ONLY ") and len(text) == 100
        bar.read_only = False
        bar.dry_run = True
        text = rendered(bar)
        assert text.endswith(" DRY-RUN ") and "READ-ONLY" not in text and len(text) == 100


async def test_weight_bar_widget_shows_pending_split() -> None:
    """A pending split adds a second line that goes away once applied."""
    app = WidgetApp(lambda: [WeightBar((90.0, 10.0))])
    async with app.run_test(size=(40, 4)) as pilot:
        bar = app.query_one(WeightBar)
        assert rendered(bar).endswith("90/10")
        bar.pending = (70.0, 30.0)
        await settle(pilot, until=lambda: bar.size.height == 2)
        lines = rendered(bar).splitlines()
        assert lines[1].endswith("→ 70/30")
        assert all(len(line) == 40 for line in lines)
        bar.pending = None
        await settle(pilot, until=lambda: bar.size.height == 1)
