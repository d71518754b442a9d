"""Provides the Argo Rollouts owner kind: an `argoproj.io` Rollout and the splits it routes through.

A Rollout names its splits: `trafficRouting.smi.trafficSplitName` (default: the Rollout's name)
and, through the Gateway API plugin, `plugins["argoproj-labs/gatewayAPI"].httpRoute` /
`httpRoutes[]` (in the plugin's `namespace`, default the Rollout's). The plugin has no user
agent of its own: client-go names its field manager after its binary, which Argo installs as
`plugin-bin/argoproj-labs/gatewayAPI`, hence the manager `gatewayAPI`. While a canary runs it
labels its routes `rollouts.argoproj.io/gatewayapi-canary`, and removes the label in between.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from meshtui.model._fields import (
    as_bool,
    as_dict,
    as_int,
    as_list,
    as_str,
    metadata,
    string_map,
)
from meshtui.model.owners._kind import (
    Claim,
    ControllerName,
    DisplayField,
    Owner,
    OwnerKind,
    OwnerResource,
)
from meshtui.model.write_descriptions import MERGE_PATCH, ObjectTarget, PlannedWrite, Unavailable

__all__ = ["ARGO_GATEWAY_LABEL", "ARGO_ROLLOUTS", "GATEWAY_PLUGIN", "ArgoRollouts", "RolloutState",
           "rollout_writes"]

ARGO_ROLLOUTS = "argo-rollouts"
"""Controller name of Argo Rollouts."""
GATEWAY_PLUGIN = "argoproj-labs/gatewayAPI"
"""Key of Argo's Gateway API traffic-router plugin under `trafficRouting.plugins`."""
ARGO_GATEWAY_LABEL = "rollouts.argoproj.io/gatewayapi-canary"
"""Label Argo's Gateway API plugin puts on a route while a canary is in progress."""
GATEWAY_PLUGIN_MANAGER = "gatewayAPI"
"""Field manager of the Gateway API plugin (its binary's name: it sets no user agent)."""


@dataclass(frozen=True)
class RolloutState:
    """What an Argo Rollout says about its canary."""

    name: str
    """Name of the Rollout."""
    namespace: str
    """Namespace of the Rollout."""
    phase: str
    """Phase as Argo computes it: `Healthy`, `Progressing`, `Paused` or `Degraded`."""
    message: str
    """Why the phase is what it is (e.g. the pause reason), possibly empty."""
    current_step_index: int | None
    """status.currentStepIndex."""
    step_count: int
    """Number of canary steps."""
    set_weight: int
    """The weight the current step sets (100 when all steps are done, 0 when aborted)."""
    paused: bool
    """spec.paused, any pause condition, or a controller pause."""
    pause_conditions: tuple[str, ...]
    """Reasons of status.pauseConditions."""
    aborted: bool
    """status.abort."""
    promote_full: bool
    """status.promoteFull."""
    canary_service: str
    """strategy.canary.canaryService."""
    stable_service: str
    """strategy.canary.stableService."""
    traffic_split_name: str
    """Name of the SMI TrafficSplit it drives (empty without SMI routing)."""
    http_routes: tuple[str, ...] = ()
    """HTTPRoutes the Gateway API plugin edits."""
    spec_paused: bool = False
    """spec.paused alone (a manual pause, undone by clearing it)."""
    route_namespace: str = ""
    """Namespace of the plugin's HTTPRoutes (the plugin's `namespace`, else the Rollout's)."""

    @classmethod
    def from_object(cls, obj: dict[str, Any]) -> RolloutState:
        """Read an `argoproj.io/v1alpha1` Rollout."""
        meta, spec, status = metadata(obj), as_dict(obj.get("spec")), as_dict(obj.get("status"))
        name = as_str(meta.get("name"))
        canary = as_dict(as_dict(spec.get("strategy")).get("canary"))
        steps = as_list(canary.get("steps"))
        index = as_int(status.get("currentStepIndex"))
        aborted = as_bool(status.get("abort"))
        reasons = tuple(as_str(as_dict(c).get("reason")) for c in as_list(status.get("pauseConditions")))
        spec_paused = as_bool(spec.get("paused"))
        routing = as_dict(canary.get("trafficRouting"))
        smi = routing.get("smi")
        split_name = (as_str(as_dict(smi).get("trafficSplitName")) or name) if smi is not None else ""
        phase, message = _phase(spec_paused, reasons, aborted, status)
        return cls(
            name=name,
            namespace=as_str(meta.get("namespace")),
            phase=phase,
            message=message,
            current_step_index=index,
            step_count=len(steps),
            set_weight=_set_weight(steps, index, aborted),
            paused=spec_paused or bool(reasons) or as_bool(status.get("controllerPause")),
            pause_conditions=reasons,
            aborted=aborted,
            promote_full=as_bool(status.get("promoteFull")),
            canary_service=as_str(canary.get("canaryService")),
            stable_service=as_str(canary.get("stableService")),
            traffic_split_name=split_name,
            http_routes=_plugin_routes(routing),
            spec_paused=spec_paused,
            route_namespace=(as_str(as_dict(as_dict(routing.get("plugins")).get(GATEWAY_PLUGIN))
                                    .get("namespace")) or as_str(meta.get("namespace"))),
        )

    @property
    def completed(self) -> bool:
        """True when every canary step has run."""
        return self.current_step_index is not None and self.current_step_index >= self.step_count


def _set_weight(steps: list[Any], index: int | None, aborted: bool) -> int:
    """Argo's GetCurrentSetWeight: the latest setWeight at or before the current step."""
    if aborted:
        return 0
    # Argo reads a missing index as step 0, and past the last step (or with no steps) as done.
    position = 0 if index is None else max(0, index)
    if position >= len(steps):
        return 100
    for step in reversed(steps[: position + 1]):
        weight = as_int(as_dict(step).get("setWeight"))
        if weight is not None:
            return weight
    return 0


def _phase(spec_paused: bool, reasons: tuple[str, ...], aborted: bool,
           status: dict[str, Any]) -> tuple[str, str]:
    """Argo's CalculateRolloutPhase, from what the object alone can tell."""
    for condition in (as_dict(c) for c in as_list(status.get("conditions"))):
        kind, reason = as_str(condition.get("type")), as_str(condition.get("reason"))
        if kind == "InvalidSpec" and condition.get("status") == "True":
            return "Degraded", as_str(condition.get("message"), "invalid spec")
        if kind == "Progressing" and reason in ("RolloutAborted", "ProgressDeadlineExceeded"):
            return "Degraded", as_str(condition.get("message"), reason)
    if aborted:
        return "Degraded", as_str(status.get("message"), "RolloutAborted")
    if spec_paused:
        return "Paused", "manually paused"
    if reasons:
        return "Paused", reasons[0]
    phase = as_str(status.get("phase"))
    if phase in ("Healthy", "Progressing", "Paused", "Degraded"):
        return phase, as_str(status.get("message"))
    return "Progressing", as_str(status.get("message"))


def _plugin_routes(routing: dict[str, Any]) -> tuple[str, ...]:
    """Names of the HTTPRoutes Argo's Gateway API plugin is configured to edit."""
    plugin = as_dict(as_dict(routing.get("plugins")).get(GATEWAY_PLUGIN))
    names = [as_str(plugin.get("httpRoute"))]
    names += [as_str(as_dict(route).get("name")) for route in as_list(plugin.get("httpRoutes"))]
    return tuple(dict.fromkeys(name for name in names if name))


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


class ArgoRollouts(OwnerKind):
    """Argo Rollouts: a Rollout drives the TrafficSplit and HTTPRoutes its trafficRouting names."""

    controller = ARGO_ROLLOUTS
    names = ControllerName("Argo Rollouts", "Argo")
    kind = "Rollout"
    api_version = "argoproj.io/v1alpha1"
    resource = OwnerResource("rollouts", "argoproj.io", "Rollout", "rollouts", ("v1alpha1",))
    managers = frozenset({"argo-rollouts", "rollouts-controller", GATEWAY_PLUGIN_MANAGER})
    state_type = RolloutState

    def parse(self, obj: dict[str, Any]) -> RolloutState:
        """Read a Rollout."""
        return RolloutState.from_object(obj)

    def claims(self, state: RolloutState) -> Iterable[Claim]:
        """Its SMI TrafficSplit and the plugin's HTTPRoutes (in the plugin's namespace)."""
        if not state.name:
            return ()
        found = []
        if state.traffic_split_name:
            found.append(Claim(frozenset({"TrafficSplit"}), state.namespace, state.traffic_split_name))
        found += [Claim(frozenset({"HTTPRoute"}), state.route_namespace or state.namespace, route)
                  for route in state.http_routes]
        return found

    def mark(self, meta: dict[str, Any], kind: str, api_version: str) -> Owner | None:
        """The plugin's in-progress label on a route."""
        if ARGO_GATEWAY_LABEL in string_map(meta.get("labels")):
            return Owner(kind="Rollout", name="", api_version=self.api_version, controller=ARGO_ROLLOUTS)
        return None

    def writes(self, state: RolloutState, action: str) -> list[PlannedWrite] | Unavailable:
        """The patches the kubectl plugin sends."""
        return rollout_writes(state, action)

    def toggle(self, state: RolloutState) -> str:
        """Resume a manually paused Rollout, else pause it."""
        return "resume" if state.spec_paused else "pause"

    def can_pause(self, state: RolloutState) -> bool:
        """`spec.paused` is always there to set."""
        return True

    def roles(self, state: RolloutState) -> tuple[list[str], str]:
        """`stableService` and `canaryService`."""
        return [state.stable_service], state.canary_service

    def weights_warning(self, who: str, pause_hint: str, move_hint: str) -> str:
        """Argo sets the weights back within seconds, paused or not."""
        hint = f" {move_hint}" if move_hint else ""
        return (f"{who} owns this split: Argo Rollouts will set the weights back to the Rollout's "
                "current step within seconds, even while it is paused. To move traffic, promote "
                f"or abort the Rollout{hint}.")

    def display_fields(self, state: RolloutState,
                       gates: Mapping[str, str] = MappingProxyType({})) -> tuple[DisplayField, ...]:
        """Step, the step's weight, abort, pause conditions and Argo's message."""
        fields = []
        if state.current_step_index is not None or state.step_count:
            shown = "—" if state.current_step_index is None else str(state.current_step_index)
            fields.append(DisplayField("step", f"{shown}/{state.step_count}" if state.step_count else shown))
        fields.append(DisplayField("canary weight", f"{state.set_weight}%"))
        if state.aborted:
            fields.append(DisplayField("", "aborted", "bad"))
        conditions = ", ".join(state.pause_conditions)
        if state.paused or conditions:
            fields.append(DisplayField("paused", conditions or "yes", "warn"))
        # Argo's message is often just the pause condition, already shown after "paused".
        if state.message and state.message != conditions:
            fields.append(DisplayField("", state.message, "muted", alone=True))
        return tuple(fields)
