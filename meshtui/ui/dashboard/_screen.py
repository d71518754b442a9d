"""The main screen: split navigator on the left, the selected split's detail on the right.

The screen owns the dashboard's state (the `MeshState` cache, latest metrics, selection, scope,
window) and routes keys and messages to the objects it is composed of: the pipeline that feeds it
(watch events from threads through an `EventFeed`, metrics from thread workers: `MetricsPipeline`),
the `Presenter` that draws, and the `TrafficActions` and `PlanActions` that write. Widgets only
draw what they are given.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, getters, on
from textual._time import get_time
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive, var
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Static

from meshtui.model.findings import HealthPolicy
from meshtui.model.mesh import MeshState
from meshtui.model.windows import WINDOWS
from meshtui.ui.commands import DashboardCommands
from meshtui.ui.config import Settings
from meshtui.ui.control.host import AnswerT
from meshtui.ui.control.controller import TrafficControl
from meshtui.ui.control.shift import ShiftActions
from meshtui.ui.dashboard._layout import NAVIGATOR_ACTIONS, Layout
from meshtui.ui.dashboard._pipeline import MetricsPipeline
from meshtui.ui.dashboard._plans import PLAN_BINDINGS, RUNNER_REFRESH, PlanActions
from meshtui.ui.dashboard._presenter import Presenter
from meshtui.ui.dashboard._services import ServicesView
from meshtui.ui.dashboard._traffic import (
    CONTROL_BINDINGS,
    TrafficActions,
    owners_loading,
)
from meshtui.ui.feed import EventFeed, apply_events
from meshtui.ui.messages import (
    ActionApplied,
    FirstListsLoaded,
    GatesRead,
    HistoryFailed,
    HistoryFetched,
    MeshEventsReceived,
    MetricsFailed,
    MetricsFetched,
    PlanChanged,
    PlanRunnerRead,
    ShiftFailed,
    ShiftPlanned,
    ShiftWritten,
    WeightsApplied,
    WriteConflicted,
    WriteFailed,
)
from meshtui.ui.panes.services_pane import ServicesPane
from meshtui.ui.panes.split_detail import SplitDetail
from meshtui.ui.screens.namespace_picker import ALL_NAMESPACES, NamespacePicker
from meshtui.ui.weight_log import WeightLog
from meshtui.ui.widgets.command_line import CommandLine
from meshtui.ui.widgets.filter_input import FilterInput
from meshtui.ui.widgets.service_table import ServiceTable
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from meshtui.ui.widgets.weight_slider import WeightSlider

if TYPE_CHECKING:
    from meshtui.metrics.source import MetricsSource
    from meshtui.model.signals import BackendKey, GoldenSignals
    from meshtui.model.split import Split, SplitRef


INITIAL_LOAD_GRACE = 1.0
"""Seconds after the first watch events to stop waiting for the remaining lists."""


class DashboardScreen(Screen[None]):
    """Navigator, split detail and status bar over one cluster."""

    CSS_PATH = "dashboard.tcss"
    AUTO_FOCUS = "SplitList"
    BINDING_GROUP_TITLE = "Dashboard"
    COMMANDS = {DashboardCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        # Priority: decided as the key arrives, so the keys right behind it reach the filter.
        Binding("slash", "filter", "Filter", key_display="/", id="dashboard.filter", priority=True,
                tooltip="Filter splits by namespace, name, service or owner as you type."),
        Binding("exclamation_mark", "toggle_attention", "Attention", key_display="!",
                id="dashboard.attention", tooltip="Show only splits that need attention."),
        Binding("n", "pick_namespace", "Namespace", id="dashboard.namespace",
                tooltip="Choose the namespace scope."),
        Binding("w", "cycle_window", "Window", id="dashboard.window",
                tooltip="Cycle the metrics window: 1m, 5m, 15m, 1h."),
        Binding("r", "refresh", "Refresh", id="dashboard.refresh", tooltip="Fetch metrics now."),
        Binding("o", "cycle_sort", "Sort", id="dashboard.sort",
                tooltip="Sort splits within each namespace: canary success, RPS, p99, verdict, "
                        "name, or as listed."),
        Binding("ctrl+w", "toggle_wide", "Wide", key_display="^w", show=False, id="dashboard.wide",
                tooltip="Add the stable backend's figures to the fleet table (160+ columns)."),
        Binding("escape", "back", "Back", key_display="esc", id="dashboard.back",
                tooltip="Back from the split to the list (narrow terminals)."),
        Binding("escape", "clear_filter", "Clear filter", show=False, id="dashboard.clear-filter",
                tooltip="Clear the filter and return to the list."),
        Binding("colon", "command_mode", "Command", key_display=":", show=False,
                id="dashboard.command",
                tooltip="Command mode: :svc, :splits, :ns NAME, :ctx NAME, :q (tab completes)."),
        *CONTROL_BINDINGS,
        *PLAN_BINDINGS,
        Binding("E", "end_shift", "End shift", show=False, id="shift.end",
                tooltip="Delete the selected split: its service's traffic goes back to it."),
        Binding("S", "shift_highlighted", "Shift", id="shift.service",
                tooltip="Services view: move the highlighted service's traffic onto fallbacks."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | / | Filter splits as you type. |
    | ! | Toggle the needs-attention view. |
    | n | Choose the namespace scope. |
    | w | Cycle the metrics window. |
    | r | Refresh metrics now. |
    | o | Cycle the sort order of the splits. |
    | ctrl+w | Toggle wide mode (the stable backend's figures in the fleet table). |
    | escape | Discard pending weights, else back to the list (narrow), else clear the filter. |
    | : | Command mode (`:svc`, `:splits`, `:ns NAME`, `:ctx NAME`, `:q`; tab completes). |
    | + / - / = | Shift the selected backend by the step / set it exactly (pending). |
    | b | Select the next backend. |
    | a / u | Apply the pending weights / undo the last change (confirmed). |
    | 0 | Canary to 0% at once (confirmed). |
    | s | Mark the selected backend as stable. |
    | p / P / A | Pause or resume / promote / abort the plan or through the owner (confirmed). |
    | R / v | Start a plan on the split / approve its pause (confirmed). |
    | [ / ] | The previous / next rule of the split: the weight keys and sliders act on it. |
    | E | End shift: delete the selected split (confirmed). |
    | S | Services view: shift the highlighted service onto fallbacks (a new split, confirmed). |
    """

    scope: reactive[str | None] = reactive(None, init=False)
    """Namespace in scope, or None for every namespace."""
    window: reactive[str] = reactive("1m", init=False)
    """Metrics window, one of `WINDOWS`."""
    selected: var[SplitRef | None] = var(None, init=False)
    """The split shown in the detail pane."""
    attention_only: reactive[bool] = reactive(False, init=False)
    """Whether the navigator shows only splits that need attention."""

    split_list = getters.query_one(SplitList)
    detail = getters.query_one(SplitDetail)
    status = getters.query_one(StatusBar)
    filter_input = getters.query_one("#filter", FilterInput)

    def __init__(self, mesh: Any, metrics: MetricsSource | None, settings: Settings, *,
                 clock: Callable[[], float], live: bool = True, writer: Any = None) -> None:
        """Create the screen.

        Args:
            mesh: A `MeshClient`-like object (`.watch(namespace, sink)`, `.cluster.context`).
            metrics: Where golden signals come from, or None.
            settings: User settings.
            clock: Wall clock (seconds); tests pass a fixed or simulated one.
            live: Poll metrics every `settings.refresh` seconds; off in snapshots.
            writer: The `ClusterWriter` for traffic control, or None (writes unavailable).
        """
        super().__init__()
        self.mesh = mesh
        """The cluster client."""
        self.settings = settings
        """User settings."""
        self.clock = clock
        """Wall clock."""
        self.live = live
        """Whether timers poll metrics and age the data."""
        self.state = MeshState()
        """Everything the watches have told us, applied on the UI thread only."""
        self.policy = HealthPolicy(
            success_warn=settings.success_warn, success_bad=settings.success_bad,
            mismatch_points=settings.mismatch_points, mismatch_min_rps=settings.mismatch_min_rps,
            success_drop_points=settings.success_drop_points, min_requests=settings.min_requests,
            latency_ratio=settings.latency_ratio, latency_floor_ms=settings.latency_floor_ms,
            latency_min_requests=settings.latency_min_requests, confidence_z=settings.confidence_z)
        """Thresholds for health marks, findings and share mismatches."""
        self.feed = EventFeed(self)
        """Inbox for watch events from the watch threads."""
        self.connections: dict[str, tuple[bool, str | None]] = {}
        """Resource key → (connected, error) as last reported by its watch."""
        self.weight_log = WeightLog()
        """When each split's weights changed (chart markers)."""
        self._drain_timer: Any = None
        self._initial_load_done = False
        self._initial_load_timer: Any = None
        self._selected_at = 0.0
        self._deferred_highlight: SplitList.SplitHighlighted | None = None
        self.pipeline = MetricsPipeline(self, metrics)
        """Metrics and history fetching."""
        self.presenter = Presenter(self)
        """Redraws the widgets from the state."""
        self.control = TrafficControl(writer, settings, self.state.split, self.state.owner_state)
        """Pending weights, undo history and write bookkeeping."""
        self.plans = PlanActions(self)
        """The plan keys, their writes and who drives each plan."""
        self.traffic = TrafficActions(self, self.plans)
        """The traffic-control keys, their writes and the gates they read."""
        self.shifts = ShiftActions(self, mesh, self.control, self.state, clock=clock)
        """Shift a service's traffic onto fallbacks, and end a shift."""
        self.panes = Layout(self)
        """Side by side, one pane at a time (narrow) or with the fleet table (wide)."""
        self.services = ServicesView(self)
        """The services view (`:svc`) and the `:` commands."""
        self.set_reactive(DashboardScreen.window, settings.window)
        self.set_reactive(DashboardScreen.scope, settings.namespace)

    def compose(self) -> ComposeResult:
        """Navigator and detail side by side, status bar and footer below."""
        # The layout's classes before the first styling: set by the first resize instead, they
        # restyle every widget once more before the first frame.
        self.panes.prepare(self.app.size.width)
        with Horizontal(id="main"):
            with Vertical(id="navigator"):
                yield Static("Splits", id="navigator-title")
                yield FilterInput(placeholder="filter: namespace, name, service, owner", id="filter")
                yield SplitList(empty_text="No traffic splits found")
            yield SplitDetail(id="detail", classes="-empty")  # nothing selected yet
        yield ServicesPane(id="services")
        yield CommandLine(self.services.names, id="command")
        yield StatusBar()
        yield Footer(show_command_palette=False)

    def on_mount(self) -> None:
        """Start watching the cluster and, unless disabled, the polling timers."""
        self.split_list.follow = self.follow_cursor
        self.filter_input.follow = self.filter_rows
        self.presenter.refresh_all()
        self.pipeline.start_watch()
        if self.live:
            self.set_interval(1.0, self.plans.tick)
            self.set_interval(RUNNER_REFRESH, self.plans.read_runner)
            self.set_interval(self.settings.refresh, self.pipeline.fetch_all)
            self.set_interval(1.0, self.presenter.refresh_freshness)
            self.set_interval(1.0, self.traffic.note_reverts)
        self.pipeline.fetch_all()

    def adopt(self, mesh: Any, metrics: MetricsSource | None, writer: Any) -> None:
        """Take the clients of the first connection, built after this screen was drawn on a
        stand-in (`meshtui.ui.contexts.PendingMesh`, which the watch thread is waiting on).

        Cheaper than composing a second screen: styling the widgets is most of a compose.
        """
        pending = self.mesh
        self.mesh = self.shifts.client = mesh
        self.pipeline.metrics = metrics
        self.control.writer = writer
        resolve = getattr(pending, "resolve", None)
        if resolve is not None:
            resolve(mesh)
        self.presenter.refresh_status()
        self.pipeline.fetch_all()

    def on_resize(self, event: events.Resize) -> None:
        """Lay the panes out for the new width."""
        self.panes.fit(event.size.width)

    def on_unmount(self) -> None:
        """Stop the watch threads and the metrics queries; events arriving later are dropped."""
        self.feed.close()
        self.pipeline.stop()

    @on(MeshEventsReceived)
    def schedule_apply(self) -> None:
        """Apply queued watch events now (the feed posts once per drain, so a burst costs one
        redraw). While weights are pending or being written, 50 ms later: a write's own watch
        event must not be applied before its result has registered the revert watch."""
        if self.control.pending is not None or any(
                worker.group == "write" and not worker.is_finished for worker in self.workers):
            if self._drain_timer is None:
                self._drain_timer = self.set_timer(0.05, self.apply_mesh_events)
        elif self._drain_timer is None:
            self.apply_mesh_events()

    def apply_mesh_events(self) -> None:
        """Drain the feed into `MeshState`, note weight changes, and redraw what changed."""
        self._drain_timer = None
        events = self.feed.drain()
        if not events:
            return
        apply_events(self.state, self.connections, events)
        self.weight_log.observe(self.state.splits(), self.clock())
        self.presenter.refresh_all()
        self.traffic.note_reverts()
        if not self._initial_load_done:
            if self.pipeline.all_listed(self.state):
                self.finish_initial_load()
            elif self._initial_load_timer is None:
                # A resource that never lists (forbidden, say) must not keep the detail empty.
                self._initial_load_timer = self.set_timer(INITIAL_LOAD_GRACE, self.finish_initial_load)

    @property
    def weight_changes(self) -> dict[SplitRef, list[float]]:
        """Split → times its weights were seen to change."""
        return self.weight_log.changes

    @property
    def initial_load_done(self) -> bool:
        """True once the first lists are in and the cursor starts on the first row."""
        return self._initial_load_done

    def finish_initial_load(self) -> None:
        """Start on the first row once every list is in.

        Lists arrive in any order and the cursor sticks to the first split it saw, so until then
        nothing is selected: the first screen is the same whatever the order.
        """
        if self._initial_load_done:
            return
        self._initial_load_done = True
        self.split_list.action_first()
        self.selected = self.split_list.highlighted_ref
        self.pipeline.fetch_if_targets_changed()
        if self.selected is not None and self.pipeline.history is None:
            self.pipeline.fetch_history()
        if self.control.writer is not None:
            self.run_worker(self.control.writer.prepare, thread=True, group="prepare",
                            exit_on_error=False, name="prepare writes")
        self.post_message(FirstListsLoaded())

    @on(MetricsFetched)
    def store_metrics(self, message: MetricsFetched) -> None:
        """Keep the newest snapshot and redraw signals."""
        self.pipeline.metrics_done(message.snapshot, None, message.window)
        self.presenter.refresh_all()

    @on(MetricsFailed)
    def note_metrics_failure(self, message: MetricsFailed) -> None:
        """Keep the old data (it will age into "stale") and show the error."""
        self.pipeline.metrics_done(None, message.error)
        self.presenter.refresh_all()

    @on(HistoryFetched)
    def store_history(self, message: HistoryFetched) -> None:
        """Keep the selected split's history for the charts."""
        self.pipeline.history_done(message, None)
        self.presenter.refresh_detail()

    @on(HistoryFailed)
    def note_history_failure(self, message: HistoryFailed) -> None:
        """Say why the charts are empty."""
        self.pipeline.history_done(None, message.error, message.ref)
        self.presenter.refresh_detail()

    @on(SplitList.SplitHighlighted)
    def follow_cursor(self, message: SplitList.SplitHighlighted) -> None:
        """The detail pane follows the navigator's cursor (once the first lists are in).

        A highlight posted before the last `select_split` is stale (say, the initial cursor
        placement still queued when the palette chose a split): it must not take the detail back.
        """
        if not self._initial_load_done or message.time <= self._selected_at:
            return
        if message.relisted and self.selected is not None:
            # The rows changed under the cursor (a filter keystroke): the list is what the key
            # changed, so its frame comes first; the detail (~20 ms to draw) follows in the next.
            self._deferred_highlight = message
            self.call_after_refresh(self.follow_deferred)
        else:
            self._deferred_highlight = None
            self.selected = message.ref

    def follow_deferred(self) -> None:
        """Follow a highlight left for after the list's frame, unless something newer was chosen
        meanwhile. Every action asks for `current_split()`, which calls this first: a key
        typed before that frame acts on the split the list highlights, never the one before."""
        message, self._deferred_highlight = self._deferred_highlight, None
        if message is not None and message.time > self._selected_at \
                and self.split_list.highlighted_ref == message.ref:
            self.selected = message.ref

    @on(SplitList.SplitSelected)
    def open_split(self, message: SplitList.SplitSelected) -> None:
        """Enter on a split moves focus to its backends (and shows them, when narrow)."""
        self.selected = message.ref
        self.panes.open_detail()

    @property
    def signals(self) -> Mapping[BackendKey, GoldenSignals]:
        """The latest signals per backend or service."""
        return self.pipeline.signals

    def show_split(self, ref: SplitRef) -> None:
        """Show `ref` in the splits view with its backends focused (from the services view)."""
        self.select_split(ref)
        self.panes.open_detail()

    def views_changed(self) -> None:
        """The services view came or went: its services are metrics targets only while shown."""
        self.pipeline.fetch_if_targets_changed()

    @on(ServiceTable.ServiceSelected)
    def open_service_splits(self, message: ServiceTable.ServiceSelected) -> None:
        """Enter on a service opens its split(s)."""
        self.services.open_splits(message.row)

    @on(CommandLine.CommandEntered)
    def run_command(self, message: CommandLine.CommandEntered) -> None:
        """Run a `:` command."""
        self.services.run(message.command)

    @on(CommandLine.CommandRefused)
    def refuse_command(self, message: CommandLine.CommandRefused) -> None:
        """Say why the line is no command."""
        self.services.close_command_line()
        self.notify(message.error, severity="warning")

    @on(CommandLine.CommandCancelled)
    def leave_command_mode(self) -> None:
        """Escape leaves command mode."""
        self.services.close_command_line()

    def action_command_mode(self) -> None:
        """Open the `:` command line."""
        self.services.open_command_line()

    @on(Input.Changed, "#filter")
    def apply_filter(self, message: Input.Changed) -> None:
        """Filter the navigator as the user types."""
        self.filter_rows(message.value)

    def filter_rows(self, text: str) -> None:
        """Show the splits matching `text` (the filter field calls this as each key lands)."""
        self.split_list.filter = text

    @on(Input.Submitted, "#filter")
    def leave_filter(self) -> None:
        """Enter keeps the filter and returns to the list."""
        self.split_list.focus()

    def watch_selected(self) -> None:
        """Show the newly selected split, then fetch its history.

        The fetch starts once the frame showing the split is drawn: a Prometheus that fails
        at once (HTTP 500, garbage) would otherwise answer before that frame, and the key would
        wait for the failure to be handled and the charts drawn again.
        """
        self.presenter.refresh_detail()
        self.call_after_refresh(self._fetch_selected)

    def _fetch_selected(self) -> None:
        self.pipeline.fetch_history()
        self.plans.read_runner()

    def watch_scope(self) -> None:
        """A new scope changes the rows and the backends whose metrics are fetched."""
        self.presenter.refresh_all()
        self.pipeline.fetch_metrics()

    def watch_window(self) -> None:
        """A new window changes every number and chart: fetch both again."""
        self.presenter.refresh_status()
        self.pipeline.fetch_all()

    def watch_attention_only(self, attention_only: bool) -> None:
        """Switch the navigator between all splits and those needing attention."""
        self.split_list.attention_only = attention_only
        self.query_one(ServicesPane).table.attention_only = attention_only
        self.services.refresh()
        self.presenter.refresh_navigator_title()

    def action_filter(self) -> None:
        """Show and focus the filter box.

        Focus moves at once, not on a later cycle (`Widget.focus`): keys of the same burst are
        already queued behind `/`, and the app forwards each to whatever has focus when it gets
        to it. Run as a priority binding, this happens before the next key is forwarded.
        """
        if self.services.shown:
            self.services.pane.open_filter()
            return
        if self.panes.can_go_back:
            self.panes.close_detail()  # the filter is in the navigator
        self.filter_input.add_class("-visible")
        self.set_focus(self.filter_input)

    def action_back(self) -> None:
        """From the split back to the list (when the panes take turns)."""
        self.panes.close_detail()

    def action_clear_filter(self) -> None:
        """Clear and hide the filter, back to the list."""
        if self.services.shown:
            self.services.pane.clear_filter()
            return
        self.filter_input.value = ""
        self.filter_input.remove_class("-visible")
        self.split_list.filter = ""
        self.split_list.focus()

    def action_toggle_attention(self) -> None:
        """Toggle the needs-attention view."""
        self.attention_only = not self.attention_only

    def action_cycle_window(self) -> None:
        """Move to the next metrics window."""
        self.window = WINDOWS[(WINDOWS.index(self.window) + 1) % len(WINDOWS)]

    def action_cycle_sort(self) -> None:
        """Sort the splits by the next column (within each namespace)."""
        self.panes.cycle_sort()

    def action_toggle_wide(self) -> None:
        """Show or hide the stable backend's figures in the fleet table."""
        self.panes.toggle_wide()

    def action_refresh(self) -> None:
        """Fetch metrics and the selected split's history now."""
        self.pipeline.fetch_all()

    def action_pick_namespace(self) -> None:
        """Open the namespace picker; its answer becomes the scope."""
        def chosen(namespace: str | None) -> None:
            if namespace is not None:
                self.scope = None if namespace == ALL_NAMESPACES else namespace

        namespaces = sorted(self.state.namespaces())
        self.app.push_screen(NamespacePicker(namespaces, current=self.scope), chosen)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Traffic-control actions are dimmed when unavailable (read-only, no writer …); in the
        filter its own key is typed (the binding has priority over the input)."""
        if action == "filter" and (self.focused is self.filter_input
                                   or isinstance(self.focused, (Input, CommandLine))):
            return False
        if action == "command_mode" and isinstance(self.focused, Input):
            return False
        if action == "back":
            return self.panes.can_go_back and self.control.pending is None and not self.services.shown
        if action == "shift_highlighted":
            return self.services.shown  # a key of the services view only
        if action in NAVIGATOR_ACTIONS and self.panes.can_go_back:
            return False  # the list is not on screen: its keys leave the footer to the split's
        return self.traffic.check(action)

    def current_split(self) -> Split | None:
        """The split shown in the detail pane (the one the navigator highlights)."""
        self.follow_deferred()
        return self.state.split(self.selected) if self.selected is not None else None

    def owners_ready(self) -> bool:
        """True when owners are known; otherwise say what is still loading and return False.

        The key is not dimmed meanwhile (`check_action` would swallow it without a word).
        """
        loading = owners_loading(self.pipeline.watched, self.state, self.connections)
        if loading:
            self.notify(f"still loading {' and '.join(loading)}: the split's owner is not known "
                        "yet, try again in a moment", severity="warning")
        return not loading

    def ask(self, dialog: Screen[AnswerT], answered: Callable[[AnswerT | None], None]) -> None:
        """Show `dialog` over the dashboard; `answered` gets its result."""
        self.app.push_screen(dialog, answered)

    async def run_control(self, action: str) -> None:
        """Run a control action from the palette, or say why it is unavailable."""
        await self.traffic.run(action)

    def action_shift_weight(self, direction: int) -> None:
        """Shift the selected backend by one step (pending only)."""
        self.traffic.shift_weight(direction)

    def action_set_exact(self) -> None:
        """Ask for an exact percentage for the selected backend."""
        self.traffic.set_exact()

    def action_next_backend(self) -> None:
        """Select the next backend of the split for the weight keys."""
        self.traffic.next_backend()

    def action_choose_rule(self, step: int) -> None:
        """Move the weight keys to the next (1) or previous (-1) rule of the split."""
        self.traffic.choose_rule(step)

    def action_apply_weights(self) -> None:
        """Confirm and write the pending weights of the selected split."""
        self.traffic.apply_weights()

    def action_discard(self) -> None:
        """Drop the pending weights; nothing is written."""
        self.traffic.discard()

    def action_undo(self) -> None:
        """Confirm and write the weights from before the last applied change."""
        self.traffic.undo()

    def action_canary_to_zero(self) -> None:
        """Incident button: canary to 0%, straight to the confirmation."""
        self.traffic.canary_to_zero()

    def action_mark_stable(self) -> None:
        """Record the selected backend as stable, after a confirmation."""
        self.traffic.mark_stable()

    def action_pause_resume(self) -> None:
        """Pause or resume the split's plan or owning controller (after a confirmation)."""
        self.traffic.pause_resume()

    def action_promote(self) -> None:
        """Promote the canary, through its plan when it has one (after a confirmation)."""
        self.traffic.promote()

    def action_abort(self) -> None:
        """Abort the canary, through its plan when it has one (after a confirmation)."""
        self.traffic.abort()

    def action_start_plan(self) -> None:
        """Pick a plan file for the selected split, then confirm and record it."""
        self.plans.start_plan()

    def action_approve_plan(self) -> None:
        """Approve the selected split's plan (after a confirmation)."""
        self.plans.approve()

    def on_weights_applied(self, message: WeightsApplied) -> None:
        """A weight write came back."""
        self.traffic.weights_applied(message)

    def on_action_applied(self, message: ActionApplied) -> None:
        """An owner action's writes came back."""
        self.traffic.action_applied(message)

    def on_write_failed(self, message: WriteFailed) -> None:
        """A write (weights, owner action or plan) failed."""
        self.traffic.write_failed(message)

    def on_write_conflicted(self, message: WriteConflicted) -> None:
        """A write met a newer version of its object."""
        self.traffic.write_conflicted(message)

    def on_gates_read(self, message: GatesRead) -> None:
        """The load tester gates of a Flagger Canary were read."""
        self.traffic.gates_read(message)

    def on_plan_changed(self, message: PlanChanged) -> None:
        """A plan change was written."""
        self.plans.changed(message)

    def on_plan_runner_read(self, message: PlanRunnerRead) -> None:
        """The Lease of a plan's runner was read."""
        self.plans.runner_read(message)

    def on_weight_slider_changed(self, message: WeightSlider.Changed) -> None:
        """A click or drag on a slider sets that backend's pending share."""
        self.traffic.slider_changed(message)

    def on_weight_slider_nudged(self, message: WeightSlider.Nudged) -> None:
        """Arrow keys on a slider shift its backend by one step."""
        self.traffic.slider_nudged(message)

    def on_weight_slider_selected(self, message: WeightSlider.Selected) -> None:
        """Focus or a click on a slider makes its backend the one the keys act on."""
        self.traffic.slider_selected(message)

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """Moving the backend table's cursor (when it has focus) selects that backend."""
        self.traffic.backend_highlighted(message)

    def action_shift_service(self, namespace: str, service: str) -> None:
        """Shift a service's traffic onto fallbacks: pick them, then confirm the new split."""
        self.shifts.shift(namespace, service)

    def action_shift_highlighted(self) -> None:
        """Shift the service under the services view's cursor (the palette's shift, by key)."""
        row = self.services.highlighted
        if row is None:
            self.notify("shift: highlight a service in the services view (:svc) first",
                        severity="warning")
            return
        self.action_shift_service(row.namespace, row.name)

    def action_end_shift(self) -> None:
        """End the selected split's shift: confirm, then delete it."""
        self.shifts.end_shift(self.current_split())

    @on(ShiftPlanned)
    def confirm_shift(self, message: ShiftPlanned) -> None:
        """A shift was checked against the cluster: confirm it, or say why not."""
        self.shifts.planned(message)

    @on(ShiftWritten)
    def note_shift(self, message: ShiftWritten) -> None:
        """A shift was created or ended."""
        self.shifts.written(message)
        self.presenter.refresh_all()

    @on(ShiftFailed)
    def note_shift_failure(self, message: ShiftFailed) -> None:
        """A shift could not be planned or written."""
        self.shifts.failed(message)

    def select_split(self, ref: SplitRef) -> None:
        """Show one split (used by the command palette)."""
        self._selected_at = get_time()
        self.selected = ref

    def set_scope(self, namespace: str | None) -> None:
        """Scope the dashboard to one namespace, or every one with None (palette)."""
        self.scope = namespace
