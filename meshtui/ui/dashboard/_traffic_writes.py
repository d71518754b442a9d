"""Traffic-control writes: thread workers through the `ClusterWriter`, and what their results do.

`TrafficWrites` is the part of `TrafficActions` that writes and hears back. Each worker runs on
the screen and posts it a past-tense message (`WeightsApplied`, `ActionApplied`, `WriteFailed`,
`WriteConflicted`); the handlers here record the outcome and say it (`TrafficActions` asks again
after a conflict).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from meshtui.kube.errors import KubeError
from meshtui.kube.writer import Conflict
from meshtui.model.actions import ActionPlan, ProxyPost
from meshtui.model.owners import OwnerState, registry
from meshtui.ui.messages import (
    ActionApplied,
    GatesRead,
    WeightsApplied,
    WriteConflicted,
    WriteFailed,
)

if TYPE_CHECKING:
    from meshtui.model.split import Split, SplitRef
    from meshtui.ui.control.pending import PendingChange
    from meshtui.ui.dashboard._plans import PlanHost


class TrafficWrites:
    """Write workers and their result handlers, on the screen `host`."""

    def __init__(self, host: PlanHost) -> None:
        """Create the writes of one dashboard screen."""
        self.host = host
        """The screen the workers run on and their messages go to."""
        self.gates: dict[SplitRef, dict[str, str]] = {}
        """Split → load tester gate → "open", "closed" or "unknown (why)", as last read."""

    def _run(self, work: Callable[[], None], name: str, group: str = "write") -> None:
        """Run `work` in a thread worker of the screen, exclusive in its group (the screen's
        plan writes share the ``write`` group)."""
        self.host.run_worker(work, name=name, group=group, exclusive=True, thread=True,
                             exit_on_error=False)

    def _write_now(self, work: Callable[[], None], name: str) -> None:
        """Start a write's thread at once, with a worker of the ``write`` group waiting for it.

        A thread worker starts only once the event loop comes round, after the repaint that
        closing the confirmation causes (20-40 ms with a thousand splits listed), and the
        write then waited for it. The worker keeps the group's meaning: a write is in flight
        until it ends. The thread is not a daemon: quitting waits for a write being sent.
        """
        done = threading.Event()

        def write() -> None:
            try:
                work()
            finally:
                done.set()

        def wait() -> None:
            done.wait()

        threading.Thread(target=write, name=name).start()
        self._run(wait, name)

    def write_weights(self, split: Split, change: PendingChange, annotations: dict[str, str],
                      pause: ActionPlan | None, undo: bool) -> None:
        """Write pending weights (pausing the controller first when asked) in a thread."""
        self._write_now(partial(self._write_weights, split, change, annotations, pause, undo),
                        "write_weights")

    def _write_weights(self, split: Split, change: PendingChange, annotations: dict[str, str],
                       pause: ActionPlan | None, undo: bool) -> None:
        writer = self.host.control.writer
        paused = ""
        try:
            if pause is not None:
                writer.apply(pause)
                paused = "paused the controller; then "
            result = writer.set_weights(split, change.pending, change.rule, annotations=annotations)
        except Conflict as error:
            self.host.post_message(WriteConflicted(split.ref, paused + error.message, error.live,
                                              split.ref.resource_key))
        except KubeError as error:
            self.host.post_message(WriteFailed(split.ref, paused + error.message))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(WriteFailed(split.ref, f"write failed ({type(error).__name__})"))
        else:
            self.host.post_message(WeightsApplied(split.ref, change.live, change.pending, change.names,
                                             result.dry_run, undo, result.obj,
                                             split.resource_version))

    def write_plan(self, split: Split, plan: ActionPlan) -> None:
        """Carry out an owner action's writes in a thread."""
        self._write_now(partial(self._write_plan, split, plan), "write_plan")

    def _write_plan(self, split: Split, plan: ActionPlan) -> None:
        try:
            results = self.host.control.writer.apply(plan)
        except Conflict as error:
            self.host.post_message(WriteConflicted(split.ref, error.message, None))
        except KubeError as error:
            self.host.post_message(WriteFailed(split.ref, f"{plan.action}: {error.message}"))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(WriteFailed(split.ref, f"{plan.action} failed ({type(error).__name__})"))
        else:
            dry = any(result.dry_run for result in results)
            self.host.post_message(ActionApplied(split.ref, plan.action,
                                            tuple(w.description for w in plan.writes), dry))

    def read_gates(self) -> None:
        """Read the gates of the selected split's owner (Flagger's load tester), in a thread.

        When promote or abort is asked for, and after an owner action: each check is a POST
        through the API server, so not on every selection.
        """
        host = self.host
        split = host.current_split()
        state = host.state.owner_state(split) if split is not None else None
        kind = registry.by_state(state) if state is not None else None
        # A check is a POST through the service proxy: read-only sends none.
        checks = kind.gate_checks(state) if kind is not None else {}
        if split is not None and state is not None and checks and host.control.unavailable() is None:
            self._run(partial(self._read_gates, split.ref, state, checks, host.control.writer),
                      "_read_gates", group="gates")

    def _read_gates(self, ref: SplitRef, state: OwnerState, checks: dict[str, ProxyPost],
                    writer: Any) -> None:
        found = {}
        body = {"name": state.name, "namespace": state.namespace}
        for hook_type, target in checks.items():
            try:
                found[hook_type] = "open" if writer.read_gate(target, body) else "closed"
            except KubeError as error:
                found[hook_type] = f"unknown ({error.message})"
        self.host.post_message(GatesRead(ref, found))

    def gates_read(self, message: GatesRead) -> None:
        """Keep the gate states and show them with the owner."""
        if self.gates.get(message.ref) == message.gates:
            return
        self.gates[message.ref] = message.gates
        split = self.host.current_split()
        if split is not None and split.ref == message.ref:
            self.host.detail.show_owner(split, self.host.state.owner_state(split), message.gates)

    def weights_applied(self, message: WeightsApplied) -> None:
        """Record the write, show the new weights at once, and say what happened."""
        diff = ", ".join(f"{n} {b}% → {a}%" for n, b, a in
                         zip(message.names, message.before, message.after, strict=False) if b != a)
        if message.dry_run:
            text = f"dry run: the server accepted {diff} on {message.ref.name}, nothing changed"
        else:
            text = f"{'undid' if message.undo else 'applied'}: {diff} on {message.ref.name}"
            split = self.host.state.split(message.ref)
            # Only over the split the write replaced: its watch events (the write's own, and a
            # controller setting the weights back at once) may have been applied already.
            if message.obj.get("kind") and split is not None \
                    and split.resource_version == message.base_version:
                self.host.state.upsert(message.ref.resource_key, message.obj)
        self.host.control.applied(message.ref, message.before, message.after, undo=message.undo,
                                  dry_run=message.dry_run, text=text,
                                  base_version=message.base_version)
        self.host.notify(text)
        self.host.presenter.refresh_all()
        self.note_reverts()

    def action_applied(self, message: ActionApplied) -> None:
        """Say what the owner action wrote, and re-read the gates it may have opened."""
        prefix = "dry run: the server accepted" if message.dry_run else "done:"
        text = f"{prefix} {'; '.join(message.descriptions)}" + (", nothing changed" if message.dry_run else "")
        self.host.control.say(message.ref, text)
        self.host.notify(text)
        self.refresh_control()
        self.read_gates()

    def write_failed(self, message: WriteFailed) -> None:
        """Show why the write failed; the pending weights stay."""
        self.host.control.say(message.ref, message.error, "error")
        self.host.notify(message.error, severity="error", timeout=10)
        self.refresh_control()

    def refresh_control(self) -> None:
        """Redraw the detail (weight editor) after a control change."""
        self.host.presenter.refresh_detail()

    def note_reverts(self) -> None:
        """Keep the status lines true: announce weights set back or moved since a write, and age
        lines out (called when watch events arrive and every second)."""
        control = self.host.control
        before = control.notes
        found = control.check_status()
        for ref, line in found:
            if line.severity == "warning":  # a plan's or owner's routine move is shown, not announced
                self.host.notify(f"{ref.name}: {line.text}", severity="warning", timeout=10)
        if found or control.notes != before:
            self.refresh_control()
