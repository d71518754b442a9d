"""Shift and End shift in the dashboard: pick fallbacks, confirm the whole object with a reason,
and write it through the `ClusterWriter` in a thread.

`ShiftActions` is an object the dashboard owns and forwards to: ``shift(namespace, service)``
(the palette, and any view that has a service under the cursor) and ``end_shift(split)`` (a key on
the selected split). Cluster reads and writes run in thread workers that post `ShiftPlanned`,
`ShiftWritten` and `ShiftFailed`; the dashboard hands those back to `planned`, `written` and
`failed`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import Any, Protocol

import yaml

from meshtui.kube.errors import KubeError
from meshtui.kube.shift import existing_splits, plan_shift
from meshtui.model.kubetime import rfc3339
from meshtui.model.owners import registry
from meshtui.model.rules import split_rules
from meshtui.model.shift import (
    CREATED_AT_ANNOTATION,
    CREATED_BY_ANNOTATION,
    REASON_ANNOTATION,
    ShiftRefused,
    ShiftRequest,
    creator,
    end_write,
    fallbacks,
    is_meshtui_made,
    shift_object,
    shift_write,
)
from meshtui.model.split import Split
from meshtui.model.text import visible
from meshtui.model.weight_writes import rule_percents
from meshtui.ui.control.host import ScreenHost
from meshtui.ui.control.confirmation import Confirmation
from meshtui.ui.messages import ShiftFailed, ShiftPlanned, ShiftWritten
from meshtui.ui.screens.confirm import ConfirmDialog
from meshtui.ui.screens.shift_picker import ShiftPicker

__all__ = ["ShiftActions", "ShiftHost", "end_confirmation", "shift_confirmation"]

REASON_PROMPT = "Why? The reason is recorded on the split and in the audit log."
_TYPED_REASON = "‹the reason typed below›"


class ShiftHost(ScreenHost, Protocol):
    """What `ShiftActions` uses of the screen it works for."""


def shift_confirmation(request: ShiftRequest, *, context: str, dry_run: bool) -> Confirmation:
    """The dialog before creating a shift: the whole object, and a reason to type."""
    obj = shift_object(replace(request, reason=""))
    obj["metadata"]["annotations"][REASON_ANNOTATION] = _TYPED_REASON
    lines = tuple(yaml.safe_dump(obj, sort_keys=False, allow_unicode=True).splitlines())
    kept = next(b.percent for b in request.backends if b.service == request.service)
    warnings = [f"{request.service} keeps {kept}% of its traffic; the rest moves as shown."]
    if dry_run:
        warnings.append("dry run: the server checks the object, nothing is stored")
    kind = "HTTPRoute" if request.kind.kind == "HTTPRoute" else "TrafficSplit"
    title = (f"Create {kind.lower()}/{request.namespace}/{request.name} on {context or '?'}")
    return Confirmation(title=title, lines=lines, warnings=tuple(warnings),
                        confirm_label="create", reason=REASON_PROMPT)


def end_confirmation(split: Split, *, context: str, dry_run: bool) -> Confirmation:
    """The dialog before ending a shift: what is deleted and where the traffic goes back."""
    lines = [f"{visible(b.name, 63)}  {p}%" for b, p in
             zip(split.rules[0] if split.rules else (), rule_percents(split, 0), strict=False)]
    if len(split_rules(split)) > 1:
        lines.append(f"(and {len(split_rules(split)) - 1} more rules)")
    for key in (CREATED_BY_ANNOTATION, CREATED_AT_ANNOTATION, REASON_ANNOTATION):
        if key in split.annotations:
            lines.append(f"{key}: {visible(split.annotations[key], 200)}")
    warnings = [f"all of {visible(split.service, 63)}'s traffic goes back to its own pods"]
    typed = None
    if not is_meshtui_made(split.obj):
        typed = split.name
        owner = split.owner
        who = ""
        if owner is not None:
            name = registry.display_name(owner.controller)
            who = (f"; {name.full if name else visible(owner.kind, 40)} manages it and may "
                   "create it again")
        warnings.insert(0, f"meshtui did not create this split{who}")
    if dry_run:
        warnings.append("dry run: the server checks the deletion, nothing is deleted")
    return Confirmation(title=f"End shift: delete {split.ref} on {context or '?'}",
                        lines=tuple(lines), warnings=tuple(warnings), typed=typed,
                        confirm_label="delete")


class ShiftActions:
    """Shift and End shift for one dashboard.

    Args:
        host: The screen the dialogs and workers belong to.
        client: Reads the cluster (a `MeshClient`).
        control: The dashboard's traffic control (its writer, read-only and dry-run state).
        state: The dashboard's `MeshState` (the Services offered, updated after a write).
        clock: Wall-clock time (the created-at annotation).
    """

    def __init__(self, host: ShiftHost, client: Any, control: Any, state: Any, *,
                 clock: Callable[[], float] = time.time) -> None:
        self.host = host
        self.client = client
        self.control = control
        self.state = state
        self.clock = clock

    def _blocked(self, what: str) -> bool:
        why = self.control.unavailable()
        if why is not None:
            self.host.notify(f"{what}: unavailable ({why})", severity="warning")
        return why is not None

    def shift(self, namespace: str, service: str) -> None:
        """Pick fallbacks for `service`, then check and confirm the split to create."""
        if self._blocked("shift"):
            return
        services = self.state.objects("services", namespace)
        if not any((s.get("metadata") or {}).get("name") == service for s in services):
            self.host.notify(f"shift: no Service {visible(service, 63)} in namespace "
                             f"{visible(namespace, 63)}", severity="error")
            return
        picker = ShiftPicker(namespace, service, fallbacks(service, services))

        def picked(percents: dict[str, int] | None) -> None:
            if percents:
                self.host.run_worker(lambda: self._plan(namespace, service, percents),
                                     thread=True, group="write", exclusive=True,
                                     exit_on_error=False)

        self.host.ask(picker, picked)

    def _plan(self, namespace: str, service: str, percents: dict[str, int]) -> None:
        writer = self.control.writer
        try:
            request = plan_shift(self.client, namespace, service, percents,
                                 created_by=creator(writer.identity, self.control.context),
                                 created_at=rfc3339(self.clock()))
        except (ShiftRefused, KubeError) as error:
            self.host.post_message(ShiftPlanned(None, f"shift refused: {_message(error)}"))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(ShiftPlanned(None, f"shift failed ({type(error).__name__})"))
        else:
            self.host.post_message(ShiftPlanned(request))

    def planned(self, message: ShiftPlanned) -> None:
        """Confirm the planned object (with a reason), or say why it was refused."""
        if message.request is None:
            self.host.notify(message.error, severity="error", timeout=10)
            return
        request: ShiftRequest = message.request
        dialog = ConfirmDialog(shift_confirmation(request, context=self.control.context,
                                                  dry_run=self.control.dry_run))

        def answered(yes: bool | None) -> None:
            if yes and not self._blocked("shift"):
                final = replace(request, reason=dialog.reason)
                self.host.run_worker(lambda: self._write_shift(final), thread=True,
                                     group="write", exclusive=True, exit_on_error=False)

        self.host.ask(dialog, answered)

    def _write_shift(self, request: ShiftRequest) -> None:
        planned = shift_write(request)
        try:
            # The dialog may have stood open a while: a split made meanwhile wins.
            existing = existing_splits(self.client, request.namespace, request.service)
            if existing:
                self.host.post_message(ShiftFailed(
                    f"shift refused: {request.service} got a split while the dialog was open "
                    f"({existing[0].ref}); nothing written"))
                return
            result = self.control.writer.write(planned, "shift")
        except KubeError as error:
            self.host.post_message(ShiftFailed(f"shift: {error.message}"))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(ShiftFailed(f"shift failed ({type(error).__name__})"))
        else:
            self.host.post_message(ShiftWritten(
                planned.description, result.dry_run, request.kind.key,
                None if result.dry_run else result.obj))

    def end_shift(self, split: Split | None) -> None:
        """Confirm, then delete the split (a foreign one needs its name typed)."""
        if split is None:
            self.host.notify("end shift: no split selected", severity="warning")
            return
        if self._blocked("end shift"):
            return
        dialog = ConfirmDialog(end_confirmation(split, context=self.control.context,
                                                dry_run=self.control.dry_run))

        def answered(yes: bool | None) -> None:
            if yes and not self._blocked("end shift"):
                self.host.run_worker(lambda: self._write_end(split), thread=True, group="write",
                                     exclusive=True, exit_on_error=False)

        self.host.ask(dialog, answered)

    def _write_end(self, split: Split) -> None:
        planned = end_write(split)
        try:
            result = self.control.writer.write(planned, "end-shift")
        except KubeError as error:
            self.host.post_message(ShiftFailed(f"end shift: {error.message}"))
        except Exception as error:  # noqa: BLE001 - any failure is reported, never a traceback
            self.host.post_message(ShiftFailed(f"end shift failed ({type(error).__name__})"))
        else:
            self.host.post_message(ShiftWritten(planned.description, result.dry_run,
                                                split.ref.resource_key, None, ended=split))

    def written(self, message: ShiftWritten) -> None:
        """Show the change at once (the watch confirms it) and say what happened."""
        if not message.dry_run:
            if message.obj and message.obj.get("kind"):
                self.state.upsert(message.resource, message.obj)
            if message.ended is not None:
                self.state.delete(message.resource, message.ended.obj)
        prefix = "dry run: the server accepted" if message.dry_run else "done:"
        self.host.notify(f"{prefix} {message.description}"
                         + (", nothing changed" if message.dry_run else ""))

    def failed(self, message: ShiftFailed) -> None:
        """Say why; nothing was written."""
        self.host.notify(message.error, severity="error", timeout=10)


def _message(error: Exception) -> str:
    return getattr(error, "message", None) or str(error) or type(error).__name__
