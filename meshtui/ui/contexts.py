"""Switching kubeconfig context live (`:ctx NAME`): what the app needs from its launcher.

The app never builds clients (see `meshtui.launch`); the launcher hands it a `Connector` that
builds a `Connection` for another context of the same kubeconfig.
"""

from __future__ import annotations

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
