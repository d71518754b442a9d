"""Traffic-control keys of the dashboard: actions, confirmations, write workers and their results.

`TrafficActions` is one object of `DashboardScreen` (its ``traffic``), handed the screen as a
`TrafficHost`; `TrafficControl` (the screen's ``control``) holds the state; the writes themselves
run in `TrafficWrites` workers.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from functools import partial
from typing import TYPE_CHECKING, Protocol

from textual.binding import Binding
from textual.widgets import DataTable

from meshtui.model.actions import ActionPlan, Unavailable
from meshtui.model.owners.registry import owner_resources
from meshtui.ui.control.confirmation import (
    FULL_PROMOTION,
    PAUSE_FIRST,
    as_last_seen,
    with_findings,
    with_gaining_findings,
)
from meshtui.ui.control.plans import active_plan
from meshtui.ui.control.pending import NotEditable, PendingChange
from meshtui.ui.dashboard._plans import PlanActions, PlanHost
from meshtui.ui.dashboard._traffic_writes import TrafficWrites
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.percent_prompt import PercentPrompt
from meshtui.ui.widgets.weight_slider import WeightSlider

if TYPE_CHECKING:
    from meshtui.model.mesh import MeshState
    from meshtui.model.split import Split
    from meshtui.ui.control.controller import TrafficControl
    from meshtui.ui.messages import WriteConflicted

CONTROL_BINDINGS = [
    Binding("plus", "shift_weight(1)", "+step", key_display="+", show=False, id="control.more",
            tooltip="Shift the selected backend up by the step (pending)."),
    Binding("minus", "shift_weight(-1)", "-step", key_display="-", show=False, id="control.less",
            tooltip="Shift the selected backend down by the step (pending)."),
    Binding("equals_sign", "set_exact", "Set %", key_display="=", show=False, id="control.set",
            tooltip="Type an exact percentage for the selected backend (pending)."),
    Binding("b", "next_backend", "Next backend", show=False, id="control.next-backend",
            tooltip="Select the next backend for the weight keys."),
    Binding("right_square_bracket", "choose_rule(1)", "Next rule", key_display="]", show=False,
            id="control.next-rule", tooltip="The weight keys act on the split's next rule."),
    Binding("left_square_bracket", "choose_rule(-1)", "Previous rule", key_display="[",
            show=False, id="control.previous-rule",
            tooltip="The weight keys act on the split's previous rule."),
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

WRITE_ACTIONS = frozenset({"shift_weight", "set_exact", "apply_weights", "undo", "canary_to_zero",
                           "mark_stable", "pause_resume", "promote", "abort", "start_plan",
                           "approve_plan"})
"""Actions that lead to a write: unavailable without a writer or in read-only mode."""

SELECTION_ACTIONS = frozenset({"next_backend", "choose_rule"})
"""Actions that only choose what the weight keys act on: they need a split, not a writer."""

BINDING_ACTIONS = tuple(sorted(WRITE_ACTIONS | SELECTION_ACTIONS | {"discard", "clear_filter"}))
"""Actions whose footer keys `TrafficActions.check` dims."""


def owners_loading(watched: Collection[str], state: MeshState,
                   connections: Mapping[str, tuple[bool, str | None]]) -> list[str]:
    """Owner resources still on their way (watched, not listed, no error reported).

    Until they arrive a split owned by a Canary or Rollout (any owner kind's object) looks
    unowned, so its weights would be written directly (and reverted) and pause would be
    "unavailable": writes wait for them.
    """
    keys = [resource.key for resource in owner_resources()]
    return [key for key in keys if key in watched and not state.loaded(key)
            and connections.get(key, (True, None))[1] is None]


class TrafficHost(PlanHost, Protocol):
    """What the traffic actions use of the dashboard screen, besides what plans use."""

    def refresh_bindings(self) -> None:
        """Redraw the footer's keys."""
        ...

    async def run_action(self, action: str) -> None:
        """Run an action string on the screen."""
        ...


class TrafficActions(TrafficWrites):
    """Key actions of traffic control, with their writes, on the screen `host`."""

    host: TrafficHost
    """The screen the actions act on."""

    def __init__(self, host: TrafficHost, plans: PlanActions) -> None:
        """Create the traffic actions of one dashboard screen.

        Args:
            host: The screen.
            plans: Its plan actions: p/P/A act through a split's plan when it carries one.
        """
        super().__init__(host)
        self.plans = plans
        """The screen's plan actions."""
        self._binding_states: tuple[bool | None, ...] = ()

    @property
    def control(self) -> TrafficControl:
        """The screen's traffic-control state."""
        return self.host.control

    def sync_bindings(self) -> None:
        """Redraw the footer when an action became available or unavailable.

        Selection, pending weights, owners and the writer all decide it, and none of them is an
        action or a focus change, after which Textual refreshes the footer by itself. Only on a
        change: the footer recomposes each time.
        """
        states = tuple(self.check(action) for action in BINDING_ACTIONS)
        if states != self._binding_states:
            self._binding_states = states
            self.host.refresh_bindings()

    def unavailable(self, action: str) -> str | None:
        """Why a traffic-control action cannot run now, or None."""
        if action == "discard":
            return None if self.control.pending is not None else "nothing pending"
        if action in SELECTION_ACTIONS:
            return None if self.host.current_split() is not None else "no split selected"
        if action not in WRITE_ACTIONS:
            return None
        reason = self.control.unavailable()
        if reason is None and self.host.current_split() is None:
            reason = "no split selected"
        return reason

    def check(self, action: str) -> bool | None:
        """`check_action` for control actions: None (dimmed) when unavailable."""
        if action == "clear_filter" and self.control.pending is not None:
            return False  # escape discards the pending weights first
        if action == "discard":
            return self.control.pending is not None
        return None if self.unavailable(action) else True

    async def run(self, action: str) -> None:
        """Run a control action from the palette, or say why it is unavailable."""
        name = action.partition("(")[0]
        reason = self.unavailable(name)
        if reason and (name in WRITE_ACTIONS or name in SELECTION_ACTIONS or name == "discard"):
            self.host.notify(f"unavailable: {reason}", severity="warning")
        else:
            await self.host.run_action(action)

    def _edit(self, change: Callable[[Split], object]) -> None:
        try:
            split = self.host.current_split()
            if split is not None:
                change(split)
        except NotEditable as error:
            self.host.notify(str(error), severity="warning")
        self.refresh_control()

    def shift_weight(self, direction: int) -> None:
        """Shift the selected backend by one step (pending only)."""
        self._edit(lambda split: self.control.shift(split, direction))

    def next_backend(self) -> None:
        """Select the next backend of the split for the weight keys."""
        split = self.host.current_split()
        if split is not None:
            rule = self.control.rule_of(split)
            count = len([b for b in split.backends if b.rule == rule])
            self.control.selected[split.ref] = (self.control.selected_index(split) + 1) % max(1, count)
            self.refresh_control()

    def choose_rule(self, step: int) -> None:
        """Move the weight keys and sliders to the next (1) or previous (-1) rule of the split."""
        self._edit(lambda split: self.control.choose_rule(split, step))

    def set_exact(self) -> None:
        """Ask for an exact percentage for the selected backend."""
        split = self.host.current_split()
        if split is None:
            return
        try:
            change = self.control.edit(split)
        except NotEditable as error:
            self.host.notify(str(error), severity="warning")
            return
        index = self.control.selected_index(split)

        def chosen(value: int | None) -> None:
            if value is not None:
                self._edit(lambda s: self.control.set_exact(s, value, index))

        self.host.ask(PercentPrompt(change.names[index], change.pending[index], change.live[index]),
                      chosen)

    def discard(self) -> None:
        """Drop the pending weights; nothing is written."""
        if self.control.discard() is not None:
            self.host.notify("discarded the pending weights")
        self.refresh_control()

    def mark_stable(self) -> None:
        """Record the selected backend as stable (meshtui.io/stable), after a confirmation."""
        host = self.host
        split = host.current_split()
        if split is None or not host.owners_ready():
            return
        plan, confirmation = self.control.mark_stable(split)
        if isinstance(plan, Unavailable) or confirmation is None:
            host.notify(f"mark stable: {getattr(plan, 'reason', 'unavailable')}", severity="warning")
            return
        # The backend marked is where `0` will send everything: say so if it is failing.
        marked = self.control.selected_name(split)
        confirmation = with_gaining_findings(
            confirmation, host.presenter.failing(split, {marked}) if marked else [],
            lead="Marking a failing backend stable (0 would then send it all traffic)")
        dialog = ConfirmDialog(as_last_seen(confirmation, host.presenter.disconnected))
        host.ask(dialog, partial(self._action_answered, split, plan, dialog))

    def apply_weights(self) -> None:
        """Confirm and write the pending weights of the selected split."""
        split = self.host.current_split()
        pending = self.control.pending
        if split is None or pending is None or pending.ref != split.ref:
            self.host.notify("no pending weights for this split: use + - = or the sliders first")
            return
        self.confirm_weights(split, pending.against(split))

    def undo(self) -> None:
        """Confirm and write the weights from before the last applied change."""
        split = self.host.current_split()
        if split is None:
            return
        change = self.control.undo_change(split)
        if change is None:
            self.host.notify(f"nothing to undo for {split.name}")
            return
        self.refresh_control()
        self.confirm_weights(split, change, undo=True)

    def canary_to_zero(self) -> None:
        """Incident button: canary to 0%, straight to the confirmation."""
        split = self.host.current_split()
        if split is None:
            return
        try:
            change = self.control.canary_to_zero(split)
        except NotEditable as error:
            self.host.notify(str(error), severity="warning")
            return
        self.refresh_control()
        self.confirm_weights(split, change)

    def confirm_weights(self, split: Split, change: PendingChange, *, undo: bool = False) -> None:
        """Open the confirmation for `change`; on yes, write it against `split` as seen now."""
        host = self.host
        if not host.owners_ready():
            return
        if not change.changed:
            host.notify("the pending weights equal the live ones: nothing to apply")
            return
        gaining = {name for name, before, after in zip(change.names, change.live, change.pending,
                                                       strict=True) if after > before}
        confirmation = with_gaining_findings(self.control.weights_dialog(split, change, undo=undo),
                                             host.presenter.failing(split, gaining))
        dialog = ConfirmDialog(as_last_seen(confirmation, host.presenter.disconnected))

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            pause = self.control.pause_plan(split) if PAUSE_FIRST in dialog.chosen else None
            self.write_weights(split, change, self.control.annotations_for(split), pause, undo)

        host.ask(dialog, answered)

    def pause_resume(self) -> None:
        """Pause or resume the split's plan or owning controller (after a confirmation)."""
        split = self.host.current_split()
        status = active_plan(split)
        if split is not None and status is not None and split.owner is None:
            self.plans.confirm(split, "resume" if status.phase == "Paused" else "pause")
        elif split is not None:
            self.confirm_action(split, self.control.toggle_action(split))

    def promote(self) -> None:
        """Promote the canary, through its plan when it has one (after a confirmation)."""
        self._plan_or_owner("promote")

    def abort(self) -> None:
        """Abort the canary, through its plan when it has one (after a confirmation)."""
        self._plan_or_owner("abort")

    def _plan_or_owner(self, action: str) -> None:
        split = self.host.current_split()
        if split is None:
            return
        if split.owner is None and active_plan(split) is not None:
            self.plans.confirm(split, action)
        else:
            self.confirm_action(split, action)

    def confirm_action(self, split: Split, action: str) -> None:
        """Plan an owner action; say why it is unavailable, or confirm and apply it."""
        host = self.host
        if not host.owners_ready():
            return
        if action in ("promote", "abort"):
            self.read_gates()  # shown with the owner: what the action would change
        plan, confirmation = self.control.plan(split, action)
        if isinstance(plan, Unavailable) or confirmation is None:
            host.notify(f"{action}: {getattr(plan, 'reason', 'unavailable')}", severity="warning")
            return
        failing = host.presenter.failing(split)
        dialog = ConfirmDialog(as_last_seen(with_findings(confirmation, action, failing),
                                            host.presenter.disconnected))
        host.ask(dialog, partial(self._action_answered, split, plan, dialog))

    def _action_answered(self, split: Split, plan: ActionPlan, dialog: ConfirmDialog,
                         yes: bool | None) -> None:
        if not yes:
            return
        if FULL_PROMOTION in dialog.chosen:
            full, _ = self.control.plan(split, "promote-full")
            if isinstance(full, Unavailable):
                self.host.notify(f"promote-full: {full.reason}", severity="warning")
                return
            plan = full
        self.write_plan(split, plan)

    def write_conflicted(self, message: WriteConflicted) -> None:
        """Show the new live state and ask again, against it, with the same pending weights."""
        host = self.host
        if message.live is not None and message.resource:
            host.state.upsert(message.resource, message.live)
        self.control.say(message.ref, message.error, "error")
        host.notify(message.error, severity="error", timeout=10)
        host.presenter.refresh_all()
        split = host.state.split(message.ref)
        pending = self.control.pending
        if split is not None and pending is not None and pending.ref == message.ref \
                and message.live is not None:
            self.confirm_weights(split, pending.against(split))

    def slider_changed(self, message: WeightSlider.Changed) -> None:
        """A click or drag on a slider sets that backend's pending share."""
        selected = self.host.selected
        if self.unavailable("set_exact") is None and selected is not None:
            self.control.selected[selected] = message.index
            self._edit(lambda split: self.control.set_exact(split, message.value, message.index))

    def slider_nudged(self, message: WeightSlider.Nudged) -> None:
        """Arrow keys on a slider shift its backend by one step."""
        selected = self.host.selected
        if self.unavailable("shift_weight") is None and selected is not None:
            self.control.selected[selected] = message.index
            self._edit(lambda split: self.control.shift(split, message.direction, message.index))

    def slider_selected(self, message: WeightSlider.Selected) -> None:
        """Focus or a click on a slider makes its backend the one the keys act on."""
        selected = self.host.selected
        if selected is not None and self.control.selected.get(selected) != message.index:
            self.control.selected[selected] = message.index
            self.refresh_control()

    def backend_highlighted(self, message: DataTable.RowHighlighted) -> None:
        """Moving the backend table's cursor (when it has focus) selects that backend."""
        split = self.host.current_split()
        if split is None or not message.data_table.has_focus:
            return
        count = len([b for b in split.backends if b.rule == split.backends[0].rule])
        if message.cursor_row < count and self.control.selected.get(split.ref) != message.cursor_row:
            self.control.selected[split.ref] = message.cursor_row
            self.refresh_control()
