"""Provides the writes that ask Flagger or Argo Rollouts to pause, promote or abort a canary."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from meshtui.model.owners import CanaryState, RolloutState
from meshtui.model.write_descriptions import JSON, MERGE_PATCH, ObjectTarget, PlannedWrite, ProxyPost, Unavailable

_DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")


def canary_writes(state: CanaryState, action: str) -> list[PlannedWrite] | Unavailable:
    """Flagger: pause/resume toggle `spec.suspend`; promote/abort open the load tester's gates."""
    target = ObjectTarget("canaries", "flagger.app", "v1beta1", "Canary", state.namespace, state.name)
    if action in ("pause", "resume"):
        suspend = action == "pause"
        if state.suspended == suspend:
            return Unavailable(action, f"Canary {state.name} is {'already' if suspend else 'not'} suspended")
        verb = "suspend" if suspend else "resume"
        return [PlannedWrite(target, {"spec": {"suspend": suspend}}, MERGE_PATCH, "",
                             f"{verb} Canary {state.namespace}/{state.name} "
                             f"(spec.suspend: {str(suspend).lower()})")]
    if action in ("promote", "abort"):
        reason = gate_unread(state)
        if reason:
            return Unavailable(action, reason)
    if action == "promote":
        return _gate(state, "confirm-promotion", "open the promotion gate")
    if action == "abort":
        return _gate(state, "rollback", "open the rollback gate")
    if action == "promote-full":
        return Unavailable(action, "Flagger has no full promotion; promote opens the confirm-promotion gate")
    return Unavailable(action, "Flagger retries by itself when the canary's target changes")


GATE_PHASES = ("", "Progressing", "WaitingPromotion", "Promoting")
"""Canary phases in which Flagger reads its gates (empty: not known yet, so not refused)."""
GATES = {"confirm-promotion": ("/gate/check", "/gate/open"),
         "rollback": ("/rollback/check", "/rollback/open")}
"""Load tester gate paths (check, open) per webhook type."""


def gate_unread(state: CanaryState) -> str:
    """Why Flagger would not read a gate opened now (empty when it would)."""
    if state.suspended:
        return (f"Canary {state.name} is suspended: Flagger reads no gate until it is resumed "
                "(p), so opening one now changes nothing")
    if state.phase not in GATE_PHASES:
        return (f"Canary {state.name} is {state.phase}: Flagger reads its gates only while it "
                "analyses a new revision, so opening one now changes nothing")
    return ""


def gate_checks(state: CanaryState) -> dict[str, ProxyPost]:
    """The load tester check of each gate the Canary has (webhook type → POST), to read its state."""
    checks = {}
    for hook_type, (check_path, _open) in GATES.items():
        found = _gate_service(state, hook_type, check_path)
        if isinstance(found, ProxyPost):
            checks[hook_type] = found
    return checks


def _gate_service(state: CanaryState, hook_type: str, path: str) -> ProxyPost | str:
    """The load tester service behind the webhook of `hook_type` (as a POST to `path`), or why
    there is none."""
    hooks = state.hooks(hook_type)
    check_path = GATES[hook_type][0]
    if not hooks:
        return f"Canary {state.name} has no {hook_type} webhook to open"
    for hook in hooks:
        try:
            parts = urlsplit(hook.url)
        except ValueError:
            # The URL is the Canary's, anybody's text: "http://[x" made P crash the dashboard.
            continue
        if parts.path.rstrip("/") != check_path:
            continue
        host = (parts.hostname or "").split(".")
        service = host[0]
        namespace = host[1] if len(host) > 1 and host[1] != "svc" else state.namespace
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError:
            continue
        if not (_DNS_LABEL.fullmatch(service) and _DNS_LABEL.fullmatch(namespace)):
            continue
        return ProxyPost(namespace, service, port, path)
    return (f"the {hook_type} webhook of Canary {state.name} is not a load tester "
            f"{check_path} gate, so meshtui cannot open it")


def _gate(state: CanaryState, hook_type: str, what: str) -> list[PlannedWrite] | Unavailable:
    """A POST that opens the Flagger load tester gate behind a webhook of `hook_type`."""
    action = "promote" if hook_type == "confirm-promotion" else "abort"
    target = _gate_service(state, hook_type, GATES[hook_type][1])
    if isinstance(target, str):
        return Unavailable(action, target)
    body = {"name": state.name, "namespace": state.namespace}
    return [PlannedWrite(target, body, JSON, "",
                         f"{what} of Canary {state.namespace}/{state.name} on "
                         f"{target.service}.{target.namespace}")]


def rollout_writes(state: RolloutState, action: str) -> list[PlannedWrite] | Unavailable:
    """Argo Rollouts: the patches the kubectl plugin sends (status subresource for status fields)."""
    target = ObjectTarget("rollouts", "argoproj.io", "v1alpha1", "Rollout", state.namespace, state.name)
    name = f"Rollout {state.namespace}/{state.name}"

    def spec(patch: dict[str, object], text: str) -> PlannedWrite:
        """A merge patch of the Rollout's spec."""
        return PlannedWrite(target, {"spec": patch}, MERGE_PATCH, "", text)

    def status(patch: dict[str, object], text: str) -> PlannedWrite:
        """A merge patch of the status subresource (the writer falls back to the main resource)."""
        return PlannedWrite(target, {"status": patch}, MERGE_PATCH, "status", text)

    if action == "pause":
        if state.spec_paused:
            return Unavailable(action, f"{name} is already paused")
        return [spec({"paused": True}, f"pause {name}")]
    if action == "resume":
        if not state.spec_paused:
            return Unavailable(action, f"{name} is not manually paused; promote moves it past a pause step")
        return [spec({"paused": False}, f"resume {name}")]
    if action == "abort":
        if state.aborted:
            return Unavailable(action, f"{name} is already aborted")
        return [status({"abort": True}, f"abort {name}: traffic goes back to stable")]
    if action == "retry":
        if not state.aborted:
            return Unavailable(action, f"{name} is not aborted")
        return [status({"abort": False}, f"retry {name}")]
    writes = [spec({"paused": False}, f"unpause {name}")] if state.spec_paused else []
    if action == "promote-full":
        return writes + [status({"promoteFull": True}, f"promote {name} fully, skipping the remaining steps")]
    if state.pause_conditions:
        writes.append(status({"pauseConditions": None}, f"promote {name} past its pause"))
    elif state.step_count and state.current_step_index is not None:
        if state.completed:
            return writes or Unavailable(action, f"{name} has finished all its steps")
        step = min(state.current_step_index + 1, state.step_count)
        where = f"step {step + 1} of {state.step_count}" if step < state.step_count else "past its last step"
        writes.append(status({"pauseConditions": None, "currentStepIndex": step},
                             f"promote {name} to {where}"))
    return writes or Unavailable(action, f"{name} is not paused")
