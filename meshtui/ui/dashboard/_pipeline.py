"""The dashboard's I/O: the watch, metrics polling and split history, all in thread workers.

Clients block, so every call runs in a worker thread and its result comes back as a message
(`MetricsFetched`, `MetricsFailed`, `HistoryFetched`, `HistoryFailed`). Each kind of fetch
never overlaps itself: a request made while one is running is remembered and run after it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from meshtui.kube.events import ConnectionChanged
from meshtui.metrics.source import BackendTarget, MetricsError, backend_targets
from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.windows import WINDOW_SECONDS
from meshtui.ui.messages import HistoryFailed, HistoryFetched, MetricsFailed, MetricsFetched
from meshtui.ui.views import scoped

if TYPE_CHECKING:
    from meshtui.metrics.source import MetricsSource
    from meshtui.ui.dashboard._screen import DashboardScreen

HISTORY_POINTS = 40
"""Points per series in a chart, whatever the window."""

WATCH_RETRY_SECONDS = 2.0
"""Pause between attempts to start the watch while the API server cannot be reached."""


def describe_error(error: BaseException) -> str:
    """A one-line, secret-free description of a failed call.

    `MetricsError` messages are safe by contract; anything else is named by type only, since its
    text may carry URLs with credentials.
    """
    if isinstance(error, MetricsError):
        return str(error).splitlines()[0] if str(error) else "metrics error"
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"metrics source failed ({type(error).__name__})"


class MetricsPipeline:
    """Runs the dashboard's workers and keeps what they returned."""

    def __init__(self, screen: DashboardScreen, metrics: MetricsSource | None) -> None:
        """Create the pipeline for one screen.

        Args:
            screen: The screen whose workers and messages these are.
            metrics: The metrics source, or None when there is none.
        """
        self.screen = screen
        self.metrics = metrics
        """The metrics source, or None."""
        self.snapshot: MetricsSnapshot | None = None
        """Latest successful metrics snapshot."""
        self.fetched_at: float | None = None
        """Clock time the latest snapshot arrived."""
        self.window: str | None = None
        """The window the latest snapshot's figures are over (the user may have changed it since)."""
        self.error: str | None = None
        """Why the latest metrics fetch failed, or None when it succeeded."""
        self.history: HistoryFetched | None = None
        """Latest history (of whichever split was selected when it was asked for)."""
        self.history_error: tuple[Any, str] | None = None
        """(split ref, reason) of the latest failed history fetch."""
        self.targets: tuple[BackendTarget, ...] = ()
        """The targets of the latest metrics request."""
        self._signals: tuple[MetricsSnapshot | None, dict[BackendKey, GoldenSignals]] = (None, {})
        self._last_fetched: MetricsSnapshot | None = None
        self._targets_for: tuple[Any, int, str | None, bool] | None = None
        self._current: list[BackendTarget] = []
        self._busy: set[str] = set()
        self._again: set[str] = set()
        self._watch_set: Any = None
        self._stopped = threading.Event()

    @property
    def idle(self) -> bool:
        """True when no fetch is running or waiting to run."""
        return not self._busy and not self._again

    @property
    def signals(self) -> dict[BackendKey, GoldenSignals]:
        """Latest signals per backend (empty before the first fetch); do not modify.

        Copied once per snapshot, not once per call: every redraw reads it.
        """
        if self._signals[0] is not self.snapshot:
            self._signals = (self.snapshot, dict(self.snapshot.signals) if self.snapshot else {})
        return self._signals[1]

    def start_watch(self) -> None:
        """Start the cluster watch in a thread, retrying while the API server is unreachable."""
        self.screen.run_worker(self._watch, thread=True, group="watch", exit_on_error=False,
                               name="watch", description="Starting the cluster watch")

    def _watch(self) -> None:
        feed = self.screen.feed
        while not self._stopped.is_set():
            try:
                watch_set = self.screen.mesh.watch(None, feed.put)
            except Exception as error:  # noqa: BLE001 - any failure means "not connected yet"
                feed.put(ConnectionChanged("discovery", False, f"cannot reach the API server "
                                                                f"({type(error).__name__})"))
                self._stopped.wait(WATCH_RETRY_SECONDS)
                continue
            # Assigned before the notice below, so the drain it causes can see every resource.
            self._watch_set = watch_set
            feed.put(ConnectionChanged("discovery", True, None))
            if self._stopped.is_set():
                watch_set.stop()
            return

    @property
    def watched(self) -> tuple[str, ...]:
        """The resource keys the watch covers (none until it has started)."""
        watch_set = self._watch_set
        return tuple(watch_set.resources) if watch_set is not None else ()

    def all_listed(self, state: Any) -> bool:
        """True once every watched resource type has delivered its first full list."""
        watch_set = self._watch_set
        return watch_set is not None and all(state.loaded(key) for key in watch_set.resources)

    def stop_watch(self) -> None:
        """Stop the watch threads (and any pending retry)."""
        self._stopped.set()
        abandon = getattr(self.screen.mesh, "abandon_watches", None)
        if abandon is not None:
            abandon()  # a stand-in client (`PendingMesh`) holds the watch thread until told
        if self._watch_set is not None:
            self._watch_set.stop(timeout=1.0)
            self._watch_set = None

    def stop(self) -> None:
        """Stop the watch and abandon the metrics queries in flight: nothing is sent after quit.

        A worker blocked on a slow Prometheus would otherwise keep the process alive (Python
        waits for worker threads at exit) and go on querying.
        """
        self.stop_watch()
        close = getattr(self.metrics, "close", None)
        if close is not None:
            close()

    def _start(self, group: str, work: Any) -> bool:
        """Run `work` in a thread unless one of `group` is running; then remember to run again."""
        if self._stopped.is_set():
            return False
        if group in self._busy:
            self._again.add(group)
            return False
        self._busy.add(group)
        self.screen.run_worker(work, thread=True, exclusive=True, group=group, exit_on_error=False,
                               name=group)
        return True

    def _finish(self, group: str) -> bool:
        """Mark `group` idle; True when another run was asked for meanwhile."""
        self._busy.discard(group)
        if group in self._again:
            self._again.discard(group)
            return True
        return False

    def fetch_all(self) -> None:
        """Fetch metrics for the scope and history for the selected split."""
        self.fetch_metrics()
        self.fetch_history()

    def current_targets(self) -> list[BackendTarget]:
        """The backends of every split in scope (worked out again only after a change)."""
        state, scope = self.screen.state, self.screen.scope
        services = self.screen.services.shown
        if self._targets_for != (state, state.version, scope, services):
            self._targets_for = (state, state.version, scope, services)
            # Split backends first: a service that is also a route backend keeps its route's figures.
            self._current = backend_targets(scoped(state.splits(), scope)) + self.screen.services.targets()
        return list(self._current)

    def fetch_if_targets_changed(self) -> None:
        """Fetch at once when splits or backends came or went, rather than at the next tick."""
        if self.metrics is not None and tuple(self.current_targets()) != self.targets:
            self.fetch_metrics()

    def fetch_metrics(self) -> None:
        """Fetch the latest signals of every backend in scope, in one batched call."""
        if self.metrics is None:
            return
        targets = self.current_targets()
        self.targets = tuple(targets)
        if not targets:
            if "metrics" not in self._busy:
                self.metrics_done(MetricsSnapshot(taken_at=self.screen.clock(), signals={},
                                                  source=self.metrics.name), None, self.screen.window)
            return
        self._start("metrics", partial(self._fetch_metrics, targets, self.screen.window))

    def _fetch_metrics(self, targets: Sequence[BackendTarget], window: str) -> None:
        assert self.metrics is not None
        try:
            snapshot = self.metrics.fetch(targets, window)
        except Exception as error:  # noqa: BLE001 - any failure is shown, none may kill the app
            self.screen.post_message(MetricsFailed(describe_error(error), window))
            return
        snapshot = self._reuse_unchanged(snapshot)
        self.screen.post_message(MetricsFetched(snapshot, window))

    def _reuse_unchanged(self, snapshot: MetricsSnapshot) -> MetricsSnapshot:
        """`snapshot` with each backend's signals replaced by the previous answer's object when
        equal (in this worker thread, one fetch at a time).

        Most figures of an idle mesh are what they were: the UI thread then tells unchanged rows
        by identity (navigator rows, services, backend table) instead of comparing thousands.
        """
        previous, self._last_fetched = self._last_fetched, snapshot
        if previous is None or not snapshot.signals:
            return snapshot
        old = previous.signals
        same = {key: before for key, value in snapshot.signals.items()
                if (before := old.get(key)) is not None and before is not value and before == value}
        if isinstance(snapshot.signals, dict):
            # Equal values swapped in place: the snapshot stays the object the source returned.
            snapshot.signals.update(same)
        elif same:
            snapshot = self._last_fetched = replace(snapshot, signals={**snapshot.signals, **same})
        return snapshot

    def metrics_done(self, snapshot: MetricsSnapshot | None, error: str | None,
                     window: str | None = None) -> None:
        """Record a fetch's outcome (on the UI thread) and start the next one if asked for."""
        if snapshot is not None:
            self.snapshot = snapshot
            self.window = window
            self.fetched_at = self.screen.clock()
            self.error = snapshot.error
        else:
            self.error = error
        if self._finish("metrics"):
            self.fetch_metrics()

    def fetch_history(self) -> None:
        """Fetch the selected split's series over the current window."""
        ref = self.screen.selected
        split = self.screen.state.split(ref) if ref is not None else None
        if self.metrics is None or split is None:
            return
        window = self.screen.window
        step = max(1.0, WINDOW_SECONDS[window] / HISTORY_POINTS)
        self._start("history", partial(self._fetch_history, split.ref, backend_targets([split]),
                                       window, step))

    def _fetch_history(self, ref: Any, targets: Sequence[BackendTarget], window: str,
                       step: float) -> None:
        assert self.metrics is not None
        try:
            series = self.metrics.history(targets, window, step)
        except Exception as error:  # noqa: BLE001 - shown on the charts
            self.screen.post_message(HistoryFailed(ref, describe_error(error)))
            return
        times = [t for points in series.values() for t, _ in points]
        end = max(times) if times else self.screen.clock()
        self.screen.post_message(HistoryFetched(ref, window, dict(series),
                                                end - WINDOW_SECONDS[window], end))

    def history_done(self, history: HistoryFetched | None, error: str | None = None,
                     ref: Any = None) -> None:
        """Record a history fetch's outcome and start the next one if asked for."""
        if history is not None:
            self.history = history
            self.history_error = None
        else:
            self.history_error = (ref, error or "history unavailable")
        if self._finish("history"):
            self.fetch_history()
