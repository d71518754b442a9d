"""The right-hand pane: everything about the selected split, or an overview when none is."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from meshtui.model.signals import CHARTED
from meshtui.model.split import Split
from meshtui.rollout.status import PlanStatus, plan_status
from meshtui.ui.literal import literal
from meshtui.ui.panes._static import update_text
from meshtui.ui.panes.weight_editor import EditorView, WeightEditor
from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.owner_panel import OwnerPanel
from meshtui.ui.widgets.plan_timeline import PlanTimeline
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.signal_sparklines import SignalSparklines, SparkLine


TITLE_PART_LIMIT = 80
"""Cells each name in the title may take, so the service and owner stay on screen."""
CHECK_LIMIT = 240
"""Cells of one finding (about three lines): a finding quoting a huge name stays readable."""
CHARTS_MIN_WIDTH = 84
"""Cells of the pane below which its charts are stacked or become sparklines: three charts side
by side need about 28 cells each for their titles, legends and axes to be read."""
STACK_MIN_HEIGHT = 36
"""Rows of a pane too narrow for charts side by side from which they are stacked instead of
becoming sparklines: each then keeps about seven rows."""
SHOWN_CHECKS = 12
"""Findings listed under the charts; the rest are counted (a split of 64 missing backends has 64)."""


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
    """Chart id (the `SignalSpec.column` of a charted signal) → content; absent charts are left
    as they are."""
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
    gates: Mapping[str, str] | None = None
    """Load tester gate → state, as last read for the owner (None: not read)."""
    runner: str = ""
    """Who drives the split's plan, from its Lease ("" until read)."""
    now: float = field(default=0.0, compare=False)
    """Wall-clock time the view was made, for the plan's countdown (a view that differs only in
    this is the same view: the countdown ticks on its own)."""
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
            for spec in CHARTED:
                yield SignalChart(spec.title, spec.unit, value_format=spec.axis, y_min=spec.y_min,
                                  y_max=spec.y_max, id=f"chart-{spec.column}")
        yield SignalSparklines(id="sparklines")
        yield Static("", id="checks")

    def on_resize(self) -> None:
        """Stack the charts, or draw sparklines instead, when three side by side would not be
        readable."""
        width, height = self.size
        narrow = 0 < width < CHARTS_MIN_WIDTH
        self.set_class(narrow and height >= STACK_MIN_HEIGHT, "-stacked")
        self.set_class(narrow and height < STACK_MIN_HEIGHT, "-sparklines")

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
        self.show_owner(split, view.owner_state, view.gates)
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
        self.show_plan(split, status, now=view.now, runner=view.runner)
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

    def show_owner(self, split: Split, owner_state: Any, gates: Mapping[str, str] | None) -> None:
        """Show the split's owner, its state and its load tester gates."""
        self.query_one(OwnerPanel).show(split.owner, owner_state, gates)

    def show_plan(self, split: Split, status: PlanStatus | None, *, now: float,
                  runner: str) -> None:
        """Show the split's plan timeline (hidden when it has none).

        Args:
            split: The split.
            status: Its plan's status, or None.
            now: Wall-clock time, for the countdown.
            runner: Who drives the plan (its Lease), "" when unknown.
        """
        self.query_one(PlanTimeline).show(status, now=now, runner=runner)

    def tick_plan(self, now: float) -> None:
        """Move the plan's countdown on to `now` (when a plan shows)."""
        timeline = self.query_one(PlanTimeline)
        if timeline.status is not None:
            timeline.now = now

    def show_charts(self, view: DetailView, status: PlanStatus | None = None) -> None:
        """Push series and state into the charts.

        A plan's current (or next) analysis bounds replace the charts' own thresholds, so what
        the runner checks is what is drawn.
        """
        for spec in CHARTED:
            chart = self.query_one(f"#chart-{spec.column}", SignalChart)
            content = view.charts.get(spec.column)
            bound = getattr(status, spec.plan_bound, None) if spec.plan_bound else None
            if content is not None:
                chart.set_series(content.series, start=content.start, end=content.end,
                                 markers=content.markers,
                                 threshold=content.threshold if bound is None else bound.value,
                                 roles=content.roles, current=content.current,
                                 labels=content.labels)
            chart.state = view.chart_state
            chart.message = view.chart_message
        self.query_one(SignalSparklines).show(
            [SparkLine(spec.title, spec.axis, content.series, content.labels or {}, content.roles,
                       content.current)
             for spec in CHARTED if (content := view.charts.get(spec.column)) is not None],
            view.chart_state, view.chart_message)

    def focus_backends(self) -> None:
        """Move keyboard focus to the backend table (enter on a split)."""
        if not self.has_class("-empty"):
            self.query_one(BackendTable).focus()

