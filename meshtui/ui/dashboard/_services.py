"""The services view and `:` command mode on the dashboard, as one object the screen holds.

The screen keeps its splits view; this object shows the services pane in its place (`:svc`),
feeds it rows from the model and the latest signals, opens a service's split(s) on Enter, and
runs the `:` commands. What it needs from the screen is the `ServicesHost` protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from meshtui.metrics.services import service_targets
from meshtui.ui.command_mode import Command
from meshtui.ui.panes.services_pane import ServicesPane
from meshtui.ui.screens.split_picker import SplitPicker
from meshtui.ui.service_views import ServiceRows
from meshtui.ui.widgets.command_line import CommandLine

if TYPE_CHECKING:
    from meshtui.metrics.source import BackendTarget
    from meshtui.model.findings import HealthPolicy
    from meshtui.model.mesh import MeshState
    from meshtui.model.signals import BackendKey, GoldenSignals
    from meshtui.model.split import SplitRef
    from meshtui.ui.widgets._service_rows import ServiceRow

SERVICES, SPLITS = "services", "splits"
"""The views `:svc` and `:splits` show."""


class ServicesHost(Protocol):
    """What the services view needs from the dashboard screen."""

    state: MeshState
    scope: str | None
    window: str
    policy: HealthPolicy
    app: Any

    @property
    def signals(self) -> Mapping[BackendKey, GoldenSignals]:
        """The latest signals per backend or service."""
        ...

    @property
    def query_one(self) -> Callable[..., Any]:
        """Finds a widget of the screen (Textual's `query_one`)."""
        ...

    def set_scope(self, namespace: str | None) -> None:
        """Scope the dashboard to one namespace, or every one with None."""
        ...

    def show_split(self, ref: SplitRef) -> None:
        """Show the splits view with `ref` selected and its backends focused."""
        ...

    def views_changed(self) -> None:
        """The view switched: refetch metrics for the new targets."""
        ...


class ServicesView:
    """The services view's state and behaviour on one dashboard."""

    def __init__(self, host: ServicesHost) -> None:
        """Create the view for `host` (not shown until `show(SERVICES)`)."""
        self.host = host
        self.current = SPLITS
        """The view on screen: `SPLITS` or `SERVICES`."""
        self._rows = ServiceRows()

    @property
    def shown(self) -> bool:
        """True while the services view is on screen."""
        return self.current == SERVICES

    @property
    def pane(self) -> ServicesPane:
        """The services pane."""
        return self.host.query_one(ServicesPane)

    def targets(self) -> list[BackendTarget]:
        """The services in scope as metrics targets while the view shows, else none (nobody
        pays for 5,000 services' figures while looking at splits)."""
        if not self.shown:
            return []
        return service_targets(s.key for s in self.host.state.meshed_services(self.host.scope))

    def rows(self) -> list[ServiceRow]:
        """The rows of every service in scope, with the latest signals."""
        host = self.host
        return self._rows.rows(host.state.meshed_services(host.scope), host.signals, host.policy)

    def refresh(self) -> None:
        """Redraw the pane from the model (changed rows only); nothing while it is hidden."""
        if self.shown:
            self.pane.show(self.rows(), scope=self.host.scope, window=self.host.window)

    @property
    def highlighted(self) -> ServiceRow | None:
        """The service under the cursor while the view shows: the hook for actions on "the
        selected service" (creating a split for it binds here)."""
        return self.pane.table.highlighted if self.shown else None

    def show(self, view: str) -> None:
        """Switch to `SERVICES` or `SPLITS`."""
        if view not in (SERVICES, SPLITS):
            raise ValueError(f"unknown view {view!r}")
        if view == self.current:
            return
        self.current = view
        main = self.host.query_one("#main")
        main.display = view == SPLITS
        self.pane.display = view == SERVICES
        if view == SERVICES:
            self.refresh()
            self.pane.table.focus()
        else:
            self.host.query_one("SplitList").focus()
        self.host.views_changed()

    def open_splits(self, row: ServiceRow) -> None:
        """Open the service's split, or let the user pick one when it takes part in several."""
        if not row.splits:
            self.host.app.notify(f"{row.namespace}/{row.name} takes part in no split",
                                 severity="information")
            return
        if len(row.splits) == 1:
            self.show(SPLITS)
            self.host.show_split(row.splits[0])
            return

        def chosen(ref: SplitRef | None) -> None:
            if ref is not None:
                self.show(SPLITS)
                self.host.show_split(ref)

        self.host.app.push_screen(SplitPicker(row.name, row.splits, row.split_labels), chosen)

    def open_command_line(self) -> None:
        """Show the `:` line and focus it."""
        line = self.host.query_one(CommandLine)
        line.add_class("-visible")
        line.focus()

    def close_command_line(self) -> None:
        """Hide the `:` line, back to the view."""
        line = self.host.query_one(CommandLine)
        line.value = ""
        line.remove_class("-visible")
        if self.shown:
            self.pane.table.focus()
        else:
            self.host.query_one("SplitList").focus()

    def run(self, command: Command) -> None:
        """Run one `:` command."""
        self.close_command_line()
        host = self.host
        if command.action == "view":
            self.show(SERVICES if command.argument == SERVICES else SPLITS)
        elif command.action == "namespace":
            known = host.state.namespaces()
            if command.argument is not None and command.argument not in known:
                host.app.notify(f"no namespace {command.argument} (scope unchanged)", severity="warning")
                return
            host.set_scope(command.argument)
        elif command.action == "context":
            host.app.switch_context(command.argument)
        elif command.action == "quit":
            host.app.call_later(host.app.action_quit)

    def names(self) -> tuple[list[str], list[str]]:
        """What tab completes: namespaces of the model, contexts of the kubeconfig."""
        return self.host.state.namespaces(), list(self.host.app.context_names())
