"""Switching kubeconfig context live (`:ctx NAME`): what the app needs from its launcher.

The app never builds clients (see `meshtui.launch`); the launcher hands it a `Connector` that
builds a `Connection` for another context of the same kubeconfig.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from textual.message import Message


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
