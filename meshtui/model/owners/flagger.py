"""Provides the Flagger owner kind: a `flagger.app` Canary and the splits named after its apex.

Flagger names its TrafficSplit and HTTPRoute after the apex service (`spec.service.name`, else
the target's name), with `<apex>-primary` and `<apex>-canary` backends and, for Gateway API, the
Canary's `gatewayRefs` as parents. Pause and resume toggle `spec.suspend` (which stops Flagger
setting the weights); promote and abort open the load tester's gates.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any
from urllib.parse import urlsplit

from meshtui.model._fields import as_bool, as_dict, as_int, as_list, as_str, metadata
from meshtui.model.owners._kind import (
    Claim,
    ControllerName,
    DisplayField,
    OwnerKind,
    OwnerResource,
)
from meshtui.model.write_descriptions import (
    JSON,
    MERGE_PATCH,
    ObjectTarget,
    PlannedWrite,
    ProxyPost,
    Unavailable,
)

__all__ = ["FLAGGER", "GATES", "GATE_PHASES", "CanaryState", "Flagger", "Webhook", "canary_writes",
           "gate_checks", "gate_unread"]

FLAGGER = "flagger"
"""Controller name of Flagger."""


@dataclass(frozen=True)
class Webhook:
    """One Flagger analysis webhook."""

    name: str
    """Name of the webhook."""
    type: str
    """Hook type, e.g. `confirm-promotion` or `rollback` (`rollout` when unset, as in Flagger)."""
    url: str
    """URL Flagger calls."""


@dataclass(frozen=True)
class CanaryState:
    """What a Flagger Canary says about its run."""

    name: str
    """Name of the Canary."""
    namespace: str
    """Namespace of the Canary."""
    phase: str
    """status.phase (`Progressing`, `WaitingPromotion`, ...; empty before Flagger saw it)."""
    canary_weight: int | None
    """status.canaryWeight."""
    suspended: bool
    """spec.suspend."""
    skip_analysis: bool
    """spec.skipAnalysis."""
    failed_checks: int
    """status.failedChecks."""
    iterations: int
    """status.iterations."""
    target: str
    """spec.targetRef.name (the Deployment)."""
    apex: str
    """The apex service: spec.service.name, else the target name."""
    max_weight: int | None
    """analysis.maxWeight (or the last stepWeights entry)."""
    step_weight: int | None
    """analysis.stepWeight."""
    webhooks: tuple[Webhook, ...] = ()
    """analysis.webhooks."""
    gateway_refs: frozenset[str] = frozenset()
    """Names of spec.service.gatewayRefs: the parents of the HTTPRoute Flagger writes."""

    @classmethod
    def from_object(cls, obj: dict[str, Any]) -> CanaryState:
        """Read a `flagger.app/v1beta1` Canary."""
        meta, spec, status = metadata(obj), as_dict(obj.get("spec")), as_dict(obj.get("status"))
        analysis = as_dict(spec.get("analysis")) or as_dict(spec.get("canaryAnalysis"))
        target = as_str(as_dict(spec.get("targetRef")).get("name"))
        step_weights = [w for w in (as_int(x) for x in as_list(analysis.get("stepWeights"))) if w is not None]
        max_weight = as_int(analysis.get("maxWeight"))
        if step_weights:
            max_weight = step_weights[-1]
        webhooks = tuple(
            Webhook(name=as_str(hook.get("name")), type=as_str(hook.get("type"), "rollout"),
                    url=as_str(hook.get("url")))
            for hook in (as_dict(item) for item in as_list(analysis.get("webhooks")))
        )
        service = as_dict(spec.get("service"))
        gateway_refs = frozenset(name for name in (as_str(as_dict(ref).get("name"))
                                                   for ref in as_list(service.get("gatewayRefs"))) if name)
        return cls(
            name=as_str(meta.get("name")),
            namespace=as_str(meta.get("namespace")),
            phase=as_str(status.get("phase")),
            canary_weight=as_int(status.get("canaryWeight")),
            suspended=as_bool(spec.get("suspend")),
            skip_analysis=as_bool(spec.get("skipAnalysis")),
            failed_checks=as_int(status.get("failedChecks"), 0) or 0,
            iterations=as_int(status.get("iterations"), 0) or 0,
            target=target,
            apex=as_str(as_dict(spec.get("service")).get("name")) or target,
            max_weight=max_weight,
            step_weight=as_int(analysis.get("stepWeight")),
            webhooks=webhooks,
            gateway_refs=gateway_refs,
        )

    @property
    def primary_service(self) -> str:
        """The stable service Flagger routes to: `<apex>-primary`."""
        return f"{self.apex}-primary" if self.apex else ""

    @property
    def canary_service(self) -> str:
        """The canary service: `<apex>-canary`."""
        return f"{self.apex}-canary" if self.apex else ""

    def hooks(self, hook_type: str) -> tuple[Webhook, ...]:
        """Return the webhooks of one type."""
        return tuple(hook for hook in self.webhooks if hook.type == hook_type)

    @property
    def has_confirm_promotion(self) -> bool:
        """True when a confirm-promotion gate holds the canary before promotion."""
        return bool(self.hooks("confirm-promotion"))

    @property
    def confirm_promotion_urls(self) -> tuple[str, ...]:
        """URLs of the confirm-promotion gates."""
        return tuple(hook.url for hook in self.hooks("confirm-promotion"))

    @property
    def has_rollback(self) -> bool:
        """True when a rollback webhook lets an operator roll the canary back."""
        return bool(self.hooks("rollback"))

    @property
    def rollback_urls(self) -> tuple[str, ...]:
        """URLs of the rollback webhooks."""
        return tuple(hook.url for hook in self.hooks("rollback"))



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




class Flagger(OwnerKind):
    """Flagger: a Canary drives the split named after its apex service."""

    controller = FLAGGER
    names = ControllerName("Flagger", "Flagger")
    kind = "Canary"
    api_version = "flagger.app/v1beta1"
    resource = OwnerResource("canaries", "flagger.app", "Canary", "canaries", ("v1beta1",))
    managers = frozenset({FLAGGER})
    state_type = CanaryState
    pause_stops_weights = True

    def parse(self, obj: dict[str, Any]) -> CanaryState:
        """Read a Canary."""
        return CanaryState.from_object(obj)

    def claims(self, state: CanaryState) -> Iterable[Claim]:
        """The split named after the apex: a TrafficSplit, or an HTTPRoute under the gatewayRefs."""
        if not (state.apex and state.name):
            return ()
        return (Claim(frozenset(), state.namespace, state.apex, explicit=False,
                      backend=state.primary_service, parents=state.gateway_refs),)

    def writes(self, state: CanaryState, action: str) -> list[PlannedWrite] | Unavailable:
        """Suspend, resume, or open a load tester gate."""
        return canary_writes(state, action)

    def action_notes(self, action: str) -> tuple[str, ...]:
        """Opening a gate moves no traffic until Flagger reads it."""
        if action not in ("promote", "abort"):
            return ()
        then = "promotes the canary" if action == "promote" else "rolls the canary back"
        note = (f"Opening the gate changes no traffic by itself: Flagger {then} when it next "
                "checks the gate (each analysis interval).")
        return (note,)

    def toggle(self, state: CanaryState) -> str:
        """Resume a suspended Canary, else suspend it."""
        return "resume" if state.suspended else "pause"

    def can_pause(self, state: CanaryState) -> bool:
        """`spec.suspend` is always there to set."""
        return True

    def gate_checks(self, state: CanaryState) -> dict[str, ProxyPost]:
        """The load tester checks of the Canary's gates."""
        return gate_checks(state)

    def roles(self, state: CanaryState) -> tuple[list[str], str]:
        """`<apex>-primary` is stable, `<apex>-canary` the canary."""
        return [state.primary_service], state.canary_service

    def resets_weights(self, state: CanaryState) -> bool:
        """A suspended Canary leaves its weights alone."""
        return not state.suspended

    def weights_warning(self, who: str, pause_hint: str, move_hint: str) -> str:
        """Flagger sets the weights back on its next analysis unless suspended."""
        hint = f" {pause_hint}" if pause_hint else ""
        return (f"{who} owns this split: Flagger will take it over and set the weights back on "
                f"its next analysis, unless it is suspended first{hint}.")

    def display_fields(self, state: CanaryState,
                       gates: Mapping[str, str] = MappingProxyType({})) -> tuple[DisplayField, ...]:
        """Canary weight, failed checks, suspension and the gates with their last-read state."""
        fields = []
        if state.canary_weight is not None:
            most = f" of max {state.max_weight}%" if state.max_weight else ""
            fields.append(DisplayField("canary weight", f"{state.canary_weight}%{most}"))
        fields.append(DisplayField("failed checks", str(state.failed_checks),
                                   "bad" if state.failed_checks else "ok"))
        if state.suspended:
            fields.append(DisplayField("", "suspended", "warn"))
        shown = [f"{hook.name} ({hook.type}{': ' + gates[hook.type] if hook.type in gates else ''})"
                 for hook in state.webhooks
                 if hook.type.startswith("confirm-") or hook.type == "rollback"]
        if shown:
            fields.append(DisplayField("gates", ", ".join(shown), new_line=True))
        return tuple(fields)
