"""A made-up controller, declared in this one module as docs/design.md's "add a controller" says.

A `Promoter` (`example.io/v1`, resource `promoters`) names the TrafficSplit it drives in
`spec.splitName` and is paused with `spec.paused`. Nothing else in meshtui is edited for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from meshtui.model.owners import (
    Claim,
    ControllerName,
    DisplayField,
    OwnerKind,
    OwnerResource,
)
from meshtui.model.write_descriptions import MERGE_PATCH, ObjectTarget, PlannedWrite, Unavailable

CONTROLLER = "promoter"


@dataclass(frozen=True)
class PromoterState:
    """What a Promoter says."""

    name: str
    namespace: str
    split_name: str
    paused: bool
    phase: str


class Promoter(OwnerKind):
    """The made-up controller."""

    controller = CONTROLLER
    names = ControllerName("Acme Promoter", "Acme")
    kind = "Promoter"
    api_version = "example.io/v1"
    resource = OwnerResource("promoters", "example.io", "Promoter", "promoters", ("v1",))
    managers = frozenset({"acme-promoter"})
    state_type = PromoterState

    def parse(self, obj: dict[str, Any]) -> PromoterState:
        meta, spec = obj.get("metadata") or {}, obj.get("spec") or {}
        return PromoterState(str(meta.get("name", "")), str(meta.get("namespace", "")),
                             str(spec.get("splitName", "")), spec.get("paused") is True,
                             str((obj.get("status") or {}).get("phase", "")))

    def claims(self, state: PromoterState) -> Iterable[Claim]:
        return (Claim(frozenset({"TrafficSplit"}), state.namespace, state.split_name),) if state.split_name else ()

    def writes(self, state: PromoterState, action: str) -> list[PlannedWrite] | Unavailable:
        if action not in ("pause", "resume"):
            return Unavailable(action, "Acme Promoter only pauses")
        target = ObjectTarget("promoters", "example.io", "v1", "Promoter", state.namespace, state.name)
        paused = action == "pause"
        return [PlannedWrite(target, {"spec": {"paused": paused}}, MERGE_PATCH, "",
                             f"{action} Promoter {state.namespace}/{state.name}")]

    def toggle(self, state: PromoterState) -> str:
        return "resume" if state.paused else "pause"

    def can_pause(self, state: PromoterState) -> bool:
        return True

    def weights_warning(self, who: str, pause_hint: str, move_hint: str) -> str:
        return f"{who} owns this split: Acme Promoter rewrites its weights."

    def display_fields(self, state: PromoterState,
                       gates: Mapping[str, str] = MappingProxyType({})) -> tuple[DisplayField, ...]:
        return (DisplayField("drives", state.split_name), DisplayField("", "paused", "warn")) \
            if state.paused else (DisplayField("drives", state.split_name),)


CRD = {
    "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
    "metadata": {"name": "promoters.example.io"},
    "spec": {"group": "example.io", "scope": "Namespaced",
             "names": {"kind": "Promoter", "listKind": "PromoterList", "plural": "promoters",
                       "singular": "promoter"},
             "versions": [{"name": "v1", "served": True, "storage": True, "subresources": {"status": {}},
                           "schema": {"openAPIV3Schema": {"type": "object",
                                                          "x-kubernetes-preserve-unknown-fields": True}}}]},
}
"""The CRD a cluster serving Promoters has."""


def promoter(namespace: str, name: str, split_name: str) -> dict[str, Any]:
    """A Promoter object driving `split_name`."""
    return {"apiVersion": "example.io/v1", "kind": "Promoter",
            "metadata": {"name": name, "namespace": namespace},
            "spec": {"splitName": split_name}, "status": {"phase": "Steady"}}
