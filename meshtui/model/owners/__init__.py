"""Provides the owner kinds: the controllers meshtui recognises as driving a split's weights.

One module per kind (`flagger`, `argo`, `failover`), each an `OwnerKind` registered in
`registry`; the recipe "add a controller" in docs/design.md lists what a new one takes.
"""

from __future__ import annotations

from meshtui.model.owners._kind import (
    Claim,
    ControllerName,
    DisplayField,
    Owner,
    OwnerKind,
    OwnerResource,
    OwnerState,
)
from meshtui.model.owners.argo import GATEWAY_PLUGIN, ArgoRollouts, RolloutState
from meshtui.model.owners.failover import FailoverState, LinkerdFailover
from meshtui.model.owners.flagger import CanaryState, Flagger, Webhook
from meshtui.model.owners.registry import register

__all__ = [
    "GATEWAY_PLUGIN",
    "CanaryState",
    "Claim",
    "ControllerName",
    "DisplayField",
    "FailoverState",
    "Owner",
    "OwnerKind",
    "OwnerResource",
    "OwnerState",
    "RolloutState",
    "Webhook",
]

register(Flagger())
register(ArgoRollouts())
register(LinkerdFailover())
