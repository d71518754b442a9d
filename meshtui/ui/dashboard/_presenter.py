"""Redraw the dashboard's widgets from its state: navigator rows, detail pane, status bar.

Kept apart from the screen so the screen reads as "what happens when", and this module as
"what is shown".
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from meshtui.model.durations import format_duration
from meshtui.model.findings import Window, shares_judged
from meshtui.model.health import SplitHealth, backend_key, backend_role
from meshtui.model.signals import CHARTED, NO_DATA, describe_sources
from meshtui.model.windows import WINDOW_SECONDS
from meshtui.ui.literal import MESSAGE_LIMIT, literal
from meshtui.ui.panes._static import update_text
from meshtui.ui.panes.split_detail import ChartView, DetailView
from meshtui.ui.row_cache import RowCache
from meshtui.ui.views import (
    backend_rows,
    chart_series,
    current_figures,
    health_of,
    scoped,
)
from meshtui.ui.widgets._legend_labels import legend_labels
from meshtui.ui.widgets._split_fleet import SORT_LABELS, STABLE_PREFIX
from meshtui.ui.widgets.split_list import SplitList

if TYPE_CHECKING:
    from meshtui.model.split import Split
    from meshtui.ui.dashboard._screen import DashboardScreen


class Presenter:
    """Pushes the screen's state into its widgets."""

    def __init__(self, screen: DashboardScreen) -> None:
        """Create the presenter of one screen."""
        self.screen = screen
        self.row_cache = RowCache()
        """Navigator rows kept between redraws (only changed splits are rebuilt)."""
        self._title: Text | None = None
        self._detail: object = object()
        self._mesh_checks: tuple[object, list] = (None, [])

    @property
    def data_age(self) -> float | None:
        """Seconds since the metrics on screen arrived, or None before the first fetch."""
        fetched_at = self.screen.pipeline.fetched_at
        return None if fetched_at is None else max(0.0, self.screen.clock() - fetched_at)

    @property
    def stale(self) -> bool:
        """True when the metrics on screen are older than the stale threshold."""
        age = self.data_age
        return age is not None and age > self.screen.settings.stale_seconds

    @property
    def metrics_state(self) -> str:
        """"none", "unavailable", "stale" or "ok" for the status bar."""
        pipeline = self.screen.pipeline
        if pipeline.metrics is None:
            return "none"
        if pipeline.error is not None:
            return "unavailable"
        return "stale" if self.stale else "ok"

    def refresh_all(self) -> None:
        """Redraw everything in one batch."""
        with self.screen.app.batch_update():
            self.refresh_navigator()
            self.refresh_detail()
            self.refresh_status()
            self.screen.services.refresh()

    @property
    def window(self) -> Window:
        """The window the figures on screen are over, and how much of it data covers.

        Until a fetch over a newly chosen window returns, the figures are still the old window's.
        """
        pipeline = self.screen.pipeline
        snapshot = pipeline.snapshot
        return Window(WINDOW_SECONDS[pipeline.window or self.screen.window],
                      snapshot.covered if snapshot is not None else None)

    def since_change(self, split: Split) -> float | None:
        """Seconds since the split's weights can last have changed, None when nothing tells."""
        changed = self.screen.weight_log.last_change(split.ref)
        return None if changed is None else self.screen.clock() - changed

    def health(self, split: Split) -> SplitHealth:
        """The verdict on `split` from what is on screen (the navigator row's, worded in full)."""
        screen = self.screen
        return health_of(split, screen.state.owner_state(split), screen.pipeline.signals,
                         screen.policy, self.window, self.since_change(split))

    def failing(self, split: Split, backends: Collection[str] | None = None) -> list[str]:
        """The success and latency findings on `split`'s backends (only `backends` when given),
        for the dialogs that would promote or send traffic to them."""
        return [finding.message for finding in self.health(split).findings
                if finding.kind in ("success", "latency")
                and (backends is None or finding.backend in backends)]

    def refresh_navigator(self) -> None:
        """Rebuild the navigator rows for the scope."""
        screen = self.screen
        rows = self.row_cache.rows(screen.state, screen.scope, screen.pipeline.signals, screen.policy,
                                   self.window, screen.weight_log.last_change, screen.clock())
        screen.split_list.set_rows(rows)
        self.refresh_navigator_title()
        screen.query_one("#navigator").set_class(self.disconnected, "-disconnected")

    def refresh_navigator_title(self) -> None:
        """Title: scope, number of splits, and how many need attention.

        The attention view counts the rows it lists and the splits view counts both, each from
        the same rows, so the two numbers can never disagree.
        """
        rows = self.screen.query_one(SplitList).rows
        attention = sum(1 for row in rows if row.attention)
        scope = self.screen.scope or "all namespaces"
        if self.screen.attention_only:
            title = Text.assemble(("needs attention", "bold"), f" ({attention} of {len(rows)}) · ",
                                  literal(scope, limit=60), end="")
        else:
            title = Text.assemble(("splits", "bold"), f" ({len(rows)}) · ", literal(scope, limit=60),
                                  end="")
            if attention:
                title.append_text(Text.assemble(" · ", (str(attention), "bold"), " need attention"))
        split_list = self.screen.split_list
        if split_list.sort:
            title.append(f" · by {SORT_LABELS[split_list.sort]}")
        if split_list.fleet and split_list.wide:
            title.append(f" · {STABLE_PREFIX} = stable backend")
        if title != self._title:
            # A reflow costs the whole screen: update_text asks for one only for a new size.
            self._title = title
            update_text(self.screen.query_one("#navigator-title", Static), title)

    @property
    def disconnected(self) -> bool:
        """True when any watch reports the API server unreachable."""
        return any(not connected for connected, _ in self.screen.connections.values())

    def refresh_status(self) -> None:
        """Context, scope, connection, metrics source and data age."""
        screen = self.screen
        status = screen.status
        pipeline = screen.pipeline
        cluster = getattr(screen.mesh, "cluster", None)
        status.context = str(getattr(cluster, "context", "") or "")
        status.insecure = getattr(cluster, "verify", True) is False
        status.scope = screen.scope or "all namespaces"
        if not screen.connections:
            status.connection, status.connection_detail = "connecting", ""
        elif self.disconnected:
            errors = sorted({error for connected, error in screen.connections.values()
                             if not connected and error})
            status.connection, status.connection_detail = "disconnected", "retrying"
            status.tooltip = literal(errors[0], limit=MESSAGE_LIMIT) if errors else None
        else:
            status.connection, status.connection_detail = "connected", ""
            if status.tooltip is not None:  # setting it, even to None, updates the screen's tooltip
                status.tooltip = None
        status.metrics_source = (f"{pipeline.metrics.name} · {self.window.label}"
                                 if pipeline.metrics is not None else "no metrics source")
        status.metrics_state = self.metrics_state
        status.read_only = screen.control.read_only
        status.dry_run = screen.control.dry_run
        status.data_age = self.data_age

    def refresh_freshness(self) -> None:
        """Age the data on screen (called every second when live)."""
        was_stale = self.screen.detail.has_class("-stale")
        self.refresh_status()
        if was_stale != self.stale:
            self.refresh_detail()
        else:
            self.screen.detail.show_data_age(self.figures_age())

    def figures_age(self) -> str:
        """Why the figures on screen may not be true now, with their age; empty when fresh."""
        screen = self.screen
        notes = []
        age = self.data_age
        error = screen.pipeline.error
        snapshot = screen.pipeline.snapshot
        shown = snapshot is not None and bool(snapshot.signals)
        if age is not None and shown and (self.stale or error is not None):
            why = f": {error}" if error else ": no newer answer from the metrics source"
            notes.append(f"⚠ figures from {format_duration(age)} ago{why}")
        if self.disconnected:
            notes.append("⚠ API server unreachable: weights and owners as last seen")
        return "\n".join(notes)

    def refresh_detail(self) -> None:
        """Show the selected split, or an overview when there is none."""
        screen = self.screen
        split = screen.state.split(screen.selected) if screen.selected is not None else None
        screen.detail.set_class(self.stale, "-stale")
        screen.detail.show_data_age(self.figures_age())
        screen.traffic.sync_bindings()
        if split is None:
            self._show_detail(None, self.overview())
            return
        signals = screen.pipeline.signals
        state, message = self.chart_state(split)
        owner_state = screen.state.owner_state(split)
        self._show_detail(DetailView(
            split=split,
            owner_state=owner_state,
            rows=backend_rows(split, signals, screen.policy, owner_state, self.judge_shares(split)),
            charts=self.charts(split),
            chart_state=state,
            chart_message=message,
            checks=self.checks(split),
            editor=screen.control.editor_view(split),
            coverage="" if self.window.full else self.window.label,
            gates=screen.traffic.gates.get(split.ref),
            runner=screen.plans.runners.get(split.ref, ""),
            now=screen.clock(),
            sources=describe_sources(signals.get(backend_key(b), NO_DATA).source
                                     for b in split.backends),
        ))

    def _show_detail(self, view: DetailView | None, empty_text: str = "") -> None:
        """Push `view` into the pane unless it is what the pane already shows."""
        shown = (view, empty_text)
        if shown == self._detail:
            return
        self._detail = shown
        self.screen.detail.show(view, empty_text=empty_text)

    def overview(self) -> str:
        """What the detail pane says when no split is selected."""
        splits = scoped(self.screen.state.splits(), self.screen.scope)
        if not splits:
            return "No traffic splits in scope. TrafficSplits and weighted HTTPRoutes appear here."
        return "Select a split to see its backends, signals and owner."

    def chart_state(self, split: Split) -> tuple[str, str]:
        """The charts' state and message for `split`."""
        pipeline = self.screen.pipeline
        if pipeline.metrics is None:
            return "unavailable", "no metrics source"
        if pipeline.history_error is not None and pipeline.history_error[0] == split.ref:
            return "unavailable", pipeline.history_error[1]
        history = pipeline.history
        if history is None or history.ref != split.ref or history.window != self.screen.window:
            return "empty", "loading…"
        if self.stale:
            return "stale", "stale data"
        if not any(history.series.values()):
            return "empty", "no data in this window"
        return "ok", ""

    def charts(self, split: Split) -> dict[str, ChartView]:
        """Series, span, weight-change markers and warn line of each charted signal."""
        history = self.screen.pipeline.history
        markers = tuple(self.screen.weight_changes.get(split.ref, ()))
        if history is None or history.ref != split.ref or history.window != self.screen.window:
            end = self.screen.clock()
            start, series = end - WINDOW_SECONDS[self.screen.window], {}
        else:
            start, end, series = history.start, history.end, history.series
        policy = self.screen.policy
        owner_state = self.screen.state.owner_state(split)
        roles = {backend.name: backend_role(split, backend, owner_state)
                 for backend in split.backends}
        signals = self.screen.pipeline.signals
        # Chosen once for the split, so a backend reads the same in every legend.
        names = list(dict.fromkeys(backend.name for backend in split.backends))
        labels = dict(zip(names, legend_labels(names, roles), strict=True))
        return {spec.column: ChartView(chart_series(split, series, spec.field), start, end,
                                       [m for m in markers if start <= m <= end],
                                       getattr(policy, spec.warn) * spec.scale if spec.warn else None,
                                       roles, current_figures(split, signals, spec.field), labels)
                for spec in CHARTED}

    def judge_shares(self, split: Split) -> bool:
        """Whether observed shares are judged: a full window of data since the last change."""
        return shares_judged(self.window, self.since_change(split))

    def checks(self, split: Split) -> list[str]:
        """Findings on the backends (naming the figure), what the owner reports, problems of the
        object, mesh checks: every reason behind the navigator's `!` is listed."""
        state = self.screen.state
        health = self.health(split)
        findings = [finding.message for finding in health.findings]
        if health.owner_reasons and split.owner:
            findings.append(f"{split.owner.kind} {split.owner.name}: {', '.join(health.owner_reasons)}")
        findings += split.problems
        if self._mesh_checks[0] != (state, state.version):
            self._mesh_checks = ((state, state.version), list(state.checks()))
        findings += [check.message for check in self._mesh_checks[1] if check.ref in (None, split.ref)]
        return findings
