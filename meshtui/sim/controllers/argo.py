"""A stand-in Argo Rollouts controller: canary steps over an SMI TrafficSplit or a Gateway API HTTPRoute.

Each reconcile (every tick) of a Rollout with a canary strategy:

* ``status.abort: true``: desired weight 0 %, phase Degraded, ``abortedAt`` set, pauses cleared.
  ``abort: false`` after an abort (``retry``) restarts from step 0.
* ``status.promoteFull: true``: every remaining step is skipped; the rollout finishes.
* ``spec.paused: true``: phase Paused ("manually paused"); no step progress, but the current
  step's weight is still enforced.
* Otherwise steps run from ``status.currentStepIndex``: ``setWeight`` sets the desired weight and
  moves on; ``pause`` adds a ``CanaryPauseStep`` pause condition (``controllerPause: true``) and
  holds until its duration (divided by the speed factor) is over, or until a promote clears
  ``pauseConditions``. Past the last step the rollout is Healthy at 100 %.

Whatever the state, the router is rewritten when its weights differ from the desired ones, so a
manual edit of the TrafficSplit/HTTPRoute is reverted on the next reconcile, as Argo does.

A Rollout whose ``spec.workloadRef`` names a Deployment that does not exist is not acted on: no
router is created or written, and its status says why (phase Degraded, an ``InvalidSpec``
condition), as Argo reports a workload it cannot resolve.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.controllers.argo_steps import RolloutPlan, plan_rollout
from meshtui.sim.controllers.base import CONFLICT_RETRIES, ControllerError, StoreWriter, log, status_differs
from meshtui.sim.controllers.routers import (
    HTTPROUTE, TRAFFICSPLIT, RouterRef, has_backends, set_label, with_weights)
from meshtui.sim.scenario_objects import owner_reference

ROLLOUT_API = "argoproj.io/v1alpha1"
SMI_API = "split.smi-spec.io/v1alpha2"
GATEWAY_API = "gateway.networking.k8s.io/v1"
GATEWAY_PLUGIN = "argoproj-labs/gatewayAPI"
IN_PROGRESS_LABEL = "rollouts.argoproj.io/gatewayapi-canary"


def routers_of(rollout: dict[str, Any]) -> list[RouterRef]:
    """The TrafficSplit (SMI mode) or HTTPRoutes (Gateway API plugin) a Rollout drives."""
    canary = ((rollout.get("spec") or {}).get("strategy") or {}).get("canary") or {}
    routing = canary.get("trafficRouting") or {}
    namespace = rollout["metadata"]["namespace"]
    refs = []
    if "smi" in routing:
        smi = routing.get("smi") or {}
        refs.append(RouterRef(SMI_API, TRAFFICSPLIT, namespace,
                              smi.get("trafficSplitName") or rollout["metadata"]["name"]))
    plugin = (routing.get("plugins") or {}).get(GATEWAY_PLUGIN) or {}
    route_ns = plugin.get("namespace") or namespace
    names = [plugin.get("httpRoute")] + [r.get("name") for r in plugin.get("httpRoutes") or []
                                         if isinstance(r, dict)]
    refs.extend(RouterRef(GATEWAY_API, HTTPROUTE, route_ns, n) for n in names if n)
    return refs


class ArgoController:
    """Reconciles every Argo Rollout in the store on each tick.

    Args:
        store: The apiserver `Store` (writes as manager ``rollouts-controller``).
        speed: How many times faster than written pause durations the simulation runs.
        clock: Wall-clock time, for ``startTime`` and ``abortedAt``.
    """

    manager = "rollouts-controller"

    def __init__(self, store: Any, *, speed: float, clock: Callable[[], float]) -> None:
        self.store = store
        self.writer = StoreWriter(store, self.manager)
        self.speed = speed
        self.clock = clock
        # Step index this controller last wrote: an index changed by someone else (kubectl
        # promote bumps it) means the pause we set is not the one now current.
        self._last_index: dict[tuple[str, str], int | None] = {}

    def reconcile(self, now: float | None = None) -> None:
        """Reconcile all Rollouts once (`now` is unused: pauses are timed by the wall clock)."""
        try:
            rollouts = self.store.list(ROLLOUT_API, "Rollout")
        except ApiError:
            return
        for rollout in rollouts:
            meta = rollout["metadata"]
            try:
                self.sync(rollout)
            except (ApiError, ControllerError) as exc:
                log.warning("argo-rollouts: rollout %s/%s: %s", meta["namespace"], meta["name"], exc)

    def sync(self, rollout: dict[str, Any]) -> RolloutPlan | None:
        """Reconcile one Rollout; returns what it decided (None: not a canary Rollout).

        Like Argo's ``RetryOnConflict``: when the Rollout changed under us (a user's promote or
        abort), it is read again and the whole decision is made afresh.
        """
        meta = rollout["metadata"]
        key = (meta["namespace"], meta["name"])
        for _ in range(CONFLICT_RETRIES):
            canary = ((rollout.get("spec") or {}).get("strategy") or {}).get("canary")
            if not isinstance(canary, dict):
                return None
            status = rollout.get("status") or {}
            missing = self._missing_workload(rollout)
            if missing is not None:
                self._invalid(rollout, status, missing)
                return None
            index = status.get("currentStepIndex")
            external = key in self._last_index and index != self._last_index[key]
            plan = plan_rollout(rollout, self.clock(), self.speed, external_index_change=external)
            errors = self._route(rollout, plan.weight)
            if errors:
                plan = plan.with_message(errors)
            try:
                if status_differs(status, plan.status):
                    self.writer.patch_status_at(rollout, plan.status)
            except ApiError as exc:
                if exc.code != 409:
                    raise
                fresh = self.writer.get(ROLLOUT_API, "Rollout", key[0], key[1])
                if fresh is None:
                    return None
                rollout = fresh
                continue
            self._last_index[key] = plan.status.get("currentStepIndex", index)
            return plan
        raise ControllerError(f"Rollout {key[0]}/{key[1]} kept changing: gave up after "
                              f"{CONFLICT_RETRIES} conflicts")

    def _missing_workload(self, rollout: dict[str, Any]) -> str | None:
        """Why the Rollout's ``workloadRef`` cannot be resolved, or None (no ref, or it exists)."""
        ref = (rollout.get("spec") or {}).get("workloadRef")
        if not isinstance(ref, dict) or ref.get("kind", "Deployment") != "Deployment":
            return None
        name = ref.get("name")
        if not isinstance(name, str) or not name:
            return "spec.workloadRef.name: Required value"
        if self.writer.get("apps/v1", "Deployment", rollout["metadata"]["namespace"], name) is None:
            return f'deployments.apps "{name}" not found'
        return None

    def _invalid(self, rollout: dict[str, Any], status: dict[str, Any], why: str) -> None:
        """Status of a Rollout the controller cannot act on: Degraded, an InvalidSpec condition."""
        message = f"InvalidSpec: {why}"
        wanted = {"phase": "Degraded", "message": message,
                  "conditions": [{"type": "InvalidSpec", "status": "True", "reason": "InvalidSpec",
                                  "message": why}]}
        if status_differs(status, wanted):
            self.writer.patch_status_at(rollout, wanted)

    def _route(self, rollout: dict[str, Any], weight: int) -> str | None:
        """Enforce `weight` on every router; returns an error message when a router is unusable."""
        canary = rollout["spec"]["strategy"]["canary"]
        canary_svc, stable_svc = canary.get("canaryService"), canary.get("stableService")
        if not canary_svc or not stable_svc:
            return "InvalidSpec: canaryService and stableService are required for traffic routing"
        weights = {canary_svc: weight, stable_svc: 100 - weight}
        problems = []
        for ref in routers_of(rollout):
            current = self.writer.get(ref.api_version, ref.kind, ref.namespace, ref.name)
            if current is None and ref.kind == TRAFFICSPLIT:
                self.writer.create(self._new_split(rollout, ref, canary_svc, stable_svc, weight))
                continue
            if current is None:
                problems.append(f'HTTPRoute "{ref.name}" not found')
                continue
            if not has_backends(current, (canary_svc, stable_svc)) and ref.kind == HTTPROUTE:
                problems.append(f'HTTPRoute "{ref.name}" has no backendRef "{canary_svc}" or "{stable_svc}"')
                continue

            def change(obj: dict[str, Any], ref: RouterRef = ref) -> dict[str, Any] | None:
                new = with_weights(obj, weights) or _copy(obj)
                if ref.kind == HTTPROUTE:
                    set_label(new, IN_PROGRESS_LABEL, "in-progress" if weight > 0 else None)
                return None if new == obj else new

            self.writer.mutate(ref.api_version, ref.kind, ref.namespace, ref.name, change)
        return "; ".join(problems) or None

    @staticmethod
    def _new_split(rollout: dict[str, Any], ref: RouterRef, canary_svc: str, stable_svc: str,
                   weight: int) -> dict[str, Any]:
        smi = rollout["spec"]["strategy"]["canary"]["trafficRouting"].get("smi") or {}
        return {"apiVersion": ref.api_version, "kind": TRAFFICSPLIT,
                "metadata": {"name": ref.name, "namespace": ref.namespace,
                             "ownerReferences": [owner_reference({**rollout, "apiVersion": ROLLOUT_API})]},
                "spec": {"service": smi.get("rootService") or stable_svc,
                         "backends": [{"service": canary_svc, "weight": weight},
                                      {"service": stable_svc, "weight": 100 - weight}]}}


def _copy(obj: dict[str, Any]) -> dict[str, Any]:
    return copy.deepcopy(obj)
