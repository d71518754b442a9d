"""Traffic-control keys of the dashboard: actions, confirmations, write workers and their results.

`TrafficActions` is mixed into `DashboardScreen`; `TrafficControl` (its ``control``) holds the
state; the writes themselves run in `TrafficWrites` workers.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from textual.binding import Binding
from textual.widgets import DataTable

from meshtui.model.actions import ActionPlan, Unavailable
from meshtui.ui.control.confirmation import (
    FULL_PROMOTION,
    PAUSE_FIRST,
    as_last_seen,
    with_findings,
    with_gaining_findings,
)
from meshtui.ui.control.plans import active_plan
from meshtui.ui.control.pending import NotEditable, PendingChange
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.dashboard._traffic_writes import TrafficWrites
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.widgets.weight_slider import WeightSlider

if TYPE_CHECKING:
    from meshtui.model.split import Split
    from meshtui.ui.control.controller import TrafficControl

CONTROL_BINDINGS = [
    Binding("plus", "shift_weight(1)", "+step", key_display="+", show=False, id="control.more",
            tooltip="Shift the selected backend up by the step (pending)."),
    Binding("minus", "shift_weight(-1)", "-step", key_display="-", show=False, id="control.less",
            tooltip="Shift the selected backend down by the step (pending)."),
    Binding("equals_sign", "set_exact", "Set %", key_display="=", show=False, id="control.set",
            tooltip="Type an exact percentage for the selected backend (pending)."),
    Binding("b", "next_backend", "Next backend", show=False, id="control.next-backend",
            tooltip="Select the next backend for the weight keys."),
    Binding("a", "apply_weights", "Apply", id="control.apply",
            tooltip="Write the pending weights (after a confirmation)."),
    Binding("escape", "discard", "Discard", show=False, id="control.discard",
            tooltip="Discard the pending weights."),
    Binding("u", "undo", "Undo", show=False, id="control.undo",
            tooltip="Write the weights from before the last applied change."),
    Binding("0", "canary_to_zero", "Canary→0", id="control.zero",
            tooltip="Incident button: canary to 0%, stable to 100% (after a confirmation)."),
    Binding("s", "mark_stable", "Mark stable", show=False, id="control.stable",
            tooltip="Record the selected backend as the stable one (after a confirmation)."),
    Binding("p", "pause_resume", "Pause/resume", show=False, id="control.pause",
            tooltip="Pause or resume the split's plan, or its Flagger or Argo controller."),
    Binding("P", "promote", "Promote", id="control.promote", tooltip="Promote the canary."),
    Binding("A", "abort", "Abort", id="control.abort", tooltip="Abort the canary."),
]
"""The traffic-control keys (ids ``control.*``, remappable with the keymap)."""

OWNER_RESOURCES = ("canaries", "rollouts")
"""Resources that tell who owns a split: until they list, an owned split looks unowned."""

WRITE_ACTIONS = frozenset({"shift_weight", "set_exact", "apply_weights", "undo", "canary_to_zero",
                           "mark_stable", "pause_resume", "promote", "abort", "start_plan",
                           "approve_plan"})
"""Actions that lead to a write: unavailable without a writer or in read-only mode."""

BINDING_ACTIONS = tuple(sorted(WRITE_ACTIONS | {"discard", "next_backend", "clear_filter"}))
"""Actions whose footer keys `check_control` dims."""


class TrafficActions(TrafficWrites):
    """Key actions of traffic control (mixed into the dashboard screen, with its writes)."""

    control: TrafficControl
    state: Any
    selected: Any
    _binding_states: tuple[bool | None, ...] = ()

    def sync_bindings(self) -> None:
        """Redraw the footer when an action became available or unavailable.

        Selection, pending weights, owners and the writer all decide it, and none of them is an
        action or a focus change, after which Textual refreshes the footer by itself. Only on a
        change: the footer recomposes each time.
        """
        states = tuple(self.check_control(action) for action in BINDING_ACTIONS)
        if states != self._binding_states:
            self._binding_states = states
            self.refresh_bindings()  # type: ignore[attr-defined]

    def current_split(self) -> Split | None:
        """The split shown in the detail pane."""
        return self.state.split(self.selected) if self.selected is not None else None

    def control_unavailable(self, action: str) -> str | None:
        """Why a traffic-control action cannot run now, or None."""
        if action == "discard":
            return None if self.control.pending is not None else "nothing pending"
        if action == "next_backend":
            return None if self.current_split() is not None else "no split selected"
        if action not in WRITE_ACTIONS:
            return None
        reason = self.control.unavailable()
        if reason is None and self.current_split() is None:
            reason = "no split selected"
        return reason

    def owners_loading(self) -> list[str]:
        """Owner resources still on their way (watched, not listed, no error reported).

        Until they arrive an Argo- or Flagger-owned split looks unowned, so its weights would be
        written directly (and reverted) and pause would be "unavailable": writes wait for them.
        """
        watch_set = getattr(self.pipeline, "_watch_set", None)  # type: ignore[attr-defined]
        watched = getattr(watch_set, "resources", ()) if watch_set is not None else ()
        connections = getattr(self, "connections", {})
        return [key for key in OWNER_RESOURCES if key in watched and not self.state.loaded(key)
                and connections.get(key, (True, None))[1] is None]

    def owners_ready(self) -> bool:
        """True when owners are known; otherwise say what is still loading and return False.

        The key is not dimmed meanwhile (`check_action` would swallow it without a word).
        """
        loading = self.owners_loading()
        if loading:
            self.notify(f"still loading {' and '.join(loading)}: the split's owner is not known "  # type: ignore[attr-defined]
                        "yet, try again in a moment", severity="warning")
        return not loading

    def check_control(self, action: str) -> bool | None:
        """`check_action` for control actions: None (dimmed) when unavailable."""
        if action == "clear_filter" and self.control.pending is not None:
            return False  # escape discards the pending weights first
        if action == "discard":
            return self.control.pending is not None
        return None if self.control_unavailable(action) else True

    async def run_control(self, action: str) -> None:
        """Run a control action from the palette, or say why it is unavailable."""
        name = action.partition("(")[0]
        reason = self.control_unavailable(name)
        if reason and (name in WRITE_ACTIONS or name in ("discard", "next_backend")):
            self.notify(f"unavailable: {reason}", severity="warning")  # type: ignore[attr-defined]
        else:
            await self.run_action(action)  # type: ignore[attr-defined]

    def refresh_control(self) -> None:
        """Redraw the detail (weight editor) after a control change."""
        self.presenter.refresh_detail()  # type: ignore[attr-defined]

    def _edit(self, change: Any) -> None:
        try:
            split = self.current_split()
            if split is not None:
                change(split)
        except NotEditable as error:
            self.notify(str(error), severity="warning")  # type: ignore[attr-defined]
        self.refresh_control()

    def action_shift_weight(self, direction: int) -> None:
        """Shift the selected backend by one step (pending only)."""
        self._edit(lambda split: self.control.shift(split, direction))

    def action_next_backend(self) -> None:
        """Select the next backend of the split for the weight keys."""
        split = self.current_split()
        if split is not None:
            count = len([b for b in split.backends if b.rule == split.backends[0].rule])
            self.control.selected[split.ref] = (self.control.selected_index(split) + 1) % max(1, count)
            self.refresh_control()

    def action_set_exact(self) -> None:
        """Ask for an exact percentage for the selected backend."""
        split = self.current_split()
        if split is None:
            return
        try:
            change = self.control.edit(split)
        except NotEditable as error:
            self.notify(str(error), severity="warning")  # type: ignore[attr-defined]
            return
        index = self.control.selected_index(split)

        def chosen(value: int | None) -> None:
            if value is not None:
                self._edit(lambda s: self.control.set_exact(s, value, index))

        self.app.push_screen(PercentPrompt(change.names[index], change.pending[index],  # type: ignore[attr-defined]
                                          change.live[index]), chosen)

    def action_discard(self) -> None:
        """Drop the pending weights; nothing is written."""
        if self.control.discard() is not None:
            self.notify("discarded the pending weights")  # type: ignore[attr-defined]
        self.refresh_control()

    def action_mark_stable(self) -> None:
        """Record the selected backend as stable (meshtui.io/stable), after a confirmation."""
        split = self.current_split()
        if split is None or not self.owners_ready():
            return
        plan, confirmation = self.control.mark_stable(split)
        if isinstance(plan, Unavailable) or confirmation is None:
            self.notify(f"mark stable: {getattr(plan, 'reason', 'unavailable')}", severity="warning")  # type: ignore[attr-defined]
            return
        # The backend marked is where `0` will send everything: say so if it is failing.
        marked = self.control.selected_name(split)
        confirmation = with_gaining_findings(
            confirmation, self.presenter.failing(split, {marked}) if marked else [],  # type: ignore[attr-defined]
            lead="Marking a failing backend stable (0 would then send it all traffic)")
        dialog = ConfirmDialog(as_last_seen(confirmation, self.presenter.disconnected))  # type: ignore[attr-defined]
        self.app.push_screen(dialog, partial(self._action_answered, split, plan, dialog))  # type: ignore[attr-defined]

    def action_apply_weights(self) -> None:
        """Confirm and write the pending weights of the selected split."""
        split = self.current_split()
        pending = self.control.pending
        if split is None or pending is None or pending.ref != split.ref:
            self.notify("no pending weights for this split: use + - = or the sliders first")  # type: ignore[attr-defined]
            return
        self.confirm_weights(split, pending.against(split))

    def action_undo(self) -> None:
        """Confirm and write the weights from before the last applied change."""
        split = self.current_split()
        if split is None:
            return
        change = self.control.undo_change(split)
        if change is None:
            self.notify(f"nothing to undo for {split.name}")  # type: ignore[attr-defined]
            return
        self.refresh_control()
        self.confirm_weights(split, change, undo=True)

    def action_canary_to_zero(self) -> None:
        """Incident button: canary to 0%, straight to the confirmation."""
        split = self.current_split()
        if split is None:
            return
        try:
            change = self.control.canary_to_zero(split)
        except NotEditable as error:
            self.notify(str(error), severity="warning")  # type: ignore[attr-defined]
            return
        self.refresh_control()
        self.confirm_weights(split, change)

    def confirm_weights(self, split: Split, change: PendingChange, *, undo: bool = False) -> None:
        """Open the confirmation for `change`; on yes, write it against `split` as seen now."""
        if not self.owners_ready():
            return
        if not change.changed:
            self.notify("the pending weights equal the live ones: nothing to apply")  # type: ignore[attr-defined]
            return
        gaining = {name for name, before, after in zip(change.names, change.live, change.pending,
                                                       strict=True) if after > before}
        confirmation = with_gaining_findings(self.control.weights_dialog(split, change, undo=undo),
                                             self.presenter.failing(split, gaining))  # type: ignore[attr-defined]
        dialog = ConfirmDialog(as_last_seen(confirmation, self.presenter.disconnected))  # type: ignore[attr-defined]

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            pause = self.control.pause_plan(split) if PAUSE_FIRST in dialog.chosen else None
            self.write_weights(split, change, self.control.annotations_for(split), pause, undo)

        self.app.push_screen(dialog, answered)  # type: ignore[attr-defined]

    def action_pause_resume(self) -> None:
        """Pause or resume the split's plan or owning controller (after a confirmation)."""
        split = self.current_split()
        status = active_plan(split)
        if split is not None and status is not None and split.owner is None:
            self.confirm_plan(split, "resume" if status.phase == "Paused" else "pause")  # type: ignore[attr-defined]
        elif split is not None:
            self.confirm_action(split, self.control.toggle_action(split))

    def action_promote(self) -> None:
        """Promote the canary, through its plan when it has one (after a confirmation)."""
        self._plan_or_owner("promote")

    def action_abort(self) -> None:
        """Abort the canary, through its plan when it has one (after a confirmation)."""
        self._plan_or_owner("abort")

    def _plan_or_owner(self, action: str) -> None:
        split = self.current_split()
        if split is None:
            return
        if split.owner is None and active_plan(split) is not None:
            self.confirm_plan(split, action)  # type: ignore[attr-defined]
        else:
            self.confirm_action(split, action)

    def confirm_action(self, split: Split, action: str) -> None:
        """Plan an owner action; say why it is unavailable, or confirm and apply it."""
        if not self.owners_ready():
            return
        if action in ("promote", "abort"):
            self.read_gates()  # shown with the owner: what the action would change
        plan, confirmation = self.control.plan(split, action)
        if isinstance(plan, Unavailable) or confirmation is None:
            self.notify(f"{action}: {getattr(plan, 'reason', 'unavailable')}", severity="warning")  # type: ignore[attr-defined]
            return
        failing = self.presenter.failing(split)  # type: ignore[attr-defined]
        dialog = ConfirmDialog(as_last_seen(with_findings(confirmation, action, failing),
                                            self.presenter.disconnected))  # type: ignore[attr-defined]
        self.app.push_screen(dialog, partial(self._action_answered, split, plan, dialog))  # type: ignore[attr-defined]

    def _action_answered(self, split: Split, plan: ActionPlan, dialog: ConfirmDialog,
                         yes: bool | None) -> None:
        if not yes:
            return
        if FULL_PROMOTION in dialog.chosen:
            full, _ = self.control.plan(split, "promote-full")
            if isinstance(full, Unavailable):
                self.notify(f"promote-full: {full.reason}", severity="warning")  # type: ignore[attr-defined]
                return
            plan = full
        self.write_plan(split, plan)


    def on_weight_slider_changed(self, message: WeightSlider.Changed) -> None:
        """A click or drag on a slider sets that backend's pending share."""
        if self.control_unavailable("set_exact") is None:
            self.control.selected[self.selected] = message.index
            self._edit(lambda split: self.control.set_exact(split, message.value, message.index))

    def on_weight_slider_nudged(self, message: WeightSlider.Nudged) -> None:
        """Arrow keys on a slider shift its backend by one step."""
        if self.control_unavailable("shift_weight") is None:
            self.control.selected[self.selected] = message.index
            self._edit(lambda split: self.control.shift(split, message.direction, message.index))

    def on_data_table_row_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """Moving the backend table's cursor (when it has focus) selects that backend."""
        split = self.current_split()
        if split is None or not message.data_table.has_focus:
            return
        count = len([b for b in split.backends if b.rule == split.backends[0].rule])
        if message.cursor_row < count and self.control.selected.get(split.ref) != message.cursor_row:
            self.control.selected[split.ref] = message.cursor_row
            self.refresh_control()

    def on_weight_slider_selected(self, message: WeightSlider.Selected) -> None:
        """Focus or a click on a slider makes its backend the one the keys act on."""
        if self.selected is not None and self.control.selected.get(self.selected) != message.index:
            self.control.selected[self.selected] = message.index
            self.refresh_control()

    def note_reverts(self) -> None:
        """Keep the status lines true: announce weights set back or moved since a write, and age
        lines out (called when watch events arrive and every second)."""
        before = self.control.notes
        found = self.control.check_status()
        for ref, line in found:
            if line.severity == "warning":  # a plan's or owner's routine move is shown, not announced
                self.notify(f"{ref.name}: {line.text}", severity="warning", timeout=10)  # type: ignore[attr-defined]
        if found or self.control.notes != before:
            self.refresh_control()
