"""Plan keys of the dashboard: start a plan, approve, and p/P/A on splits that carry one.

`PlanActions` is one object of the dashboard screen (its ``plans``), handed the screen as a
`PlanHost`. Every change is one guarded write of the split's ``meshtui.io/rollout`` annotation
(and weights, when traffic moves) through the `ClusterWriter`, after the same confirmation dialog
as the owner actions. The dashboard records what a user asks; ``meshtui rollout run`` drives the
plan. Who that runner is comes from the split's Lease.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any, Protocol

from textual.binding import Binding

from meshtui.kube.errors import KubeError
from meshtui.model.durations import format_duration
from meshtui.model.plan_state import PlanStateError
from meshtui.rollout.lease import SplitLease
from meshtui.rollout.status import plan_status
from meshtui.rollout.store import RolloutError
from meshtui.ui.control import plans
from meshtui.ui.control.host import ScreenHost
from meshtui.ui.control.confirmation import as_last_seen, with_findings
from meshtui.ui.messages import PlanChanged, PlanRunnerRead, WriteFailed
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.plan_picker import PlanPicker

if TYPE_CHECKING:

    from meshtui.model.mesh import MeshState
    from meshtui.model.plan import Plan
    from meshtui.model.split import Split, SplitRef
    from meshtui.ui.control.controller import TrafficControl
    from meshtui.ui.dashboard._presenter import Presenter
    from meshtui.ui.panes.split_detail import SplitDetail

PLAN_BINDINGS = [
    Binding("R", "start_plan", "Start plan", show=False, id="plan.start",
            tooltip="Start a progressive plan on the selected split (no owner)."),
    Binding("v", "approve_plan", "Approve", show=False, id="plan.approve",
            tooltip="Approve the plan's pause-until-approved step."),
]
"""The plan keys (ids ``plan.*``); p/P/A act on a plan when the split carries one."""

RUNNER_REFRESH = 5.0
"""Seconds between reads of the selected plan's Lease (live dashboards only)."""


class PlanHost(ScreenHost, Protocol):
    """What the plan and traffic actions use of the dashboard screen."""

    @property
    def state(self) -> MeshState:
        """Everything the watches have told the screen."""
        ...

    @property
    def control(self) -> TrafficControl:
        """Pending weights, the writer and write bookkeeping."""
        ...

    @property
    def presenter(self) -> Presenter:
        """Redraws the widgets; knows the findings dialogs quote."""
        ...

    @property
    def detail(self) -> SplitDetail:
        """The detail pane."""
        ...

    @property
    def selected(self) -> SplitRef | None:
        """The split shown in the detail pane."""
        ...

    @property
    def clock(self) -> Callable[[], float]:
        """Wall clock (seconds)."""
        ...

    def current_split(self) -> Split | None:
        """The split shown in the detail pane, as last seen."""
        ...

    def owners_ready(self) -> bool:
        """True when owners are known; otherwise say what is still loading."""
        ...


class PlanActions:
    """Plan actions, their write workers and what their results do."""

    def __init__(self, host: PlanHost) -> None:
        """Create the plan actions of one dashboard screen."""
        self.host = host
        """The screen they act on."""
        self.runners: dict[SplitRef, str] = {}
        """Split → who drives its plan, from the plan's Lease ("" until read)."""

    def tick(self) -> None:
        """Move the timeline's countdown on (every second while live)."""
        self.host.detail.tick_plan(self.host.clock())

    def read_runner(self) -> None:
        """Read the Lease of the selected split's plan, in a thread."""
        split = self.host.current_split()
        writer = self.host.control.writer
        if split is not None and writer is not None and plans.active_plan(split) is not None:
            self.host.run_worker(partial(self._read_lease, split, writer), name="_read_lease",
                                 group="plan-lease", exclusive=True, thread=True,
                                 exit_on_error=False)

    def _read_lease(self, split: Split, writer: Any) -> None:
        try:
            hold = SplitLease(writer, split, "meshtui-dashboard", 1).read()
        except KubeError as error:
            runner = f"runner unknown ({error.message})"
        except Exception as error:  # noqa: BLE001 - shown, never a traceback
            runner = f"runner unknown ({type(error).__name__})"
        else:
            now = time.time()
            if hold is None or not hold.holder:
                runner = "no runner (nobody holds the plan's Lease)"
            elif hold.expired(now):
                age = format_duration(now - hold.renewed_at - hold.duration)
                runner = f"no runner: the Lease of {hold.holder} expired {age} ago"
            else:
                runner = f"driven by runner {hold.holder} (lease)"
        self.host.post_message(PlanRunnerRead(split.ref, runner))

    def runner_read(self, message: PlanRunnerRead) -> None:
        """Keep who drives the plan and redraw the plan timeline."""
        if self.runners.get(message.ref) != message.runner:
            self.runners[message.ref] = message.runner
            split = self.host.current_split()
            if message.ref == self.host.selected and split is not None:
                self.host.detail.show_plan(split, plan_status(split), now=self.host.clock(),
                                           runner=message.runner)

    def start_plan(self) -> None:
        """Pick a plan file for the selected split, then confirm and record it."""
        host = self.host
        split = host.current_split()
        if split is None:
            return
        reason = host.control.unavailable()
        if reason is None and not host.owners_ready():
            return
        if reason is None and split.owner is not None:
            reason = f"{split.ref} is driven by {split.owner.kind} {split.owner.name}"
        if reason is None and plans.active_plan(split) is not None:
            reason = f"{split.ref} already runs a plan: abort it first"
        if reason:
            host.notify(f"start plan: {reason}", severity="warning")
            return

        def chosen(choice: plans.PlanChoice | None) -> None:
            live = host.current_split()
            if choice is not None and live is not None and live.ref == split.ref:
                self.confirm(live, "start", choice.plan)

        host.ask(PlanPicker(split.name), chosen)

    def approve(self) -> None:
        """Approve the selected split's plan (after a confirmation)."""
        split = self.host.current_split()
        if split is not None:
            self.confirm(split, "approve")

    def confirm(self, split: Split, action: str, plan: Plan | None = None) -> None:
        """Say why `action` does not apply, or confirm it and write it in a worker."""
        host = self.host
        control = host.control
        reason = control.unavailable()
        if reason:
            host.notify(f"{action}: {reason}", severity="warning")
            return
        by = getattr(control.writer, "identity", None) or "meshtui"
        try:
            before, change = plans.transition(split, action, now=time.time(), by=by, plan=plan)
        except (PlanStateError, RolloutError, ValueError) as error:
            host.notify(f"{action}: {error}", severity="warning")
            return
        if change.state is before:
            host.notify(f"{action}: nothing to do ({before.phase if before else 'no plan'})")
            return
        dialog = ConfirmDialog(as_last_seen(with_findings(plans.confirmation(
            split, action, before, change, context=control.context,
            pattern=control.settings.production_context, dry_run=control.dry_run),
            action, host.presenter.failing(split)), host.presenter.disconnected))

        def answered(yes: bool | None) -> None:
            if yes:
                host.run_worker(partial(self._write_plan_change, split, action, plan),
                                name="write_plan_change", group="write", exclusive=True,
                                thread=True, exit_on_error=False)

        host.ask(dialog, answered)

    def _write_plan_change(self, split: Split, action: str, plan: Plan | None) -> None:
        """Write a plan change (in a thread; recomputed from the live split on a conflict)."""
        writer = self.host.control.writer
        try:
            written = plans.write_plan_change(writer, split, action, now=time.time(), plan=plan)
        except KubeError as error:
            self.host.post_message(WriteFailed(split.ref, f"{action}: {error.message}"))
        except (PlanStateError, RolloutError, ValueError) as error:
            self.host.post_message(WriteFailed(split.ref, f"{action}: {error}"))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(WriteFailed(split.ref, f"{action} failed ({type(error).__name__})"))
        else:
            dry = bool(getattr(writer, "dry_run", False))
            obj = written.obj if written is not split and not dry else {}
            self.host.post_message(PlanChanged(split.ref, action, obj, dry))

    def changed(self, message: PlanChanged) -> None:
        """Show the written plan state at once and say what happened."""
        host = self.host
        if message.obj.get("kind"):
            host.state.upsert(message.ref.resource_key, message.obj)
        split = host.state.split(message.ref)
        status = plan_status(split) if split is not None and not message.dry_run else None
        text = (f"dry run: the server accepted the plan {message.action}, nothing changed"
                if message.dry_run else
                f"plan {message.action}: {status.phase if status else '?'}"
                f"{': ' + status.message if status and status.message else ''}")
        host.control.say(message.ref, text)
        host.notify(text)
        host.presenter.refresh_all()
        self.read_runner()
