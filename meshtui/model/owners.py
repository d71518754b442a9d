"""Provides the state of the controllers that drive splits: Flagger Canaries and Argo Rollouts.

Both readers are tolerant: a half-written object (no status yet, missing strategy) gives a state
with empty or None fields rather than an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meshtui.model._fields import as_bool, as_dict, as_int, as_list, as_str, metadata

__all__ = ["CanaryState", "RolloutState", "Webhook"]

GATEWAY_PLUGIN = "argoproj-labs/gatewayAPI"
"""Key of Argo's Gateway API traffic-router plugin under `trafficRouting.plugins`."""


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
