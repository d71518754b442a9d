"""Messages the dashboard's workers and feeds post to the UI thread, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
    from meshtui.model.split import SplitRef


@dataclass
class MeshEventsReceived(Message, bubble=False):
    """Watch events are waiting in the feed; the handler drains them all at once."""

    def can_replace(self, message: Message) -> bool:
        """One pending notice is enough: the handler drains every queued event."""
        return isinstance(message, MeshEventsReceived)


@dataclass
class MetricsFetched(Message, bubble=False):
    """A metrics fetch for the backends in scope returned."""

    snapshot: MetricsSnapshot
    """The signals, keyed by backend."""
    window: str
    """The window the fetch asked for (the user may have changed it since)."""

    def can_replace(self, message: Message) -> bool:
        """Only the newest snapshot matters when the UI falls behind."""
        return isinstance(message, MetricsFetched)


@dataclass
class MetricsFailed(Message, bubble=False):
    """A metrics fetch raised; the previous data stays on screen and ages into "stale"."""

    error: str
    """What went wrong, already free of secrets (the metrics layer guarantees it)."""
    window: str
    """The window the fetch asked for."""


@dataclass
class HistoryFetched(Message, bubble=False):
    """Time series for the backends of one split over one window."""

    ref: SplitRef
    """The split the history belongs to."""
    window: str
    """The window it covers."""
    series: dict[BackendKey, list[tuple[float, GoldenSignals]]] = field(default_factory=dict)
    """Samples per backend, oldest first."""
    start: float = 0.0
    """Start of the charted span (epoch seconds)."""
    end: float = 0.0
    """End of the charted span (epoch seconds)."""

    def can_replace(self, message: Message) -> bool:
        """A newer history of the same split and window supersedes an older one."""
        return (isinstance(message, HistoryFetched) and message.ref == self.ref
                and message.window == self.window)


@dataclass
class HistoryFailed(Message, bubble=False):
    """A history fetch raised; the charts say so."""

    ref: SplitRef
    """The split whose history was asked for."""
    error: str
    """What went wrong."""
