"""Provides the linkerd-failover owner kind: a TrafficSplit that linkerd-failover drives itself.

linkerd-failover watches the TrafficSplits labelled `failover.linkerd.io/controlled-by` (the
Helm chart's selector value is the release name, `linkerd-failover` by default) that carry the
annotation `failover.linkerd.io/primary-service`. On every change of such a split, and of the
Endpoints of its backends, it sets the weights from readiness: weight 1 on the primary alone
while it has ready endpoints, else 1 on every ready secondary and 0 elsewhere. It patches as
field manager `failover.linkerd.io`. A split without the annotation is skipped.

There is no separate owning object: the split is its own owner record, and the owner is named
after it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from meshtui.model._fields import as_dict, as_list, as_str, metadata, string_map
from meshtui.model.owners._kind import ControllerName, DisplayField, Owner, OwnerKind
from meshtui.model.write_descriptions import PlannedWrite, Unavailable
from meshtui.model.quantity import QuantityError, parse_quantity

__all__ = ["CONTROLLED_BY", "LINKERD_FAILOVER", "PRIMARY_ANNOTATION", "FailoverState", "LinkerdFailover"]

LINKERD_FAILOVER = "linkerd-failover"
"""Controller name of linkerd-failover."""
CONTROLLED_BY = "failover.linkerd.io/controlled-by"
"""Label selecting the TrafficSplits linkerd-failover drives."""
PRIMARY_ANNOTATION = "failover.linkerd.io/primary-service"
"""Annotation naming the backend that gets all traffic while it is ready."""
FIELD_MANAGER = "failover.linkerd.io"
"""Field manager of linkerd-failover's patches."""


@dataclass(frozen=True)
class FailoverState:
    """What a failover TrafficSplit says about where its traffic goes."""

    name: str
    """Name of the TrafficSplit."""
    namespace: str
    """Namespace of the TrafficSplit."""
    primary: str
    """The primary service (empty: no annotation, so linkerd-failover skips the split)."""
    backends: tuple[str, ...]
    """Backend services, in order."""
    serving: tuple[str, ...]
    """Backends with a weight above zero."""
    phase: str
    """`Primary`, `FailedOver`, `NoBackend` or `Unconfigured`."""

    @classmethod
    def from_object(cls, obj: dict[str, Any]) -> FailoverState:
        """Read a labelled TrafficSplit (weights as integers or quantities)."""
        meta = metadata(obj)
        primary = string_map(meta.get("annotations")).get(PRIMARY_ANNOTATION, "")
        entries = [as_dict(item) for item in as_list(as_dict(obj.get("spec")).get("backends"))]
        backends = tuple(as_str(entry.get("service")) for entry in entries)
        serving = tuple(as_str(entry.get("service")) for entry in entries if _positive(entry.get("weight")))
        if not primary:
            phase = "Unconfigured"
        elif not serving:
            phase = "NoBackend"
        elif serving == (primary,):
            phase = "Primary"
        else:
            phase = "FailedOver"
        return cls(as_str(meta.get("name")), as_str(meta.get("namespace")), primary, backends,
                   serving, phase)


def _positive(weight: Any) -> bool:
    """Whether a TrafficSplit weight is above zero (unreadable counts as zero)."""
    if isinstance(weight, bool) or not isinstance(weight, (int, float, str)):
        return False
    try:
        return parse_quantity(weight) > 0
    except QuantityError:
        return False


class LinkerdFailover(OwnerKind):
    """linkerd-failover: a labelled TrafficSplit whose weights follow its backends' readiness."""

    controller = LINKERD_FAILOVER
    names = ControllerName("linkerd-failover", "Failover")
    kind = "TrafficSplit"
    api_version = "split.smi-spec.io/v1alpha2"
    writers = frozenset({FIELD_MANAGER})
    state_type = FailoverState
    phase_tones = MappingProxyType({"primary": "ok", "failedover": "warn", "nobackend": "bad",
                                    "unconfigured": "muted"})

    def parse(self, obj: dict[str, Any]) -> FailoverState:
        """Read the split itself."""
        return FailoverState.from_object(obj)

    def mark(self, meta: dict[str, Any], kind: str, api_version: str) -> Owner | None:
        """The `failover.linkerd.io/controlled-by` label on a TrafficSplit."""
        if kind != "TrafficSplit" or not string_map(meta.get("labels")).get(CONTROLLED_BY):
            return None
        return Owner(kind="TrafficSplit", name=as_str(meta.get("name")),
                     api_version=api_version or self.api_version, controller=LINKERD_FAILOVER)

    def writes(self, state: FailoverState, action: str) -> list[PlannedWrite] | Unavailable:
        """linkerd-failover takes no requests: it follows readiness only."""
        if action in ("pause", "resume"):
            return Unavailable(action, f"linkerd-failover has no pause: it stops driving {state.name} "
                                       f"when the {CONTROLLED_BY} label is removed")
        return Unavailable(action, "linkerd-failover moves traffic by readiness alone: it sends "
                                   "everything to the primary while it is ready")

    def roles(self, state: FailoverState) -> tuple[list[str], str]:
        """The primary is stable; there is no canary."""
        return ([state.primary] if state.primary else []), ""

    def resets_weights(self, state: FailoverState) -> bool:
        """Only a split with a primary is acted on."""
        return bool(state.primary)

    def weights_warning(self, who: str, pause_hint: str, move_hint: str) -> str:
        """linkerd-failover resets the weights from readiness."""
        return ("linkerd-failover owns this split: it resets the weights from its backends' "
                "readiness when readiness changes, and as soon as it sees this change. To keep "
                f"manual weights, remove the {CONTROLLED_BY} label first.")

    def display_fields(self, state: FailoverState,
                       gates: Mapping[str, str] = MappingProxyType({})) -> tuple[DisplayField, ...]:
        """The primary and the backends now serving."""
        return (DisplayField("primary", state.primary or f"none (no {PRIMARY_ANNOTATION}: not acted on)",
                             "" if state.primary else "warn"),
                DisplayField("serving", ", ".join(state.serving) or "none",
                             "" if state.serving else "bad"))

    def who(self, owner: Owner) -> str:
        """The controller itself: the split is its own owner record."""
        return LINKERD_FAILOVER

    def owner_text(self, owner: Owner) -> str:
        """The controller's name (the split would only name itself)."""
        return LINKERD_FAILOVER
