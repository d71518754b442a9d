"""Plan keys of the dashboard: start a plan, approve, and p/P/A on splits that carry one.

`PlanActions` is mixed into `DashboardScreen`. Every change is one guarded write of the split's
``meshtui.io/rollout`` annotation (and weights, when traffic moves) through the `ClusterWriter`,
after the same confirmation dialog as the owner actions. The dashboard records what a user asks;
``meshtui rollout run`` drives the plan. Who that runner is comes from the split's Lease.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding

from meshtui.kube.errors import KubeError
from meshtui.model.durations import format_duration
from meshtui.model.plan_state import PlanStateError
from meshtui.rollout.lease import SplitLease
from meshtui.rollout.status import plan_status
from meshtui.rollout.store import RolloutError
from meshtui.ui.control import plans
from meshtui.ui.control.confirmation import as_last_seen, with_findings
from meshtui.ui.messages import PlanChanged, PlanRunnerRead, WriteFailed
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.plan_picker import PlanPicker

if TYPE_CHECKING:
    from meshtui.model.plan import Plan
    from meshtui.model.split import Split, SplitRef

PLAN_BINDINGS = [
    Binding("R", "start_plan", "Start plan", show=False, id="plan.start",
            tooltip="Start a progressive plan on the selected split (no owner)."),
    Binding("v", "approve_plan", "Approve", show=False, id="plan.approve",
            tooltip="Approve the plan's pause-until-approved step."),
]
"""The plan keys (ids ``plan.*``); p/P/A act on a plan when the split carries one."""

RUNNER_REFRESH = 5.0
"""Seconds between reads of the selected plan's Lease (live dashboards only)."""


class PlanActions:
    """Plan actions and their writes (mixed into the dashboard screen)."""

    control: Any
    state: Any
    selected: Any
    plan_runners: dict[SplitRef, str]
    gate_states: dict[SplitRef, dict[str, str]]

    def start_plans(self) -> None:
        """Tick countdowns and re-read the runner's Lease while live (called on mount)."""
        self.plan_runners = {}
        self.gate_states = {}
        if getattr(self, "live", False):
            self.set_interval(1.0, self.tick_plan)  # type: ignore[attr-defined]
            self.set_interval(RUNNER_REFRESH, self.read_runner)  # type: ignore[attr-defined]

    def tick_plan(self) -> None:
        """Move the timeline's countdown on."""
        timeline = self.query_one("#plan")  # type: ignore[attr-defined]
        if timeline.status is not None:
            timeline.now = self.clock()  # type: ignore[attr-defined]

    def read_runner(self) -> None:
        """Read the Lease of the selected split's plan, in a thread."""
        split = self.current_split()  # type: ignore[attr-defined]
        writer = self.control.writer
        if split is not None and writer is not None and plans.active_plan(split) is not None:
            self._read_lease(split, writer)

    @work(thread=True, exclusive=True, group="plan-lease", exit_on_error=False)
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
        self.post_message(PlanRunnerRead(split.ref, runner))  # type: ignore[attr-defined]

    # Handlers by name, not @on: `on` registers only on a MessagePump class, and this is a mixin.
    def on_plan_runner_read(self, message: PlanRunnerRead) -> None:
        """Keep who drives the plan and redraw the detail."""
        if self.plan_runners.get(message.ref) != message.runner:
            self.plan_runners[message.ref] = message.runner
            if message.ref == self.selected:
                split = self.current_split()  # type: ignore[attr-defined]
                self.query_one("#detail").show_plan(split, plan_status(split))  # type: ignore[attr-defined]

    def action_start_plan(self) -> None:
        """Pick a plan file for the selected split, then confirm and record it."""
        split = self.current_split()  # type: ignore[attr-defined]
        if split is None:
            return
        reason = self.control.unavailable()
        if reason is None and not self.owners_ready():  # type: ignore[attr-defined]
            return
        if reason is None and split.owner is not None:
            reason = f"{split.ref} is driven by {split.owner.kind} {split.owner.name}"
        if reason is None and plans.active_plan(split) is not None:
            reason = f"{split.ref} already runs a plan: abort it first"
        if reason:
            self.notify(f"start plan: {reason}", severity="warning")  # type: ignore[attr-defined]
            return

        def chosen(choice: plans.PlanChoice | None) -> None:
            live = self.current_split()  # type: ignore[attr-defined]
            if choice is not None and live is not None and live.ref == split.ref:
                self.confirm_plan(live, "start", choice.plan)

        self.app.push_screen(PlanPicker(split.name), chosen)  # type: ignore[attr-defined]

    def action_approve_plan(self) -> None:
        """Approve the selected split's plan (after a confirmation)."""
        split = self.current_split()  # type: ignore[attr-defined]
        if split is not None:
            self.confirm_plan(split, "approve")

    def confirm_plan(self, split: Split, action: str, plan: Plan | None = None) -> None:
        """Say why `action` does not apply, or confirm it and write it in a worker."""
        reason = self.control.unavailable()
        if reason:
            self.notify(f"{action}: {reason}", severity="warning")  # type: ignore[attr-defined]
            return
        by = getattr(self.control.writer, "identity", None) or "meshtui"
        try:
            before, change = plans.transition(split, action, now=time.time(), by=by, plan=plan)
        except (PlanStateError, RolloutError, ValueError) as error:
            self.notify(f"{action}: {error}", severity="warning")  # type: ignore[attr-defined]
            return
        if change.state is before:
            self.notify(f"{action}: nothing to do ({before.phase if before else 'no plan'})")  # type: ignore[attr-defined]
            return
        dialog = ConfirmDialog(as_last_seen(with_findings(plans.confirmation(
            split, action, before, change, context=self.control.context,
            pattern=self.control.settings.production_context, dry_run=self.control.dry_run),
            action, self.presenter.failing(split)), self.presenter.disconnected))  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if yes:
                self.write_plan_change(split, action, plan)

        self.app.push_screen(dialog, answered)  # type: ignore[attr-defined]

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def write_plan_change(self, split: Split, action: str, plan: Plan | None) -> None:
        """Write a plan change in a thread (recomputed from the live split on a conflict)."""
        writer = self.control.writer
        try:
            written = plans.write_plan_change(writer, split, action, now=time.time(), plan=plan)
        except KubeError as error:
            self.post_message(WriteFailed(split.ref, f"{action}: {error.message}"))  # type: ignore[attr-defined]
        except (PlanStateError, RolloutError, ValueError) as error:
            self.post_message(WriteFailed(split.ref, f"{action}: {error}"))  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.post_message(WriteFailed(split.ref, f"{action} failed ({type(error).__name__})"))  # type: ignore[attr-defined]
        else:
            dry = bool(getattr(writer, "dry_run", False))
            obj = written.obj if written is not split and not dry else {}
            self.post_message(PlanChanged(split.ref, action, obj, dry))  # type: ignore[attr-defined]

    def on_plan_changed(self, message: PlanChanged) -> None:
        """Show the written plan state at once and say what happened."""
        if message.obj.get("kind"):
            self.state.upsert(message.ref.resource_key, message.obj)
        split = self.state.split(message.ref)
        status = plan_status(split) if split is not None and not message.dry_run else None
        text = (f"dry run: the server accepted the plan {message.action}, nothing changed"
                if message.dry_run else
                f"plan {message.action}: {status.phase if status else '?'}"
                f"{': ' + status.message if status and status.message else ''}")
        self.control.say(message.ref, text)
        self.notify(text)  # type: ignore[attr-defined]
        self.presenter.refresh_all()  # type: ignore[attr-defined]
        self.read_runner()
