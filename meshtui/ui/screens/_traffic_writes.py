"""Traffic-control writes: thread workers through the `ClusterWriter`, and what their results do.

`TrafficWrites` is mixed into `DashboardScreen`. Each worker posts a past-tense message
(`WeightsApplied`, `ActionApplied`, `WriteFailed`, `WriteConflicted`); the handlers here record the
outcome, say it, and (after a conflict) ask again against the new live state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import work

from meshtui.kube.errors import KubeError
from meshtui.kube.writer import Conflict
from meshtui.model.actions import ActionPlan, gate_checks
from meshtui.model.owners import CanaryState
from meshtui.ui.messages import (
    ActionApplied,
    GatesRead,
    WeightsApplied,
    WriteConflicted,
    WriteFailed,
)
from meshtui.ui.widgets.owner_panel import OwnerPanel

if TYPE_CHECKING:
    from meshtui.model.split import Split, SplitRef
    from meshtui.ui.control.controller import TrafficControl
    from meshtui.ui.control.pending import PendingChange


class TrafficWrites:
    """Write workers and their result handlers (mixed into the dashboard screen)."""

    control: TrafficControl
    state: Any
    gate_states: dict[SplitRef, dict[str, str]]

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def write_weights(self, split: Split, change: PendingChange, annotations: dict[str, str],
                      pause: ActionPlan | None, undo: bool) -> None:
        """Write pending weights (pausing the controller first when asked) in a thread."""
        writer = self.control.writer
        paused = ""
        try:
            if pause is not None:
                writer.apply(pause)
                paused = "paused the controller; then "
            result = writer.set_weights(split, change.pending, change.rule, annotations=annotations)
        except Conflict as error:
            self.post_message(WriteConflicted(split.ref, paused + error.message, error.live,  # type: ignore[attr-defined]
                                              split.ref.resource_key))
        except KubeError as error:
            self.post_message(WriteFailed(split.ref, paused + error.message))  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.post_message(WriteFailed(split.ref, f"write failed ({type(error).__name__})"))  # type: ignore[attr-defined]
        else:
            self.post_message(WeightsApplied(split.ref, change.live, change.pending, change.names,  # type: ignore[attr-defined]
                                             result.dry_run, undo, result.obj,
                                             split.resource_version))

    @work(thread=True, exclusive=True, group="write", exit_on_error=False)
    def write_plan(self, split: Split, plan: ActionPlan) -> None:
        """Carry out an owner action's writes in a thread."""
        try:
            results = self.control.writer.apply(plan)
        except Conflict as error:
            self.post_message(WriteConflicted(split.ref, error.message, None))  # type: ignore[attr-defined]
        except KubeError as error:
            self.post_message(WriteFailed(split.ref, f"{plan.action}: {error.message}"))  # type: ignore[attr-defined]
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.post_message(WriteFailed(split.ref, f"{plan.action} failed ({type(error).__name__})"))  # type: ignore[attr-defined]
        else:
            dry = any(result.dry_run for result in results)
            self.post_message(ActionApplied(split.ref, plan.action,  # type: ignore[attr-defined]
                                            tuple(w.description for w in plan.writes), dry))

    def read_gates(self) -> None:
        """Read the load tester gates of the selected split's Flagger Canary, in a thread.

        When promote or abort is asked for, and after an owner action: each check is a POST
        through the API server, so not on every selection.
        """
        split = self.current_split()  # type: ignore[attr-defined]
        state = self.state.owner_state(split) if split is not None else None
        # A check is a POST through the service proxy: read-only sends none.
        if isinstance(state, CanaryState) and self.control.unavailable() is None \
                and gate_checks(state):
            self._read_gates(split.ref, state, self.control.writer)

    @work(thread=True, exclusive=True, group="gates", exit_on_error=False)
    def _read_gates(self, ref: SplitRef, state: CanaryState, writer: Any) -> None:
        found = {}
        body = {"name": state.name, "namespace": state.namespace}
        for hook_type, target in gate_checks(state).items():
            try:
                found[hook_type] = "open" if writer.read_gate(target, body) else "closed"
            except KubeError as error:
                found[hook_type] = f"unknown ({error.message})"
        self.post_message(GatesRead(ref, found))  # type: ignore[attr-defined]

    def on_gates_read(self, message: GatesRead) -> None:
        """Keep the gate states and show them with the owner."""
        if self.gate_states.get(message.ref) == message.gates:
            return
        self.gate_states[message.ref] = message.gates
        split = self.current_split()  # type: ignore[attr-defined]
        if split is not None and split.ref == message.ref:
            self.detail.query_one(OwnerPanel).show(split.owner, self.state.owner_state(split),  # type: ignore[attr-defined]
                                                   message.gates)

    def on_weights_applied(self, message: WeightsApplied) -> None:
        """Record the write, show the new weights at once, and say what happened."""
        diff = ", ".join(f"{n} {b}% → {a}%" for n, b, a in
                         zip(message.names, message.before, message.after, strict=False) if b != a)
        if message.dry_run:
            text = f"dry run: the server accepted {diff} on {message.ref.name}, nothing changed"
        else:
            text = f"{'undid' if message.undo else 'applied'}: {diff} on {message.ref.name}"
            split = self.state.split(message.ref)
            # Only over the split the write replaced: its watch events (the write's own, and a
            # controller setting the weights back at once) may have been applied already.
            if message.obj.get("kind") and split is not None \
                    and split.resource_version == message.base_version:
                self.state.upsert(message.ref.resource_key, message.obj)
        self.control.applied(message.ref, message.before, message.after, undo=message.undo,
                             dry_run=message.dry_run, text=text, base_version=message.base_version)
        self.notify(text)  # type: ignore[attr-defined]
        self.presenter.refresh_all()  # type: ignore[attr-defined]
        self.note_reverts()  # type: ignore[attr-defined]

    def on_action_applied(self, message: ActionApplied) -> None:
        """Say what the owner action wrote, and re-read the gates it may have opened."""
        prefix = "dry run: the server accepted" if message.dry_run else "done:"
        text = f"{prefix} {'; '.join(message.descriptions)}" + (", nothing changed" if message.dry_run else "")
        self.control.say(message.ref, text)
        self.notify(text)  # type: ignore[attr-defined]
        self.refresh_control()  # type: ignore[attr-defined]
        self.read_gates()

    def on_write_failed(self, message: WriteFailed) -> None:
        """Show why the write failed; the pending weights stay."""
        self.control.say(message.ref, message.error, "error")
        self.notify(message.error, severity="error", timeout=10)  # type: ignore[attr-defined]
        self.refresh_control()  # type: ignore[attr-defined]

    def on_write_conflicted(self, message: WriteConflicted) -> None:
        """Show the new live state and ask again, against it, with the same pending weights."""
        if message.live is not None and message.resource:
            self.state.upsert(message.resource, message.live)
        self.control.say(message.ref, message.error, "error")
        self.notify(message.error, severity="error", timeout=10)  # type: ignore[attr-defined]
        self.presenter.refresh_all()  # type: ignore[attr-defined]
        split = self.state.split(message.ref)
        pending = self.control.pending
        if split is not None and pending is not None and pending.ref == message.ref \
                and message.live is not None:
            self.confirm_weights(split, pending.against(split))  # type: ignore[attr-defined]
