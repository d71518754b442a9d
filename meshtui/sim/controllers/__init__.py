"""Stand-ins for the Flagger, Argo Rollouts and linkerd-failover controllers (and Flagger's load tester).

They run inside the simulated mesh and honour the fields meshtui drives: Flagger's
``spec.suspend``, step weights, success-rate checks, ``confirm-promotion`` and ``rollback``
gates; Argo's steps, ``spec.paused``, promote, ``promoteFull``, ``abort`` and its habit of
re-applying its own weight over manual edits; linkerd-failover's readiness-driven weights on
TrafficSplits labelled ``failover.linkerd.io/controlled-by``. All writes go through the
apiserver `Store`.
"""

from __future__ import annotations

from meshtui.sim.controllers.argo import ArgoController
from meshtui.sim.controllers.base import ControllerError
from meshtui.sim.controllers.failover import FailoverController
from meshtui.sim.controllers.flagger import FlaggerController
from meshtui.sim.controllers.loadtester import LoadTester
from meshtui.sim.controllers.runner import DEFAULT_SPEED, Controllers

__all__ = ["DEFAULT_SPEED", "ArgoController", "ControllerError", "Controllers", "FailoverController",
           "FlaggerController", "LoadTester"]
