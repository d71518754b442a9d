"""The meshtui application: wiring of clients, settings, theme and keymap to the dashboard.

The app never builds its clients; the CLI (or a test) hands in a `MeshClient`-like object and a
`MetricsSource` (or None). Everything the dashboard does lives in `DashboardScreen`.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import events, on
from textual.app import App, SystemCommand
from textual.notifications import Notification, SeverityLevel
from textual.binding import Binding, BindingType
from textual.screen import Screen

from meshtui.metrics.source import MetricsSource
from meshtui.ui.collector import PacedCollector
from meshtui.ui.config import Settings
from meshtui.ui.contexts import (
    Connection,
    ContextConnected,
    ContextFailed,
    Connector,
    connect_in_thread,
)
from meshtui.ui.control.confirmation import quit_confirmation
from meshtui.ui.literal import MESSAGE_LIMIT, visible
from meshtui.ui.messages import FirstListsLoaded
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard import DashboardScreen
from meshtui.ui.screens.guarded import GuardedModal
from meshtui.ui.themes import BUILTIN_THEMES, semantic_defaults

HELP_PANEL = "HelpPanel"
"""Textual's help panel, queried by type name: importing the widget costs ~60 ms of start-up
(it brings in a Markdown parser and syntax highlighting), and Textual imports it when shown."""

NOTIFICATIONS_KEPT = 50
"""Notifications `said` remembers: enough for a test or a bug report, bounded over a long session."""


class MeshtuiApp(App[None]):
    """A terminal dashboard for canaries on a Linkerd mesh."""

    TITLE = "meshtui"
    CSS_PATH = "app.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", tooltip="Quit meshtui.", id="app.quit"),
        Binding("question_mark", "toggle_help", "Help", key_display="?", id="app.help",
                tooltip="Show or hide the keys of the focused pane."),
        # Priority: the dashboard's own escape (discard, clear the filter) would take it first.
        Binding("escape", "hide_help_panel", "Close help", show=False, priority=True,
                id="app.close-help", tooltip="Hide the help panel."),
        Binding("ctrl+p", "command_palette", "Commands", key_display="^p", id="app.commands",
                tooltip="Search every command."),
    ]
    """
    | Key(s) | Description |
    | :- | :- |
    | q | Quit (asks first when weights are pending). |
    | ? | Show or hide the help panel. |
    | escape | Close the help panel (when it shows). |
    | ctrl+p | Open the command palette. |
    """

    def __init__(self, mesh: Any, metrics: MetricsSource | None, settings: Settings | None = None, *,
                 writer: Any = None, clock: Callable[[], float] = time.time,
                 live: bool = True, owns_process: bool = False,
                 connector: Connector | None = None, connect_first: str | None = None) -> None:
        """Create the app around clients built elsewhere.

        Args:
            mesh: A `MeshClient`-like object: `.watch(namespace, sink)` and `.cluster.context`.
            metrics: Source of golden signals, or None to run without metrics.
            settings: User settings (defaults when None).
            writer: The `ClusterWriter` every write goes through, or None: the write actions are
                then unavailable ("no writer").
            clock: Wall clock in seconds; tests pass a fixed or simulated one.
            live: Poll metrics and age data on timers. Snapshot tests turn it off so the
                picture depends on nothing but the data.
            owns_process: The app is the process (the CLI, not a test session): once the
                first lists are in, `freeze_loaded` takes them out of the garbage collector's
                scans and the app paces the collector from then on.
            connector: Builds the clients of another kubeconfig context (`:ctx NAME`), or None:
                the context cannot be switched.
            connect_first: A context `connector` connects to once the first frame is drawn
                (`mesh` is then a `PendingMesh`): the dashboard shows at once and fills in.
                If that fails, the app exits with `start_error` set.
        """
        super().__init__()
        self.mesh = mesh
        """The cluster client."""
        self.metrics = metrics
        """The metrics source, or None."""
        self.settings = settings or Settings()
        """User settings."""
        self.writer = writer
        """The write path, or None."""
        self.clock = clock
        """Wall clock."""
        self.live = live
        """Whether timers poll metrics."""
        self.owns_process = owns_process
        """Whether process-wide tuning (the garbage collector) is this app's to do."""
        self.connector = connector
        """Builds another context's clients, or None."""
        self._connection: Connection | None = None
        self.collector = PacedCollector(self)
        """Runs the garbage collector on a timer once the first lists are in (`owns_process`)."""
        self._switching: str | None = None
        self._first = connect_first
        self.start_error: str | None = None
        """Why the first connection failed (the app then exited), or None."""
        self.said: deque[Notification] = deque(maxlen=NOTIFICATIONS_KEPT)
        """The latest notifications, oldest first, as drawn, whether or not they still show."""
        for theme in BUILTIN_THEMES.values():
            self.register_theme(theme)
        self._theme_problem: str | None = None
        self._quit_question: ConfirmDialog | None = None
        if self.get_theme(self.settings.theme) is not None:
            self.theme = self.settings.theme
        else:
            self._theme_problem = f"config: unknown theme {self.settings.theme!r}; using meshtui"
            self.theme = "meshtui"

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Show a notification, always as literal text (`markup` is ignored).

        Notifications carry data (split and backend names, API server and Prometheus errors),
        and Textual would parse them as markup: ``[@click=…]`` would be a live action and
        ``[/]`` a crash. So every notification, ours or Textual's, is drawn as it is written,
        control characters escaped and its length bounded. It is also kept in `said`.
        """
        message, title = visible(message, MESSAGE_LIMIT), visible(title, MESSAGE_LIMIT)
        self.said.append(Notification(message, title, severity, markup=False,
                                      timeout=self.NOTIFICATION_TIMEOUT if timeout is None else timeout))
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=False)

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """meshtui's semantic variables (``$mesh-ok`` …), derived from the current theme."""
        return semantic_defaults(self.current_theme.to_color_system().generate())

    def on_mount(self) -> None:
        """Apply the user's keymap and show the dashboard."""
        self.set_keymap(dict(self.settings.keymap))
        self.push_screen(self.make_dashboard())
        if self._theme_problem:
            self.notify(self._theme_problem, severity="warning")
        if self._first is not None:
            # After the first frame: loading the kubeconfig and the client library in a thread
            # would hold the interpreter lock while the frame is drawn.
            self.call_after_refresh(self._start_connect, self._first)

    def _start_connect(self, context: str) -> None:
        assert self.connector is not None
        self._switching = context
        connect_in_thread(self.connector, context, self.post_message)

    @property
    def connection(self) -> Connection | None:
        """The clients built by `connector` (first or switched to), or None; closed on switch."""
        return self._connection

    @on(FirstListsLoaded)
    def freeze_loaded(self) -> None:
        """The first lists are in: freeze what was loaded out of the collector's full scans, and
        collect on the app's timer from now on (`PacedCollector`).

        A full collection walks every object alive: with a thousand splits listed that paused
        the UI thread for up to ~80 ms, at random, mid-keystroke (10-25 ms once frozen). What
        the first lists loaded stays alive for the session; the collector need not walk it.
        """
        if self.owns_process:
            self.collector.start()

    def on_unmount(self) -> None:
        """Hand the garbage collector back to Python."""
        self.collector.stop()

    def make_dashboard(self) -> DashboardScreen:
        """Build the main screen with this app's clients."""
        return DashboardScreen(self.mesh, self.metrics, self.settings, clock=self.clock,
                               live=self.live, writer=self.writer)

    @property
    def dashboard(self) -> DashboardScreen:
        """The dashboard screen (the bottom of the stack once mounted)."""
        return next(s for s in self.screen_stack if isinstance(s, DashboardScreen))

    def context_names(self) -> list[str]:
        """The kubeconfig's contexts (empty when the context cannot be switched)."""
        if self.connector is None:
            return []
        try:
            return self.connector.contexts()
        except Exception:  # noqa: BLE001 - completion offers nothing rather than fail
            return []

    def switch_context(self, context: str | None) -> None:
        """Rebuild the dashboard on another kubeconfig context (the clients are built in a
        thread; the current dashboard stays until they are ready)."""
        current = getattr(getattr(self.mesh, "cluster", None), "context", None)
        pending = self.dashboard.control.pending
        if self.connector is None or not context:
            self.notify("switching context is not available here", severity="warning")
        elif context == current:
            self.notify(f"already on context {context}")
        elif context not in self.context_names():
            self.notify(f"no context {context} in the kubeconfig", severity="warning")
        elif pending is not None and pending.changed:
            self.notify("apply or discard the pending weights before switching context",
                        severity="warning")
        elif self._switching is None:
            self.notify(f"connecting to context {context}…")
            self._start_connect(context)

    @on(ContextFailed)
    def context_failed(self, message: ContextFailed) -> None:
        """Say why; the current context stays. The first context failing ends the app."""
        self._switching = None
        if message.context == self._first:
            self.start_error = message.error
            self.exit(return_code=1)
            return
        self.notify(f"cannot switch to context {message.context}: {message.error}", severity="error")

    @on(ContextConnected)
    async def context_connected(self, message: ContextConnected) -> None:
        """Replace the dashboard with one on the new context's clients, then release the old.
        The first connection's clients go to the dashboard already drawn."""
        self._switching = None
        previous = self._connection
        connection = message.connection
        self.mesh, self.metrics, self.writer = connection.mesh, connection.metrics, connection.writer
        self._connection = connection
        if message.context == self._first:
            self._first = None
            self.dashboard.adopt(connection.mesh, connection.metrics, connection.writer)
            self._warn(connection)
            return
        while not isinstance(self.screen, DashboardScreen) and len(self.screen_stack) > 1:
            # A dialog opened meanwhile asked about the old context: it closes unanswered.
            await self.pop_screen()
        await self.switch_screen(self.make_dashboard())
        if previous is not None:
            previous.close()
        self.notify(f"context {message.context}")
        self._warn(connection)

    def _warn(self, connection: Connection) -> None:
        for warning in connection.warnings:
            self.notify(f"warning: {warning}", severity="warning")

    async def on_event(self, event: events.Event) -> None:
        """Drop a key that arrived before the dialog on top was drawn (see `GuardedModal`)."""
        if isinstance(event, events.Key) and isinstance(self.screen, GuardedModal) \
                and self.screen.refuses(event):
            return
        await super().on_event(event)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape closes the help only while it shows; otherwise it goes to the screen."""
        if action == "hide_help_panel":
            return bool(self.screen.query(HELP_PANEL))
        return True

    async def action_quit(self) -> None:
        """Quit; with weights pending, ask first (quitting drops them)."""
        dashboards = [s for s in self.screen_stack if isinstance(s, DashboardScreen)]
        pending = dashboards[0].control.pending if dashboards else None
        if pending is None or not pending.changed:
            self.exit()
            return
        if self._quit_question is not None and self._quit_question in self.screen_stack:
            return  # already asking

        def answered(yes: bool | None) -> None:
            self._quit_question = None
            if yes:
                self.exit()

        self._quit_question = ConfirmDialog(quit_confirmation(pending))
        self.push_screen(self._quit_question, answered)

    def action_toggle_help(self) -> None:
        """Show the help panel, or hide it when it is showing."""
        if self.screen.query(HELP_PANEL):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's own commands (theme, screenshot …) under meshtui's naming scheme."""
        for command in super().get_system_commands(screen):
            if command.title in ("Quit", "Keys"):
                continue  # meshtui's own palette entries cover these
            yield SystemCommand(f"app: {command.title}", command.help, command.callback,
                                command.discover)
