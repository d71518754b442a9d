"""Provides `Runner`: the headless loop that drives every plan in scope (``meshtui rollout run``).

Each tick lists the splits carrying a plan, takes or renews each one's Lease, and for the ones it
holds computes the next transition from the state on the split (`advance`) and writes it in one
guarded request. The tick is small and its clock, speed and metrics source are injectable.
A runner killed at any point leaves either the whole transition written or none of it; the next
runner reads the state back and carries on from there.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from meshtui.kube.errors import Conflict, KubeError
from meshtui.model.plan import Analysis
from meshtui.model.plan_state import ACTIVE, CheckResult, advance, evaluate_check
from meshtui.model.text import visible
from meshtui.model.windows import WINDOW_SECONDS
from meshtui.output import error_text
from meshtui.rollout.lease import SplitLease
from meshtui.rollout.store import (
    RolloutError,
    Tracked,
    canary_percent,
    last_writer,
    list_tracked,
    write_transition,
)

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.plan_state import PlanState
    from meshtui.model.split import Split

__all__ = ["Runner", "default_identity"]

MAX_TICKS_FOREVER = 10**12


def default_identity() -> str:
    """``host-pid-random``: unique per process, readable in Lease and history."""
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Runner:
    """Drives the plans of every split in scope.

    Args:
        client: Reads splits.
        writer: The one write path (state, weights and Leases).
        source: A metrics source (`MetricsSource`), or None: analysis then holds.
        namespace: One namespace, or None for all.
        identity: The Lease holder identity and the name in histories.
        lease_duration: Seconds a Lease stays valid without renewal.
        speed: Pause durations and analysis intervals are divided by this (tests).
        clock: Epoch seconds.
        log: Called with one line per thing done.
    """

    def __init__(self, client: MeshClient, writer: ClusterWriter, source: Any = None, *,
                 namespace: str | None = None, identity: str | None = None,
                 lease_duration: int = 15, speed: float = 1.0,
                 clock: Callable[[], float] = time.time,
                 log: Callable[[str], None] | None = None) -> None:
        self.client = client
        self.writer = writer
        self.source = source
        self.namespace = namespace
        self.identity = identity or default_identity()
        self.lease_duration = lease_duration
        self.speed = speed
        self.clock = clock
        self.log = log or (lambda line: None)
        self._leases: dict[str, SplitLease] = {}
        self._skipped: dict[str, str] = {}
        """Why each unreadable plan was skipped last tick, so each reason is logged once."""

    def __repr__(self) -> str:
        return f"Runner(identity={self.identity!r}, namespace={self.namespace!r})"

    def tick(self) -> int:
        """One pass over the plans in scope; returns how many transitions were written.

        A split whose plan cannot be read is skipped (and said once, not every tick); a split
        that fails in any way is skipped too, so no single object stops the others' plans.
        """
        written = 0
        skipped: dict[str, str] = {}
        for tracked in list_tracked(self.client, self.namespace):
            key = str(tracked.split.ref)
            if tracked.error:
                skipped[key] = tracked.error
                if self._skipped.get(key) != tracked.error:
                    self.log(f"{visible(key, 300)}: skipped: {visible(tracked.error, 300)}")
            state = tracked.state
            # A paused plan keeps its runner: the Lease says who resumes it.
            if state is None or state.phase not in ACTIVE:
                continue
            try:
                written += self._tick_one(key, tracked)
            except Conflict:
                continue
            except (KubeError, RolloutError) as exc:
                self.log(f"{visible(key, 300)}: "
                         f"{visible(getattr(exc, 'message', None) or exc, 300)}")
            except Exception as exc:  # noqa: BLE001 - one object must not stop every plan
                self.log(f"{visible(key, 300)}: skipped after an unexpected "
                         f"{type(exc).__name__}: {visible(exc, 300)}")
        self._skipped = skipped
        return written

    def _tick_one(self, key: str, tracked: Tracked) -> int:
        """Take or renew the split's Lease and, when held, drive its plan."""
        lease = self._leases.get(key)
        if lease is None:
            lease = self._leases[key] = SplitLease(self.writer, tracked.split, self.identity,
                                                   self.lease_duration)
        if not lease.acquire(self.clock()):
            return 0
        return self.drive(tracked, lease)

    def drive(self, tracked: Tracked, lease: SplitLease) -> int:
        """Compute and write the next transition of one plan; returns 1 if one was written."""
        state, split = tracked.state, tracked.split
        assert state is not None
        observed = canary_percent(split, state.canary)
        check = None
        if observed == state.weight and state.check_due(self.clock(), self.speed):
            check = self.check(split, state)
        now = self.clock()
        transition = advance(state, now=now, observed=observed, check=check,
                             changed_by=last_writer(split), by=self.identity, speed=self.speed)
        if transition.state is state:
            return 0
        if not lease.held(self.clock()):
            return 0
        write_transition(self.writer, split, state, transition, "rollout-step")
        new = transition.state
        moved = f", canary -> {transition.set_weight}%" if transition.set_weight is not None else ""
        self.log(visible(f"{split.ref}: {new.where()}{moved}"
                         f"{': ' + new.message if new.message else ''}", 600))
        return 1

    def check(self, split: Split, state: PlanState) -> CheckResult:
        """Measure the canary against the current analysis step.

        Requests are counted over the seconds the figures cover (less than the window while the
        canary's metrics are young), and a source that answers PromQL is also asked how young the
        canary's series are, so a check right after the canary starts taking traffic waits.
        """
        from meshtui.metrics.series_age import PromQLSource, young_series_samples
        from meshtui.metrics.source import BackendTarget, RouteKey
        from meshtui.model.findings import Window
        from meshtui.model.signals import BackendKey

        step = state.current
        assert isinstance(step, Analysis)
        window = WINDOW_SECONDS.get(step.window, 60)
        if self.source is None:
            return evaluate_check(step, None, None, None, window, "no metrics source configured")
        backend = next(b for b in split.backends if b.name == state.canary)
        key = BackendKey(backend.namespace or split.namespace, backend.name)
        route = None if split.kind == "TrafficSplit" else RouteKey(split.namespace, split.name,
                                                                   split.service)
        targets = [BackendTarget(key, route)]
        young = None
        try:
            snapshot = self.source.fetch(targets, step.window)
            if not snapshot.error and isinstance(self.source, PromQLSource):
                young = young_series_samples(self.source, targets, step.window)
        except Exception as exc:  # noqa: BLE001 - any failure of the source holds the plan
            return evaluate_check(step, None, None, None, window,
                                  " ".join(str(exc).split())[:200] or type(exc).__name__)
        if snapshot.error:
            return evaluate_check(step, None, None, None, window, snapshot.error)
        covered = Window(window, snapshot.covered).span
        signals = snapshot.signals.get(key)
        if signals is None:
            return evaluate_check(step, None, None, None, covered, series_samples=young)
        return evaluate_check(step, signals.success_rate, signals.p99_ms, signals.rps, covered,
                              series_samples=young)

    def run(self, stop: threading.Event, interval: float = 1.0,
            max_ticks: int | None = None) -> int:
        """Tick every `interval` seconds until `stop` is set (or `max_ticks`); returns ticks run."""
        ticks = 0
        limit = MAX_TICKS_FOREVER if max_ticks is None else max_ticks
        try:
            while ticks < limit and not stop.is_set():
                try:
                    self.tick()
                except KubeError as exc:
                    self.log(error_text(exc.message))
                ticks += 1
                stop.wait(interval)
        finally:
            for lease in self._leases.values():
                lease.release()
        return ticks
