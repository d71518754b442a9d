"""Pure decisions of the stand-in Argo Rollouts controller: which step, which weight, which status.

Follows ``argo-rollouts:rollout/canary.go`` and ``utils/rollout/rolloututil.go`` closely enough for
the fields meshtui reads and writes (``currentStepIndex``, ``pauseConditions``, ``controllerPause``,
``spec.paused``, ``abort``/``abortedAt``, ``promoteFull``, ``phase``, ``message``,
``canary.weights``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from meshtui.sim.controllers.base import parse_duration, parse_rfc3339, rfc3339

PAUSE_REASON = "CanaryPauseStep"


@dataclass(frozen=True)
class RolloutPlan:
    """What a reconcile wants: the canary weight (percent) and the status fields to merge."""

    weight: int
    status: dict[str, Any]

    def with_message(self, message: str) -> RolloutPlan:
        """The same plan reporting a traffic-routing problem in ``status.message``."""
        return replace(self, status={**self.status, "message": message})


def weight_at(steps: list[Any], index: int) -> int:
    """The desired canary weight at step `index`: the last ``setWeight`` up to it; 100 when done."""
    if index >= len(steps):
        return 100
    weight = 0
    for step in steps[: index + 1]:
        value = step.get("setWeight") if isinstance(step, dict) else None
        if isinstance(value, int) and not isinstance(value, bool):
            weight = max(0, min(100, value))
    return weight


def _revision_message(status: dict[str, Any]) -> str:
    return f"RolloutAborted: Rollout aborted update to revision {status.get('currentPodHash') or 'latest'}"


def plan_rollout(rollout: dict[str, Any], now: float, speed: float, *,
                 external_index_change: bool = False) -> RolloutPlan:
    """Decide one reconcile of a canary Rollout at wall-clock time `now`.

    Args:
        rollout: The Rollout as read from the store.
        now: Wall-clock seconds (pause ``startTime`` values are compared with it).
        speed: Pause durations are divided by this.
        external_index_change: The step index was moved by someone else since our last write,
            so a ``controllerPause`` left from the previous pause does not mean "promoted".
    """
    spec = rollout.get("spec") or {}
    status = rollout.get("status") or {}
    canary = (spec.get("strategy") or {}).get("canary") or {}
    steps = [s for s in canary.get("steps") or [] if isinstance(s, dict)]
    raw_index = status.get("currentStepIndex")
    index = raw_index if isinstance(raw_index, int) and not isinstance(raw_index, bool) else 0
    index = max(0, min(len(steps), index))
    conditions = [c for c in status.get("pauseConditions") or [] if isinstance(c, dict)]
    controller_pause = status.get("controllerPause") is True and not external_index_change
    out: dict[str, Any] = {}
    if status.get("abort") is True:
        out.update(phase="Degraded", message=_revision_message(status), pauseConditions=None,
                   controllerPause=None, abortedAt=status.get("abortedAt") or rfc3339(now))
        return RolloutPlan(0, {**out, **_weights(canary, status, 0)})
    if status.get("abortedAt"):
        # abort: false after an abort is `kubectl argo rollouts retry`: start the steps again.
        index, conditions, controller_pause = 0, [], False
        out["abortedAt"] = None
    if status.get("promoteFull") is True:
        index, conditions, controller_pause = len(steps), [], False
        out["promoteFull"] = None
    if spec.get("paused") is True:
        phase, message = "Paused", "manually paused"
    else:
        index, conditions, controller_pause = _run_steps(steps, index, conditions, controller_pause,
                                                         now, speed)
        if index >= len(steps):
            phase, message = "Healthy", ""
            if status.get("currentPodHash"):
                out["stableRS"] = status["currentPodHash"]
        elif conditions:
            phase, message = "Paused", PAUSE_REASON
        else:
            phase, message = "Progressing", "more replicas need to be updated"
    weight = weight_at(steps, index)
    out.update(phase=phase, message=message, currentStepIndex=index,
               pauseConditions=conditions or None, controllerPause=True if controller_pause else None)
    return RolloutPlan(weight, {**out, **_weights(canary, {**status, **out}, weight)})


def _run_steps(steps: list[dict[str, Any]], index: int, conditions: list[dict[str, Any]],
               controller_pause: bool, now: float, speed: float
               ) -> tuple[int, list[dict[str, Any]], bool]:
    """Advance through the steps that are complete; stop at the first that holds."""
    for _ in range(len(steps) + 1):
        if index >= len(steps):
            return index, [], False
        step = steps[index]
        if "pause" not in step:
            # setWeight takes effect at once; analysis/experiment/scale steps are not simulated.
            index += 1
            continue
        held = next((c for c in conditions if c.get("reason") == PAUSE_REASON), None)
        if held is None:
            if controller_pause:
                # We paused here and someone cleared pauseConditions: promoted.
                index, controller_pause = index + 1, False
                continue
            return index, [{"reason": PAUSE_REASON, "startTime": rfc3339(now)}], True
        duration = (step.get("pause") or {}).get("duration")
        if duration is not None:
            started = parse_rfc3339(held.get("startTime"))
            if started is None or now >= started + parse_duration(duration, 0.0) / speed:
                index, conditions, controller_pause = index + 1, [], False
                continue
        return index, conditions, controller_pause
    return index, conditions, controller_pause


def _weights(canary: dict[str, Any], status: dict[str, Any], weight: int) -> dict[str, Any]:
    return {"canary": {"weights": {
        "canary": {"weight": weight, "serviceName": canary.get("canaryService"),
                   "podTemplateHash": status.get("currentPodHash")},
        "stable": {"weight": 100 - weight, "serviceName": canary.get("stableService"),
                   "podTemplateHash": status.get("stableRS")}}}}
