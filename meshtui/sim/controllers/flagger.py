"""A stand-in Flagger: the canary analysis loop of ``flagger:pkg/controller/scheduler.go``, simplified.

Every ``analysis.interval`` (divided by the speed factor) each Canary that is not suspended runs
one iteration:

* ``Initialized`` (or no phase): a new revision is taken as detected; the run starts (Progressing).
* ``Progressing``/``WaitingPromotion``: an open ``rollback`` webhook, or ``failedChecks`` at
  ``threshold``, rolls back (all traffic to primary, phase Failed). ``skipAnalysis`` promotes at
  once. Otherwise the router's weights are read back (a manual edit becomes the base), the canary's
  success rate and p99 request duration over the interval are checked against the analysis
  metrics' ``thresholdRange`` (a failure only counts ``failedChecks``), then the
  weight advances by ``stepWeight`` (or the next ``stepWeights``) up to ``maxWeight``; at max
  weight every ``confirm-promotion`` webhook must answer 2xx, else the phase is WaitingPromotion.
* ``Promoting``: all traffic back to the (now promoted) primary; phase Succeeded.

A change of the target Deployment's pod template (its hash is ``status.lastAppliedSpec``) is a new
revision: whatever the phase, traffic goes back to the primary and a new run starts (Progressing).

``spec.suspend: true`` skips the Canary entirely: no step, no correction of manual changes.

A Canary whose target Deployment does not exist is not acted on at all (no router, no status):
like Flagger, each iteration fails with ``deployment NAME.NS get query error: deployments.apps
"NAME" not found``, recorded as a Warning Event (reason ``Synced``) on the Canary.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.controllers.base import ControllerError, StoreWriter, log, parse_duration, rfc3339, status_differs
from meshtui.sim.controllers.flagger_checks import (
    AnalysisProbe, ServiceDirectory, call_webhook, hooks_of, latency_threshold, success_rate_threshold)
from meshtui.sim.controllers.flagger_router import apex_name, initial_router, router_ref, target_revision
from meshtui.sim.controllers.routers import read_percents, with_weights

CANARY_API = "flagger.app/v1beta1"
ACTIVE = ("Progressing", "Waiting", "WaitingPromotion")
FINISHED = ("Succeeded", "Failed", "Terminating", "Terminated")


def _int(value: Any, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def max_weight(analysis: dict[str, Any]) -> int:
    """``maxWeight`` (default 100), or the last of ``stepWeights`` when those are given."""
    steps = [w for w in analysis.get("stepWeights") or [] if isinstance(w, int)]
    return steps[-1] if steps else _int(analysis.get("maxWeight"), 100)


def next_weight(analysis: dict[str, Any], current: int) -> int:
    """The weight after `current`: the next of ``stepWeights``, or plus ``stepWeight``, capped."""
    top = max_weight(analysis)
    steps = [w for w in analysis.get("stepWeights") or [] if isinstance(w, int)]
    if steps:
        return next((w for w in steps if w > current), top)
    return min(top, current + max(1, _int(analysis.get("stepWeight"), 10)))


class FlaggerController:
    """Runs Flagger's per-interval iteration for every Canary in the store.

    Args:
        store: The apiserver `Store` (all writes go through it, as manager ``flagger``).
        probe: Success rates of the simulated Services.
        directory: Where webhook URLs lead.
        speed: How many times faster than ``analysis.interval`` the analysis runs.
        clock: Wall-clock time, for ``lastTransitionTime``.
    """

    manager = "flagger"

    def __init__(self, store: Any, probe: AnalysisProbe, directory: ServiceDirectory, *,
                 speed: float, clock: Callable[[], float]) -> None:
        self.writer = StoreWriter(store, self.manager)
        self.store = store
        self.probe = probe
        self.directory = directory
        self.speed = speed
        self.clock = clock
        self._due: dict[tuple[str, str], float] = {}
        self._warned: dict[tuple[str, str], str] = {}

    def interval(self, canary: dict[str, Any]) -> float:
        """Seconds of simulated time between two iterations of this Canary."""
        analysis = (canary.get("spec") or {}).get("analysis") or {}
        return parse_duration(analysis.get("interval"), 60.0) / self.speed

    def reconcile(self, now: float) -> None:
        """Run the iterations that are due at simulated time `now`."""
        try:
            canaries = self.store.list(CANARY_API, "Canary")
        except ApiError:
            return
        seen = set()
        for canary in canaries:
            meta = canary["metadata"]
            key = (meta["namespace"], meta["name"])
            seen.add(key)
            # A new Canary is initialized at once; analysis iterations wait one interval.
            fresh = not (canary.get("status") or {}).get("phase")
            due = self._due.setdefault(key, now if fresh else now + self.interval(canary))
            if (canary.get("spec") or {}).get("suspend") is True or now + 1e-9 < due:
                continue
            self._due[key] = now + self.interval(canary)
            try:
                self.iterate(canary)
            except (ApiError, ControllerError) as exc:
                log.warning("flagger: canary %s/%s: %s", key[0], key[1], exc)
                self._warn(canary, str(exc))
            else:
                self._warned.pop(key, None)
        for key in set(self._due) - seen:
            del self._due[key]
            self._warned.pop(key, None)

    def _warn(self, canary: dict[str, Any], message: str) -> None:
        """Flagger's ``recordEventWarningf``: a Warning Event on the Canary, once per message
        (the real recorder counts repeats on one Event)."""
        meta = canary["metadata"]
        key = (meta["namespace"], meta["name"])
        if self._warned.get(key) == message:
            return
        self._warned[key] = message
        when = rfc3339(self.clock())
        event = {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"generateName": f"{meta['name']}.", "namespace": meta["namespace"]},
                 "involvedObject": {"apiVersion": CANARY_API, "kind": "Canary", "name": meta["name"],
                                    "namespace": meta["namespace"], "uid": meta.get("uid", "")},
                 "reason": "Synced", "message": message, "type": "Warning",
                 "source": {"component": "flagger"}, "firstTimestamp": when, "lastTimestamp": when,
                 "count": 1}
        try:
            self.writer.create(event)
        except ApiError as exc:
            log.warning("flagger: event for canary %s/%s: %s", key[0], key[1], exc)

    def iterate(self, canary: dict[str, Any]) -> None:
        """One scheduler iteration for one Canary (public for tests that drive it directly).

        Raises:
            ControllerError: The target Deployment does not exist (nothing was written).
        """
        self._require_target(canary)
        status = canary.get("status") or {}
        phase = status.get("phase") or ""
        revision = self._target_revision(canary)
        if revision is not None and phase not in ("", "Initializing"):
            if not status.get("lastAppliedSpec"):
                self._status(canary, {"lastAppliedSpec": revision}, None, None)
            elif status["lastAppliedSpec"] != revision:
                self._restart(canary, revision)
                return
        if phase in FINISHED:
            return
        ref = router_ref(canary)
        router = self.writer.get(ref.api_version, ref.kind, ref.namespace, ref.name)
        if phase in ("", "Initializing") and router is None:
            router = self.writer.create(initial_router(canary, ref))
        if router is None:
            # Flagger creates its router while initializing; a run whose router vanished halts.
            raise ControllerError(f"{ref} not found")
        if phase in ("", "Initializing"):
            self._set_weight(canary, 0)
            self._status(canary, {"phase": "Initialized", "canaryWeight": 0, "failedChecks": 0,
                                  "iterations": 0}, "Initialized", "Deployment initialization completed.")
            return
        if phase == "Initialized":
            self.probe.reset(ref.namespace, f"{ref.name}-canary")
            status = {"phase": "Progressing", "canaryWeight": 0, "failedChecks": 0, "iterations": 0}
            self._status(canary, status, "Progressing", "New revision detected, progressing canary analysis.")
            canary = {**canary, "status": status}
            phase = "Progressing"
        if phase in ACTIVE:
            self._advance(canary, status)
        elif phase in ("Promoting", "Finalising"):
            self._set_weight(canary, 0)
            self._status(canary, {"phase": "Succeeded", "canaryWeight": 0}, "Succeeded",
                         "Canary analysis completed successfully, promotion finished.", promoted=True)

    def _require_target(self, canary: dict[str, Any]) -> None:
        """Flagger reads its target before anything else; without it the iteration stops there."""
        target = (canary.get("spec") or {}).get("targetRef") or {}
        name, namespace = target.get("name"), canary["metadata"]["namespace"]
        if target.get("kind", "Deployment") != "Deployment" or not isinstance(name, str) or not name:
            return
        if self.writer.get("apps/v1", "Deployment", namespace, name) is None:
            raise ControllerError(f'deployment {name}.{namespace} get query error: '
                                  f'deployments.apps "{name}" not found')

    def _target_revision(self, canary: dict[str, Any]) -> str | None:
        target = (canary.get("spec") or {}).get("targetRef") or {}
        if target.get("kind", "Deployment") != "Deployment" or not target.get("name"):
            return None
        return target_revision(self.writer.get("apps/v1", "Deployment", canary["metadata"]["namespace"],
                                               target["name"]))

    def _restart(self, canary: dict[str, Any], revision: str) -> None:
        """"New revision detected! Restarting analysis": all traffic to primary, a fresh run."""
        ref = router_ref(canary)
        self.probe.reset(ref.namespace, f"{ref.name}-canary")
        self._set_weight(canary, 0)
        self._status(canary, {"phase": "Progressing", "canaryWeight": 0, "failedChecks": 0, "iterations": 0,
                              "lastAppliedSpec": revision}, "Progressing",
                     "New revision detected, progressing canary analysis.")

    def _advance(self, canary: dict[str, Any], status: dict[str, Any]) -> None:
        spec = canary.get("spec") or {}
        analysis = spec.get("analysis") or {}
        failed = _int(status.get("failedChecks"), 0)
        if self._hook_says(canary, "rollback", status):
            self._rollback(canary, "manual webhook invoked")
            return
        if failed >= max(1, _int(analysis.get("threshold"), 1)):
            self._rollback(canary, f"failed checks threshold reached {failed}")
            return
        if spec.get("skipAnalysis") is True:
            self._set_weight(canary, 0)
            self._status(canary, {"phase": "Succeeded", "canaryWeight": 0}, "Succeeded",
                         "Canary analysis skipped, promotion finished.", promoted=True)
            return
        ref = router_ref(canary)
        router = self.writer.get(ref.api_version, ref.kind, ref.namespace, ref.name) or {}
        weight = read_percents(router).get(f"{ref.name}-canary", 0)
        iterations = _int(status.get("iterations"), 0)
        top = max_weight(analysis)
        if weight < top and weight == 0 and iterations == 0:
            ok = True  # nothing reached the canary yet: Flagger skips the first check
        else:
            ok = self._analysis_ok(canary)
        if not ok:
            self._status(canary, {"failedChecks": failed + 1}, None, None)
            return
        if weight < top:
            new = next_weight(analysis, weight)
            self._set_weight(canary, new)
            self._status(canary, {"phase": "Progressing", "canaryWeight": new, "iterations": iterations + 1},
                         "Progressing", "New revision detected, progressing canary analysis.")
            return
        if not all(self._hook_says(canary, hook["type"], status, hook)
                   for hook in hooks_of(canary, "confirm-promotion")):
            self._status(canary, {"phase": "WaitingPromotion", "canaryWeight": weight,
                                  "iterations": iterations + 1}, "WaitingPromotion",
                         "Waiting for approval to promote the canary.")
            return
        self._status(canary, {"phase": "Promoting", "canaryWeight": weight, "iterations": iterations + 1},
                     "Promoting", "Copying canary spec to primary.")

    def _hook_says(self, canary: dict[str, Any], hook_type: str, status: dict[str, Any],
                   only: dict[str, Any] | None = None) -> bool:
        """Whether the hooks of a type answer 2xx (a rollback hook: any of them; else all)."""
        meta = canary["metadata"]
        hooks = [only] if only is not None else hooks_of(canary, hook_type)
        if not hooks:
            return False
        results = []
        for hook in hooks:
            payload = {"name": meta["name"], "namespace": meta["namespace"], "phase": status.get("phase", ""),
                       "checksum": "", "metadata": hook.get("metadata") or {}}
            results.append(call_webhook(self.directory, hook, payload, meta["namespace"]).ok)
        return any(results) if hook_type == "rollback" else all(results)

    def _analysis_ok(self, canary: dict[str, Any]) -> bool:
        """The success-rate and latency checks over the last interval, against the Canary's
        minimum and maximum."""
        ref = router_ref(canary)
        service = f"{apex_name(canary)}-canary"
        try:
            rate, p99 = self.probe.reading(ref.namespace, service)
        except LookupError:
            return True  # the service is not simulated: nothing to measure, nothing to fail
        name = canary["metadata"]["name"]
        low, high = success_rate_threshold(canary), latency_threshold(canary)
        if rate is None:
            log.info("flagger: halt %s.%s advancement: no values found for request-success-rate",
                     name, ref.namespace)
            return self.probe.traffic is None
        if low is not None and rate < low:
            log.info("flagger: halt %s.%s advancement success rate %.2f%% < %s%%",
                     name, ref.namespace, rate, low)
            return False
        if high is not None and p99 is not None and p99 > high:
            log.info("flagger: halt %s.%s advancement request duration %.0fms > %gms",
                     name, ref.namespace, p99, high)
            return False
        return True

    def _rollback(self, canary: dict[str, Any], reason: str) -> None:
        log.info("flagger: rolling back %s.%s %s", canary["metadata"]["name"],
                 canary["metadata"]["namespace"], reason)
        self._set_weight(canary, 0)
        self._status(canary, {"phase": "Failed", "canaryWeight": 0}, "Failed",
                     "Canary analysis failed, Deployment scaled to zero.", promoted=False)

    def _set_weight(self, canary: dict[str, Any], weight: int) -> None:
        """Write the router's weights: `weight` to the canary, the rest to the primary."""
        ref = router_ref(canary)
        weights = {f"{ref.name}-primary": 100 - weight, f"{ref.name}-canary": weight}
        self.writer.mutate(ref.api_version, ref.kind, ref.namespace, ref.name,
                           lambda obj: with_weights(obj, weights))

    def _status(self, canary: dict[str, Any], fields: dict[str, Any], reason: str | None,
                message: str | None, promoted: bool | None = None) -> None:
        meta = canary["metadata"]

        def compute(current: dict[str, Any]) -> dict[str, Any] | None:
            status = current.get("status") or {}
            wanted = dict(fields)
            if reason is not None:
                state = "Unknown" if promoted is None else ("True" if promoted else "False")
                wanted["conditions"] = [{"type": "Promoted", "status": state, "reason": reason,
                                         "message": message, "lastUpdateTime": rfc3339(self.clock()),
                                         "lastTransitionTime": rfc3339(self.clock())}]
                old: dict[str, Any] = next(
                    (c for c in status.get("conditions") or [] if c.get("type") == "Promoted"), {})
                if all(old.get(k) == wanted["conditions"][0][k] for k in ("status", "reason", "message")):
                    del wanted["conditions"]
            if not status_differs(status, wanted):
                return None
            wanted["lastTransitionTime"] = rfc3339(self.clock())
            return wanted

        self.writer.patch_status(CANARY_API, "Canary", meta["namespace"], meta["name"], compute)
