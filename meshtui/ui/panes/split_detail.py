"""The right-hand pane: everything about the selected split, or an overview when none is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from meshtui.model.split import Split
from meshtui.rollout.status import PlanStatus, plan_status
from meshtui.ui.literal import literal
from meshtui.ui.panes._static import update_text
from meshtui.ui.panes.weight_editor import EditorView, WeightEditor
from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.owner_panel import OwnerPanel
from meshtui.ui.widgets.plan_timeline import PlanTimeline
from meshtui.ui.widgets.signal_chart import SignalChart


TITLE_PART_LIMIT = 80
"""Cells each name in the title may take, so the service and owner stay on screen."""
CHECK_LIMIT = 240
"""Cells of one finding (about three lines): a finding quoting a huge name stays readable."""
SHOWN_CHECKS = 12
"""Findings listed under the charts; the rest are counted (a split of 64 missing backends has 64)."""


def _percent(value: float) -> str:
    return f"{value:.1f}%"


def _rps(value: float) -> str:
    return f"{value:.1f}"


def _ms(value: float) -> str:
    return f"{value:.0f}"


@dataclass(frozen=True)
class ChartView:
    """What one chart shows."""

    series: Mapping[str, Sequence[tuple[float, float | None]]]
    """Backend name → points."""
    start: float
    """Left edge of the x-axis (epoch seconds)."""
    end: float
    """Right edge of the x-axis."""
    markers: Sequence[float] = ()
    """Times the split's weights changed."""
    threshold: float | None = None
    """Horizontal line (e.g. the success-rate warn level)."""
    roles: Mapping[str, str] = field(default_factory=dict)
    """Backend name → ``"stable"``/``"canary"``, so each series is drawn in its role's colour."""
    current: Mapping[str, float | None] | None = None
    """Backend name → the figure its legend shows: the table's, over the same window."""
    labels: Mapping[str, str] | None = None
    """Backend name → its legend label, the same in every chart of the split."""


@dataclass(frozen=True)
class DetailView:
    """The whole pane's content for one split."""

    split: Split
    """The split shown."""
    owner_state: Any
    """Its owner's `CanaryState`/`RolloutState`, or None."""
    rows: Sequence[BackendTable.Row]
    """Backend table rows."""
    charts: Mapping[str, ChartView] = field(default_factory=dict)
    """Chart id ("success", "rps", "p99") → content; absent charts are left as they are."""
    chart_state: str = "empty"
    """"ok", "stale", "unavailable" or "empty" for every chart."""
    chart_message: str = ""
    """Shown with the charts when they have nothing to plot, or why."""
    checks: Sequence[str] = ()
    """Mesh and traffic findings for this split."""
    editor: EditorView | None = None
    """Live and pending weights for the weight sliders."""
    coverage: str = ""
    """Set while data covers only part of the metrics window, e.g. "1m of 5m"."""
    sources: str = ""
    """Which metric families and window the table's figures come from (`describe_sources`)."""


def detail_title(split: Split) -> Text:
    """``TrafficSplit ns/name  → service  owned by Kind name``, every name drawn literally."""
    title = Text.assemble((split.kind, "bold"), " ",
                          literal(f"{split.namespace}/{split.name}", limit=TITLE_PART_LIMIT),
                          "  → ", literal(split.service, limit=TITLE_PART_LIMIT), end="")
    if split.owner:
        title.append("  owned by ")
        title.append_text(literal(f"{split.owner.kind} {split.owner.name}".rstrip(),
                                  limit=TITLE_PART_LIMIT))
    return title


class SplitDetail(Vertical):
    """Backends with their configured and observed shares, signal charts, owner state, checks."""

    def compose(self) -> ComposeResult:
        """Lay out the title, owner, table, charts and checks."""
        yield Static("Select a split", id="detail-title")
        yield OwnerPanel(id="owner")
        yield Static("", id="figures-age")
        yield Static("", id="coverage")
        yield BackendTable(id="backends")
        yield Static("", id="sources")
        yield WeightEditor(id="editor")
        yield PlanTimeline(id="plan")
        with Horizontal(id="charts"):
            yield SignalChart("success rate", "%", value_format=_percent, y_max=100,
                              id="chart-success")
            yield SignalChart("requests", "rps", value_format=_rps, y_min=0, id="chart-rps")
            yield SignalChart("p99 latency", "ms", value_format=_ms, y_min=0, id="chart-p99")
        yield Static("", id="checks")

    def show(self, view: DetailView | None, *, empty_text: str = "Select a split") -> None:
        """Show one split, or an explanatory text when `view` is None.

        Args:
            view: What to show.
            empty_text: The title text when nothing is selected.
        """
        self.set_class(view is None, "-empty")
        title = self.query_one("#detail-title", Static)
        if view is None:
            update_text(title, empty_text)
            return
        split = view.split
        update_text(title, detail_title(split))
        gates = getattr(self.screen, "gate_states", {}).get(split.ref)
        self.query_one(OwnerPanel).show(split.owner, view.owner_state, gates)
        coverage = self.query_one("#coverage", Static)
        if view.coverage:
            update_text(coverage, f"figures over {view.coverage}: metrics cover only part of the "
                                  "window so far")
        coverage.set_class(bool(view.coverage), "-partial")
        self.query_one(BackendTable).set_rows(view.rows)
        sources = self.query_one("#sources", Static)
        update_text(sources, Text(f"figures from {view.sources}" if view.sources else ""))
        sources.set_class(bool(view.sources), "-said")
        self.query_one(WeightEditor).show(view.editor)
        status = plan_status(split)
        self.show_plan(split, status)
        self.show_charts(view, status)
        checks = self.query_one("#checks", Static)
        lines = [Text.assemble("• ", literal(line, limit=CHECK_LIMIT))
                 for line in view.checks[:SHOWN_CHECKS]]
        if len(view.checks) > SHOWN_CHECKS:
            lines.append(Text(f"+{len(view.checks) - SHOWN_CHECKS} more"))
        update_text(checks, Text("\n").join(lines) if lines else Text("No problems found"))
        checks.set_class(bool(view.checks), "-problems")

    def show_data_age(self, text: str) -> None:
        """Say over the table how old its figures are and why (hidden when they are fresh)."""
        note = self.query_one("#figures-age", Static)
        if str(note.content) != text:
            note.update(Text(text))  # literal: the error comes from the metrics source
        note.display = bool(text)

    def show_plan(self, split: Split, status: PlanStatus | None) -> None:
        """Show the split's plan timeline (hidden when it has none).

        The screen, when it has them, gives the clock and who drives the plan (its Lease).
        """
        screen = self.screen
        clock = getattr(screen, "clock", None)
        runners = getattr(screen, "plan_runners", {})
        self.query_one(PlanTimeline).show(status, now=clock() if clock else 0.0,
                                          runner=runners.get(split.ref, ""))

    def show_charts(self, view: DetailView, status: PlanStatus | None = None) -> None:
        """Push series and state into the three charts.

        A plan's current (or next) analysis bounds replace the charts' own thresholds, so what
        the runner checks is what is drawn.
        """
        bounds: dict[str, float] = {}
        if status is not None and status.success_rate is not None:
            bounds["success"] = status.success_rate.value
        if status is not None and status.latency_p99 is not None:
            bounds["p99"] = status.latency_p99.value
        for chart_id in ("success", "rps", "p99"):
            chart = self.query_one(f"#chart-{chart_id}", SignalChart)
            content = view.charts.get(chart_id)
            if content is not None:
                chart.set_series(content.series, start=content.start, end=content.end,
                                 markers=content.markers,
                                 threshold=bounds.get(chart_id, content.threshold),
                                 roles=content.roles, current=content.current,
                                 labels=content.labels)
            chart.state = view.chart_state
            chart.message = view.chart_message

    def focus_backends(self) -> None:
        """Move keyboard focus to the backend table (enter on a split)."""
        if not self.has_class("-empty"):
            self.query_one(BackendTable).focus()

