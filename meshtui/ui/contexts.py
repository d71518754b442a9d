"""Connecting the app to a kubeconfig context, first or live (`:ctx NAME`).

The app never builds clients (see `meshtui.launch`); the launcher hands it a `Connector` that
builds a `Connection` for another context of the same kubeconfig. `ConnectingApp` is the part of
the app that uses it: the first connection once the first frame is drawn, and context switches.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from textual import on
from textual.app import App
from textual.message import Message

if TYPE_CHECKING:
    from meshtui.ui.dashboard import DashboardScreen


@dataclass
class Connection:
    """The clients of one context.

    Attributes:
        mesh: The `MeshClient`-like object.
        metrics: The metrics source, or None.
        writer: The write path, or None.
        close: Releases what the connection holds (its cluster's pooled connections).
    """

    mesh: Any
    metrics: Any
    writer: Any
    close: Callable[[], None] = lambda: None
    warnings: tuple[str, ...] = ()
    """What the user must know about this connection (unverified TLS), shown once it is up."""


class Connector(Protocol):
    """Builds connections to the contexts of one kubeconfig."""

    def contexts(self) -> list[str]:
        """The context names the kubeconfig holds."""
        ...

    def connect(self, context: str) -> Connection:
        """Build the clients of `context` (blocking: run it in a thread).

        Raises:
            Exception: With a one-line, secret-free message when the context is unusable.
        """
        ...


@dataclass(frozen=True)
class PendingCluster:
    """What is known of the first context before its client exists: its name."""

    context: str


class PendingMesh:
    """Stands in for the cluster client while the first connection is built in a thread.

    The dashboard draws its first frame on it at once: the status bar names the context and says
    "connecting" (no watch has reported yet). Its `watch` waits until the real client is
    `resolve`d (then it is that client's watch, as if discovery had taken that long) or the
    dashboard goes away (`abandon_watches`).

    Args:
        context: The kubeconfig context being connected to.
    """

    def __init__(self, context: str) -> None:
        self.cluster = PendingCluster(context)
        self._settled = threading.Event()
        self._mesh: Any = None

    def watch(self, namespace: str | None, sink: Callable[[Any], None]) -> Any:
        """The real client's watch once it is there.

        Raises:
            ConnectionError: When abandoned before a client came.
        """
        self._settled.wait()
        if self._mesh is None:
            raise ConnectionError("the dashboard closed before the cluster was connected")
        return self._mesh.watch(namespace, sink)

    def resolve(self, mesh: Any) -> None:
        """The real client is built: a waiting `watch` goes on with it."""
        self._mesh = mesh
        self._settled.set()

    def abandon_watches(self) -> None:
        """Release a `watch` waiting here (its dashboard is going away)."""
        self._settled.set()


class ContextConnected(Message):
    """The clients of another context are built; the dashboard is rebuilt on them."""

    def __init__(self, context: str, connection: Connection) -> None:
        super().__init__()
        self.context = context
        self.connection = connection


class ContextFailed(Message):
    """Another context could not be reached; the current one stays."""

    def __init__(self, context: str, error: str) -> None:
        super().__init__()
        self.context = context
        self.error = error


def connect_in_thread(connector: Connector, context: str, post: Callable[[Message], bool]) -> None:
    """Build `context`'s clients in a thread, then `post` `ContextConnected` or `ContextFailed`
    (a one-line message) to the app.

    A daemon thread, not a thread worker: the workers' executor is joined when the app ends, so
    quitting while a server hangs would keep the process alive for a request timeout.
    """

    def connect() -> None:
        try:
            connection = connector.connect(context)
        except Exception as error:  # noqa: BLE001 - shown; the current context stays
            message = getattr(error, "message", None) or str(error) or type(error).__name__
            post(ContextFailed(context, str(message).splitlines()[0]))
            return
        if not post(ContextConnected(context, connection)):
            connection.close()  # the app ended meanwhile

    threading.Thread(target=connect, daemon=True, name="meshtui-connect").start()


class ConnectingApp(App[None]):
    """The app's connections: the first one, built after the first frame, and context switches.

    `MeshtuiApp` sets the attributes below and says how a dashboard is built and found; a
    connection's clients become the app's `mesh`, `metrics` and `writer`.
    """

    mesh: Any
    metrics: Any
    writer: Any
    connector: Connector | None
    start_error: str | None
    _connection: Connection | None
    _switching: str | None
    """The context being connected to, or None."""
    _first: str | None
    """The first context while it is being connected to, or None."""

    def make_dashboard(self) -> DashboardScreen:
        """Build the main screen with the app's clients."""
        raise NotImplementedError

    @property
    def dashboard(self) -> DashboardScreen:
        """The dashboard screen."""
        raise NotImplementedError

    def _start_connect(self, context: str) -> None:
        """Build `context`'s clients in a thread; `context_connected` or `context_failed` follows."""
        assert self.connector is not None
        self._switching = context
        connect_in_thread(self.connector, context, self.post_message)

    @property
    def connection(self) -> Connection | None:
        """The clients built by `connector` (first or switched to), or None; closed on switch."""
        return self._connection

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
        from meshtui.ui.dashboard import DashboardScreen  # loaded with the app already

        while not isinstance(self.screen, DashboardScreen) and len(self.screen_stack) > 1:
            # A dialog opened meanwhile asked about the old context: it closes unanswered.
            await self.pop_screen()
        await self.switch_screen(self.make_dashboard())
        if previous is not None:
            previous.close()
        self.notify(f"context {message.context}")
        self._warn(connection)

    def _warn(self, connection: Connection) -> None:
        """Say what the user must know about the new connection (unverified TLS)."""
        for warning in connection.warnings:
            self.notify(f"warning: {warning}", severity="warning")
