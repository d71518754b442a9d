"""The dashboard's traffic-control state: the pending weight set, selection, undo, notes.

`TrafficControl` decides what each control key means for the selected split; it never writes
(the screen's write workers do, through the injected `ClusterWriter`) and never touches widgets.
"""

from __future__ import annotations

import time
from dataclasses import replace
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from meshtui.model.actions import ActionPlan, Unavailable, plan_action, plan_mark_stable
from meshtui.model.owners import registry
from meshtui.model.plan_state import ANNOTATION as PLAN_ANNOTATION
from meshtui.model.roles import STABLE_ANNOTATION
from meshtui.model.rules import split_rules
from meshtui.model.split import Split, SplitRef
from meshtui.model.weight_writes import rule_percents
from meshtui.ui.control.confirmation import Confirmation, plan_confirmation, weights_confirmation
from meshtui.ui.control.pending import (
    NotEditable,
    PendingChange,
    all_to_backend,
    canary_index,
    editable_backends,
    rule_indexes,
    set_to,
    shifted,
    stable_index,
    start_edit,
)
from meshtui.ui.control.reverts import SplitStatus, StatusLine
from meshtui.ui.panes.weight_editor import EditorView

if TYPE_CHECKING:
    from meshtui.ui.config import Settings

UNDO_DEPTH = 20
"""Applied changes remembered per split for `u`."""


class TrafficControl:
    """Pending weights and write bookkeeping for one dashboard.

    Args:
        writer: The `ClusterWriter`, or None (every write action is then unavailable).
        settings: User settings (step, production context, read-only).
        lookup: Split by ref as the dashboard knows it now.
        owner_state: Owner state of a split (`MeshState.owner_state`).
        monotonic: Clock used to time reverts.
    """

    def __init__(self, writer: Any, settings: Settings, lookup: Callable[[SplitRef], Split | None],
                 owner_state: Callable[[Split], Any], *,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.writer = writer
        self.settings = settings
        self.lookup = lookup
        self.owner_state = owner_state
        self.monotonic = monotonic
        self.pending: PendingChange | None = None
        """The edit in progress (one split at a time)."""
        self.selected: dict[SplitRef, int] = {}
        """Backend index (within the chosen rule) the keys act on, per split (default: the
        canary)."""
        self.rules: dict[SplitRef, int] = {}
        """The rule the weight keys and sliders act on, per split (default: the first)."""
        self.undo_stack: dict[SplitRef, list[tuple[int, tuple[int, ...]]]] = {}
        """The rule and its weights before each applied change, newest last."""
        self.status = SplitStatus()
        """One status line per split (the latest write outcome, kept true), shown in the detail."""

    @property
    def read_only(self) -> bool:
        """Whether writes are switched off (settings or the writer)."""
        return self.settings.read_only or bool(getattr(self.writer, "read_only", False))

    @property
    def dry_run(self) -> bool:
        """Whether writes are only previewed."""
        return bool(getattr(self.writer, "dry_run", False))

    @property
    def context(self) -> str:
        """The kube context writes go to."""
        return str(getattr(getattr(self.writer, "cluster", None), "context", "") or "")

    def unavailable(self) -> str | None:
        """Why no write action is available, or None when they are."""
        if self.writer is None:
            return "no writer"
        if self.read_only:
            return "read-only mode"
        return None

    def rule_of(self, split: Split) -> int:
        """The rule the keys act on: the one chosen, else the first (index in `spec.rules`)."""
        rules = rule_indexes(split)
        chosen = self.rules.get(split.ref)
        return chosen if chosen in rules else rules[0] if rules else 0

    def choose_rule(self, split: Split, step: int) -> int:
        """Move the keys to the next (`step` 1) or previous (-1) rule of `split`.

        Raises:
            NotEditable: While weights of another rule are pending (apply or discard them
                first: one edit at a time).
        """
        rules = rule_indexes(split)
        if len(rules) < 2:
            return self.rule_of(split)
        if self.pending is not None and self.pending.ref == split.ref and self.pending.changed:
            raise NotEditable(f"rule {self.pending.rule + 1} has pending weights: apply or "
                              "discard them first")
        if self.pending is not None and self.pending.ref == split.ref:
            self.pending = None
        rule = rules[(rules.index(self.rule_of(split)) + step) % len(rules)]
        self.rules[split.ref] = rule
        self.selected.pop(split.ref, None)
        return rule

    def selected_index(self, split: Split) -> int:
        """The backend (index within the chosen rule) the keys act on."""
        if split.ref in self.selected:
            return self.selected[split.ref]
        index = canary_index(split, self.owner_state(split), self.rule_of(split))
        return 0 if index is None else index

    def selected_name(self, split: Split) -> str | None:
        """The name of the backend the keys act on, None when the weights are not editable."""
        try:
            return editable_backends(split, self.rule_of(split))[1][self.selected_index(split)]
        except (NotEditable, IndexError):
            return None

    def stable_of(self, split: Split) -> int | None:
        """The stable backend's index within the chosen rule (the Service ROLE shows as
        stable, None when the rule does not list it)."""
        return stable_index(split, self.owner_state(split), self.rule_of(split))

    def edit(self, split: Split) -> PendingChange:
        """The pending edit of `split`, compared with its live weights (a new one if needed).

        Raises:
            NotEditable: The split's weights cannot be edited.
        """
        if self.pending is None or self.pending.ref != split.ref \
                or self.pending.rule != self.rule_of(split):
            return start_edit(split, self.rule_of(split))
        return self.pending.against(split)

    def shift(self, split: Split, direction: int, index: int | None = None) -> PendingChange:
        """Move the selected backend one step up (+1) or down (-1)."""
        index = self.selected_index(split) if index is None else index
        self.pending = shifted(self.edit(split), index, direction * self.settings.step,
                               self.stable_of(split))
        return self.pending

    def set_exact(self, split: Split, value: int, index: int | None = None) -> PendingChange:
        """Give the selected backend exactly `value` percent."""
        index = self.selected_index(split) if index is None else index
        change = self.edit(split)
        stable = self.stable_of(split)
        if len(change.pending) == 2:
            partner = stable if stable is not None and stable != index else 1 - index
            pending = [0, 0]
            pending[index], pending[partner] = value, 100 - value
            self.pending = change.with_pending(pending)
        else:
            self.pending = set_to(change, index, value)
        return self.pending

    def canary_to_zero(self, split: Split) -> PendingChange:
        """The incident button: everything to the stable backend.

        Raises:
            NotEditable: No stable backend, or the weights cannot be edited.
        """
        stable = self.stable_of(split)
        if stable is None:
            raise NotEditable(f"{split.ref} has no stable backend")
        self.pending = all_to_backend(self.edit(split), stable)
        return self.pending

    def undo_change(self, split: Split) -> PendingChange | None:
        """Pending weights equal to those before the last applied change, or None."""
        stack = self.undo_stack.get(split.ref)
        if not stack:
            return None
        rule, before = stack[-1]
        if rule != self.rule_of(split):
            self.rules[split.ref] = rule
            self.selected.pop(split.ref, None)
        change = self.edit(split)
        if len(change.live) != len(before):
            return None
        self.pending = change.with_pending(before)
        return self.pending

    def discard(self) -> PendingChange | None:
        """Drop the pending edit; returns it (None when there was none)."""
        pending, self.pending = self.pending, None
        return pending

    def mark_stable(self, split: Split) -> tuple[ActionPlan | Unavailable, Confirmation | None]:
        """Plan recording the selected backend as stable, and its confirmation."""
        try:
            name = editable_backends(split, self.rule_of(split))[1][self.selected_index(split)]
        except (NotEditable, IndexError) as error:
            return Unavailable("mark-stable", str(error)), None
        plan = plan_mark_stable(split, self.owner_state(split), name)
        if isinstance(plan, Unavailable):
            return plan, None
        stable = self.stable_of(split)
        now = editable_backends(split, self.rule_of(split))[1][stable] if stable is not None \
            else "none"
        confirmation = plan_confirmation(split, plan, context=self.context,
                                         pattern=self.settings.production_context,
                                         dry_run=self.dry_run, offer_full=False)
        notes = (f"Stable now: {now}. Afterwards ROLE shows {name} as stable, and 0 (canary to "
                 f"0%) sends all traffic to {name}.",)
        return plan, replace(confirmation, title=f"Mark stable in {split.ref}",
                             warnings=notes + confirmation.warnings, confirm_label="mark")

    def annotations_for(self, split: Split) -> dict[str, str]:
        """`meshtui.io/stable` when the split does not record its stable backend yet."""
        stable = self.stable_of(split)
        if stable is None:
            return {}
        name = editable_backends(split, self.rule_of(split))[1][stable]
        if split.annotations.get(STABLE_ANNOTATION) == name:
            return {}
        return {STABLE_ANNOTATION: name}

    def pause_plan(self, split: Split) -> ActionPlan | None:
        """The plan pausing the split's controller, when it has one that can pause."""
        state = self.owner_state(split)
        kind = registry.by_state(state) if state is not None else None
        if kind is None or not kind.can_pause(state):
            return None
        plan = plan_action(split, state, "pause")
        return plan if isinstance(plan, ActionPlan) else None

    def weights_dialog(self, split: Split, change: PendingChange, *, undo: bool = False) -> Confirmation:
        """The confirmation for writing `change` (compared with `split` as it is now)."""
        title = "Undo the last change of" if undo else "Apply weights to"
        if len(rule_indexes(split)) > 1:
            title = f"{title} rule {change.rule + 1} of"
        return weights_confirmation(split, change, context=self.context,
                                    pattern=self.settings.production_context, dry_run=self.dry_run,
                                    can_pause=self.pause_plan(split) is not None, title=title)

    def toggle_action(self, split: Split) -> str:
        """`pause` or `resume`, whichever the owner's state calls for."""
        state = self.owner_state(split)
        kind = registry.by_state(state) if state is not None else None
        return kind.toggle(state) if kind is not None else "pause"

    def plan(self, split: Split, action: str) -> tuple[ActionPlan | Unavailable, Confirmation | None]:
        """Plan an owner action and its confirmation (None when unavailable)."""
        state = self.owner_state(split)
        plan = plan_action(split, state, action)
        if isinstance(plan, Unavailable):
            return plan, None
        kind = registry.by_state(state) if state is not None else None
        # Offered where the owner has a full promotion (Argo's promoteFull).
        offer_full = action == "promote" and kind is not None \
            and not isinstance(kind.writes(state, "promote-full"), Unavailable)
        return plan, plan_confirmation(split, plan, context=self.context,
                                       pattern=self.settings.production_context,
                                       dry_run=self.dry_run, offer_full=offer_full)

    @property
    def notes(self) -> dict[SplitRef, str]:
        """The status line of each split, as text."""
        return self.status.texts()

    def say(self, ref: SplitRef, text: str, severity: str = "information") -> None:
        """Set a split's status line, true of the split as the dashboard knows it now."""
        split = self.lookup(ref)
        rule = self.rule_of(split) if split is not None else 0
        self.status.say(ref, text, self.monotonic(), split, severity, rule=rule)

    def applied(self, ref: SplitRef, before: tuple[int, ...], after: tuple[int, ...], *,
                undo: bool, dry_run: bool, text: str, base_version: str) -> None:
        """Record a write the server accepted: undo history, pending cleared, status line.

        `base_version` is the resourceVersion that guarded the write: the split seen at any other
        version is at or after it, so a move away from `after` is someone else's.
        """
        split = self.lookup(ref)
        rule = self.pending.rule if self.pending is not None and self.pending.ref == ref else \
            self.rule_of(split) if split is not None else 0
        if self.pending is not None and self.pending.ref == ref:
            self.pending = None
        if dry_run:
            self.say(ref, text)
            return
        stack = self.undo_stack.setdefault(ref, [])
        if undo and stack:
            stack.pop()
        elif not undo:
            stack.append((rule, tuple(before)))
            del stack[:-UNDO_DEPTH]
        plan = str(split.annotations.get(PLAN_ANNOTATION) or "") if split is not None else ""
        self.status.wrote(ref, text, self.monotonic(), before=tuple(before), after=tuple(after),
                          base_version=base_version, plan=plan, rule=rule)

    def check_status(self) -> list[tuple[SplitRef, StatusLine]]:
        """Age the status lines and replace those whose split moved on (reverts among them)."""
        return self.status.check(self.lookup, self.monotonic())

    def editor_view(self, split: Split) -> EditorView | None:
        """What the weight editor shows for `split` (None when its weights cannot be edited)."""
        try:
            change = self.edit(split)
        except NotEditable as error:
            return EditorView((), (), (), None, note=str(error))
        if self.pending is None or self.pending.ref != split.ref:
            change = change.with_pending(change.live)
        return EditorView(change.names, change.live, change.pending, self.selected_index(split),
                          self.notes.get(split.ref, ""), self.unavailable() or "",
                          rule=rule_label(split, change.rule),
                          rules=rule_lines(split, change.rule))


def rule_label(split: Split, rule: int) -> str:
    """``rule 2 of 3: PathPrefix /api`` for a split of several rules, else empty."""
    rules = split_rules(split)
    if len(rules) < 2:
        return ""
    for view in rules:
        if view.index == rule:
            first = view.matches[0] if view.matches else "every request"
            more = f" (+{len(view.matches) - 1} more)" if len(view.matches) > 1 else ""
            return f"rule {view.number} of {len(rules)}: {first}{more}"
    return ""


def rule_lines(split: Split, chosen: int) -> tuple[tuple[str, bool], ...]:
    """Each rule of a split of several rules: its matches and live shares, and whether it is
    `chosen` (empty for a split of one rule)."""
    rules = split_rules(split)
    if len(rules) < 2:
        return ()
    lines = []
    for view in rules:
        matches = " | ".join(view.matches) or "every request"
        shares = " · ".join(f"{b.name} {p}%" for b, p in
                            zip(view.backends, rule_percents(split, view.index), strict=False))
        lines.append((f"rule {view.number}: {matches}  →  {shares}", view.index == chosen))
    return tuple(lines)
