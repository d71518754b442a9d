"""Messages the dashboard's workers and feeds post to the UI thread, named for what happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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


class FirstListsLoaded(Message):
    """The dashboard's first lists are in (bubbles to the app)."""


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


@dataclass
class WeightsApplied(Message, bubble=False):
    """A weight write was accepted by the API server (or previewed, in a dry run)."""

    ref: SplitRef
    """The split written."""
    before: tuple[int, ...]
    """Percentages before the write."""
    after: tuple[int, ...]
    """Percentages written."""
    names: tuple[str, ...]
    """Backend names, in order."""
    dry_run: bool
    """True when nothing was persisted."""
    undo: bool = False
    """True when the write undid the previous change."""
    obj: dict[str, Any] = field(default_factory=dict)
    """The object the server returned."""
    base_version: str = ""
    """The resourceVersion that guarded the write (the split as it was read)."""


@dataclass
class ActionApplied(Message, bubble=False):
    """An owner action's writes all landed (or were previewed)."""

    ref: SplitRef
    """The split acted on."""
    action: str
    """`pause`, `resume`, `promote`, `promote-full`, `abort` …"""
    descriptions: tuple[str, ...]
    """What each write did."""
    dry_run: bool
    """True when nothing was persisted."""


@dataclass
class WriteFailed(Message, bubble=False):
    """A write was refused or failed; nothing (or only what the message says) was changed."""

    ref: SplitRef
    """The split concerned."""
    error: str
    """What went wrong (names the verb and object when forbidden; never a secret)."""


@dataclass
class WriteConflicted(Message, bubble=False):
    """The object changed since the user looked at it; nothing was written."""

    ref: SplitRef
    """The split concerned."""
    error: str
    """The conflict message."""
    live: dict[str, Any] | None
    """The object as it is now, when it could be read."""
    resource: str = ""
    """Resource key of the live object (for updating the cache)."""


@dataclass
class PlanChanged(Message, bubble=False):
    """A plan change (start, approve, pause, resume, promote, abort) was written."""

    ref: SplitRef
    """The split carrying the plan."""
    action: str
    """What was asked."""
    obj: dict
    """The split object as written (empty for a dry run or when nothing was needed)."""
    dry_run: bool
    """Whether the server only previewed it."""


@dataclass
class PlanRunnerRead(Message, bubble=False):
    """Who holds a split's plan Lease, as just read."""

    ref: SplitRef
    """The split."""
    runner: str
    """``driven by runner X (lease)``, ``no runner`` or why the Lease could not be read."""


@dataclass
class GatesRead(Message, bubble=False):
    """The state of a Flagger Canary's load tester gates, as just read."""

    ref: SplitRef
    """The split the Canary drives."""
    gates: dict[str, str]
    """Webhook type → ``open``, ``closed`` or ``unknown (why)``."""


@dataclass
class ShiftPlanned(Message, bubble=False):
    """A shift was checked against the cluster: its object is ready to confirm, or refused."""

    request: Any
    """The `ShiftRequest` to confirm, or None when refused."""
    error: str = ""
    """Why it was refused (a split already on the service, a missing Service …)."""


@dataclass
class ShiftWritten(Message, bubble=False):
    """A shift's split was created, or deleted to end it (or the server previewed it)."""

    description: str
    """What was written, e.g. ``create httproute/emojivoto/web-svc-shift shifting …``."""
    dry_run: bool
    """True when nothing was persisted."""
    resource: str
    """Resource key of the object."""
    obj: dict[str, Any] | None
    """The created object as the server returned it (None for a deletion or a dry run)."""
    ended: Any = None
    """The `Split` deleted, when a shift was ended."""


@dataclass
class ShiftFailed(Message, bubble=False):
    """Planning or writing a shift failed; nothing (more) was written."""

    error: str
    """What went wrong (never a secret)."""
