"""What a confirmation dialog says before a write: the diff or the planned writes, the warnings,
whether the split's name must be typed, and the choices offered (pure, no I/O)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from rich.cells import cell_len

from meshtui.model.actions import manual_weights_warning, pause_stops_weights
from meshtui.model.owners.registry import display_name
from meshtui.model.write_descriptions import ActionPlan
from meshtui.model.split import Split
from meshtui.ui.control.pending import PendingChange, needs_typed_confirmation, production
from meshtui.ui.literal import literal

PAUSE_FIRST = "pause-first"
"""Option: pause the owning controller, then write the weights."""
FULL_PROMOTION = "full"
"""Option: promote an Argo Rollout fully (skip the remaining steps)."""

NAME_CELLS = 48
"""Widest backend name in a weights dialog: the line's percentages still fit beside it."""


@dataclass(frozen=True)
class ConfirmOption:
    """A choice the user can tick in the dialog."""

    id: str
    """What the choice means (`PAUSE_FIRST`, `FULL_PROMOTION`)."""
    label: str
    """What the dialog says, e.g. "Pause Argo first, then apply"."""
    key: str
    """Key that toggles it."""


@dataclass(frozen=True)
class Confirmation:
    """Everything a confirmation dialog shows."""

    title: str
    """First line, e.g. "Apply weights to trafficsplit/booksapp/books"."""
    lines: tuple[str, ...]
    """Before → after per backend, or one line per planned write."""
    warnings: tuple[str, ...] = ()
    """Things to read before confirming."""
    typed: str | None = None
    """Text the user must type to confirm (the split's name), or None when `y` suffices."""
    options: tuple[ConfirmOption, ...] = ()
    """Choices offered."""
    confirm_label: str = "apply"
    """Verb of the confirm button."""
    reason: str | None = None
    """What to ask the user to type as the reason for the write (recorded with it), or None
    when none is asked; confirming then takes a non-empty reason and enter."""


def weight_lines(change: PendingChange) -> tuple[str, ...]:
    """One line per backend: ``name  20% → 25%`` (unchanged ones say so).

    Names are escaped and cut in the middle to `NAME_CELLS` first, so that a long one cannot push
    the percentages being confirmed out of the dialog, and the columns line up as drawn.
    """
    names = [literal(name, limit=NAME_CELLS, middle=True).plain for name in change.names]
    width = max((cell_len(name) for name in names), default=0)
    lines = []
    for name, before, after in zip(names, change.live, change.pending, strict=True):
        delta = after - before
        tail = f"  ({delta:+d})" if delta else "  (unchanged)"
        lines.append(f"{name}{' ' * (width - cell_len(name))}  {before:>3}% → {after:>3}%{tail}")
    return tuple(lines)


def weights_confirmation(split: Split, change: PendingChange, *, context: str, pattern: str,
                         dry_run: bool, can_pause: bool, title: str = "Apply weights to") -> Confirmation:
    """The dialog for writing pending weights.

    Args:
        split: The split as it is now.
        change: The pending weights, compared with `split`.
        context: The kube context written to.
        pattern: The production-context regular expression.
        dry_run: Whether the writer only previews.
        can_pause: Whether the owner can be paused first (offered only where pausing stops
            the controller setting the weights).
        title: Start of the title line.
    """
    warnings: list[str] = []
    options: tuple[ConfirmOption, ...] = ()
    owner = split.owner
    known = display_name(owner.controller) if owner is not None else None
    if owner is not None and known is not None:
        can_pause = can_pause and pause_stops_weights(owner.controller)
        warnings.append(manual_weights_warning(owner, pause_hint="(c)" if can_pause else "",
                                               move_hint="(P / A)"))
        if can_pause:
            options = (ConfirmOption(PAUSE_FIRST, f"Pause {known.full} first, then apply", "c"),)
    points = change.plan().points_moved
    typed = needs_typed_confirmation(points, context, pattern)
    if production(context, pattern):
        warnings.append(f"Context {context!r} is a production context.")
    elif points >= 50:
        warnings.append(f"This moves {points} percentage points at once.")
    if dry_run:
        warnings.append("Dry run: the server checks the write; nothing is changed.")
    return Confirmation(f"{title} {split.ref}", weight_lines(change), tuple(warnings),
                        split.name if typed else None, options)


def plan_confirmation(split: Split, plan: ActionPlan, *, context: str, pattern: str,
                      dry_run: bool, offer_full: bool) -> Confirmation:
    """The dialog for an owner action (pause, resume, promote, abort): exactly what is written."""
    lines = tuple(f"• {write.description}" for write in plan.writes)
    if plan.weights is not None:
        lines = tuple(f"  {line}" for line in plan.weights.diff()) + lines
    warnings = list(plan.notes)
    points = plan.weights.points_moved if plan.weights is not None else 0
    typed = needs_typed_confirmation(points, context, pattern)
    if production(context, pattern):
        warnings.append(f"Context {context!r} is a production context.")
    if dry_run:
        warnings.append("Dry run: the server checks the writes; nothing is changed.")
    options = (ConfirmOption(FULL_PROMOTION, "Full promotion (skip the remaining steps)", "f"),) \
        if offer_full else ()
    return Confirmation(f"{plan.action.capitalize()} {split.ref}", lines,
                        tuple(warnings), split.name if typed else None, options, plan.action)


def with_findings(confirmation: Confirmation, action: str, failing: Sequence[str]) -> Confirmation:
    """Lead a promotion's warnings with what is failing, e.g. the canary's success rate.

    Args:
        confirmation: The dialog as planned.
        action: The action confirmed; only promotions are warned.
        failing: Findings on the split's backends (`Finding.message`), worst first.
    """
    if not action.startswith("promote") or not failing:
        return confirmation
    warnings = tuple(f"Promoting despite a failing check: {message}" for message in failing)
    return replace(confirmation, warnings=warnings + confirmation.warnings)


def with_gaining_findings(confirmation: Confirmation, gaining: Sequence[str],
                          lead: str = "Sending more traffic to a failing backend") -> Confirmation:
    """Lead a weight change's warnings with the findings of the backends it sends more traffic to.

    The incident button and a stable mark both move traffic; neither should send it to a backend
    that is failing without saying so.

    Args:
        confirmation: The dialog as planned.
        gaining: Findings (`Finding.message`) on the backends whose share goes up.
        lead: What the change does to them, before each finding.
    """
    if not gaining:
        return confirmation
    warnings = tuple(f"{lead}: {message}" for message in gaining)
    return replace(confirmation, warnings=warnings + confirmation.warnings)


DISCONNECTED = ("The API server is unreachable: the figures above are as last seen; the write "
                "is refused if the split has changed since.")
"""Said before a write while the watches report the API server unreachable."""


def as_last_seen(confirmation: Confirmation, disconnected: bool) -> Confirmation:
    """Lead the warnings with `DISCONNECTED` while the API server is unreachable."""
    if not disconnected:
        return confirmation
    return replace(confirmation, warnings=(DISCONNECTED,) + confirmation.warnings)


def quit_confirmation(change: PendingChange) -> Confirmation:
    """The question before quitting with weights pending: they would be lost, nothing written."""
    return Confirmation(f"Discard the pending change to {change.ref.name} and quit?",
                        weight_lines(change), ("Nothing has been written; quitting drops it.",),
                        confirm_label="quit")
