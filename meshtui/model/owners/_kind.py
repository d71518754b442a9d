"""Provides what every owner kind declares: its controller, objects, marks, writes and display.

An owner kind is one controller meshtui recognises as driving a split's weights (Flagger's
Canary, Argo Rollouts' Rollout, linkerd-failover). Each lives in one module of this package,
subclasses `OwnerKind` and is registered in `meshtui.model.owners.registry`; nothing else in
meshtui names a controller.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from meshtui.model.write_descriptions import PlannedWrite, ProxyPost, Unavailable

if TYPE_CHECKING:
    from meshtui.model.split import Split

__all__ = ["Claim", "ControllerName", "DisplayField", "Owner", "OwnerKind", "OwnerResource", "OwnerState"]


class OwnerState(Protocol):
    """What every owner kind's state tells (`CanaryState`, `RolloutState`, `FailoverState`...)."""

    @property
    def name(self) -> str:
        """Name of the owning object."""
        ...

    @property
    def namespace(self) -> str:
        """Namespace of the owning object."""
        ...

    @property
    def phase(self) -> str:
        """The controller's phase of the owner (empty when not known yet)."""
        ...


@dataclass(frozen=True)
class Owner:
    """The controller that owns a split and rewrites its weights."""

    kind: str
    """`Canary`, `Rollout`, or whatever kind owns the object."""
    name: str
    """Name of the owning object; empty when only the controller is known (resolved by MeshState)."""
    api_version: str
    """API version of the owner, e.g. `flagger.app/v1beta1`."""
    controller: str
    """The controller's name (`flagger`, `argo-rollouts`, ...), or `other`."""
    namespace: str = ""
    """Namespace of the owning object when it is not the split's own (Argo's plugin `namespace`)."""


@dataclass(frozen=True)
class ControllerName:
    """How a controller meshtui drives is named on screen."""

    full: str
    """The product's name, e.g. "Argo Rollouts"."""
    short: str
    """A name for narrow columns, e.g. "Argo"."""


@dataclass(frozen=True)
class OwnerResource:
    """Where an owner kind's objects are listed and watched (a `kube.resources` entry)."""

    key: str
    """Resource key used across meshtui, e.g. `canaries`."""
    group: str
    """API group."""
    kind: str
    """Object kind."""
    plural: str
    """URL plural."""
    versions: tuple[str, ...]
    """Versions meshtui reads, most preferred first."""


@dataclass(frozen=True)
class Claim:
    """A split an owner object says it drives."""

    split_kinds: frozenset[str]
    """Split kinds the claim is about (`TrafficSplit`, `HTTPRoute`); empty: any kind."""
    namespace: str
    """Namespace of the split."""
    name: str
    """Name of the split."""
    explicit: bool = True
    """True when the owner names the split (Argo's `trafficSplitName`); False for a naming
    convention (Flagger's apex), which needs `backend` or `parents` to match a split that carries
    no mark of its own."""
    backend: str = ""
    """A backend the split has when it is the owner's (Flagger's `<apex>-primary`)."""
    parents: frozenset[str] = frozenset()
    """ParentRef names one of which the split has when it is the owner's (Flagger's gatewayRefs)."""

    def fits(self, split: Split) -> bool:
        """Whether a split that carries no mark of its own matches this claim."""
        if self.explicit:
            return True
        if self.backend and self.backend in {b.name for b in split.backends}:
            return True
        return bool(self.parents & _parent_names(split))


def _parent_names(split: Split) -> frozenset[str]:
    """Names in the split object's `spec.parentRefs` (none for a TrafficSplit)."""
    spec = split.obj.get("spec") if isinstance(split.obj, dict) else None
    refs = spec.get("parentRefs") if isinstance(spec, dict) else None
    if not isinstance(refs, list):
        return frozenset()
    return frozenset(ref["name"] for ref in refs
                     if isinstance(ref, dict) and isinstance(ref.get("name"), str))


@dataclass(frozen=True)
class DisplayField:
    """One field of the owner panel's state lines."""

    label: str
    """Label before the value ("" for a bare word such as "suspended")."""
    value: str
    """The value, cluster text shown literally."""
    tone: str = ""
    """Style: "", `ok`, `active`, `warn`, `bad` or `muted`."""
    new_line: bool = False
    """Start a new line before this field."""
    alone: bool = False
    """A line of its own without label or separator (a controller's message)."""


class OwnerKind:
    """One controller meshtui recognises: subclass, fill in the class attributes, register.

    The defaults describe a controller meshtui can only watch: no actions, no roles, no display
    beyond the phase.
    """

    controller: ClassVar[str]
    """The controller's name, e.g. `flagger` (the key of the registry)."""
    names: ClassVar[ControllerName]
    """How the controller is named on screen."""
    kind: ClassVar[str]
    """Kind of the owning object, e.g. `Canary`."""
    api_version: ClassVar[str]
    """API version meshtui reads the owning object at."""
    resource: ClassVar[OwnerResource | None] = None
    """Where owning objects are listed; None when the split itself is the owning object."""
    managers: ClassVar[frozenset[str]] = frozenset()
    """Field managers whose entry in a split's managedFields marks it as this controller's."""
    writers: ClassVar[frozenset[str]] = frozenset()
    """Every field manager the controller writes as (a revert by one of them names it)."""
    state_type: ClassVar[type]
    """Class of the state `parse` returns (how a state finds its kind)."""
    pause_stops_weights: ClassVar[bool] = False
    """Whether pausing the owner stops it setting the weights (Flagger's `spec.suspend`)."""
    phase_tones: ClassVar[Mapping[str, str]] = {}
    """Tones of this controller's phases (lower-cased phase → tone) beyond the shared ones."""

    def parse(self, obj: dict[str, Any]) -> Any:
        """Read an owning object (tolerant: a half-written object gives empty fields)."""
        raise NotImplementedError

    def claims(self, state: Any) -> Iterable[Claim]:
        """The splits an owning object says it drives."""
        return ()

    def mark(self, meta: dict[str, Any], kind: str, api_version: str) -> Owner | None:
        """An owner from a split's own labels or annotations (None: no mark of this controller)."""
        return None

    def owner_of_state(self, state: Any) -> Owner:
        """The `Owner` a parsed owning object stands for."""
        return Owner(self.kind, str(getattr(state, "name", "")), self.api_version, self.controller,
                     str(getattr(state, "namespace", "")))

    def writes(self, state: Any, action: str) -> list[PlannedWrite] | Unavailable:
        """The writes that ask the controller for `action` (pause, resume, promote...)."""
        return Unavailable(action, f"meshtui cannot ask {self.names.full} to {action}")

    def action_notes(self, action: str) -> tuple[str, ...]:
        """What the confirmation should add about how the controller carries out `action`."""
        return ()

    def toggle(self, state: Any) -> str:
        """`pause` or `resume`, whichever the owner's state calls for."""
        return "pause"

    def can_pause(self, state: Any) -> bool:
        """Whether the controller has a pause meshtui can ask for."""
        return False

    def gate_checks(self, state: Any) -> dict[str, ProxyPost]:
        """Gates to read for the owner panel (gate type → POST), none by default."""
        return {}

    def roles(self, state: Any) -> tuple[list[str], str]:
        """The stable service names and the canary service name the owner declares."""
        return [], ""

    def resets_weights(self, state: Any) -> bool:
        """Whether a manual weight change will be set back (False when the state says it won't)."""
        return True

    def weights_warning(self, who: str, pause_hint: str, move_hint: str) -> str:
        """What a manual weight change on a split this controller drives comes to."""
        return (f"{who} owns this split: {self.names.full} may set the weights back; "
                "edits may be reverted.")

    def display_fields(self, state: Any, gates: Mapping[str, str] = MappingProxyType({})
                       ) -> tuple[DisplayField, ...]:
        """The owner panel's fields after the phase (`gates`: gate states as last read)."""
        return ()

    def who(self, owner: Owner) -> str:
        """The owner as prose names it ("Canary podinfo", or the controller when unnamed)."""
        return f"{owner.kind} {owner.name}" if owner.name else self.controller

    def owner_text(self, owner: Owner) -> str:
        """The owner as `get splits` shows it in its OWNER column."""
        return f"{owner.kind}/{owner.name}"
