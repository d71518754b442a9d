"""The stand-in linkerd-failover controller: weights follow the readiness of Endpoints."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from meshtui.model.split import parse_split
from meshtui.sim.mesh import SimulatedMesh

NS = "emojivoto"
SPLIT = ("split.smi-spec.io/v1alpha2", "TrafficSplit", NS, "emoji-failover")


def endpoints(name: str, ip: str, ready: bool = True) -> dict[str, Any]:
    """An Endpoints object with one address, ready or not (as the endpoints controller writes it)."""
    field = "addresses" if ready else "notReadyAddresses"
    return {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": NS},
            "subsets": [{field: [{"ip": ip}], "ports": [{"port": 8080}]}]}


def failover_split(labels: dict[str, str] | None = None, primary: str | None = "emoji-svc") -> dict[str, Any]:
    """A TrafficSplit shaped like linkerd-failover's README example."""
    meta: dict[str, Any] = {"name": SPLIT[3], "namespace": NS,
                            "labels": {"failover.linkerd.io/controlled-by": "linkerd-failover"}
                            if labels is None else labels}
    if primary is not None:
        meta["annotations"] = {"failover.linkerd.io/primary-service": primary}
    return {"apiVersion": SPLIT[0], "kind": "TrafficSplit", "metadata": meta,
            "spec": {"service": "emoji-svc", "backends": [
                {"service": "emoji-svc", "weight": 1},
                {"service": "emoji-svc-west", "weight": 1},
                {"service": "emoji-svc-east", "weight": 0}]}}


@pytest.fixture
def mesh() -> Iterator[SimulatedMesh]:
    """The default scenario plus ready fallbacks west and east, controllers stepped by hand."""
    simulated = SimulatedMesh(realtime=False, controller_speed=1.0)
    simulated.store.create(endpoints("emoji-svc-west", "10.43.0.2"))
    simulated.store.create(endpoints("emoji-svc-east", "10.43.0.3"))
    try:
        yield simulated
    finally:
        simulated.stop()


def step(mesh: SimulatedMesh) -> None:
    assert mesh.controllers is not None
    mesh.controllers.step(0.25)


def weights(mesh: SimulatedMesh) -> dict[str, int]:
    return {b["service"]: b["weight"] for b in mesh.store.get(*SPLIT)["spec"]["backends"]}


def set_ready(mesh: SimulatedMesh, name: str, ready: bool) -> None:
    current = mesh.store.get("v1", "Endpoints", NS, name)
    address = [{"ip": "10.42.9.9"}]
    subsets = [{"addresses": address} if ready else {"notReadyAddresses": address}]
    mesh.store.update({**current, "subsets": subsets})


def test_the_primary_alone_gets_the_weight_while_it_is_ready(mesh: SimulatedMesh) -> None:
    mesh.store.create(failover_split())
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 1, "emoji-svc-west": 0, "emoji-svc-east": 0}


def test_not_ready_primary_fails_over_to_every_ready_backend_and_back(mesh: SimulatedMesh) -> None:
    mesh.store.create(failover_split())
    step(mesh)
    set_ready(mesh, "emoji-svc", False)
    set_ready(mesh, "emoji-svc-east", False)
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 0, "emoji-svc-west": 1, "emoji-svc-east": 0}
    set_ready(mesh, "emoji-svc-east", True)
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 0, "emoji-svc-west": 1, "emoji-svc-east": 1}
    set_ready(mesh, "emoji-svc", True)
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 1, "emoji-svc-west": 0, "emoji-svc-east": 0}


def test_nothing_ready_sets_every_weight_to_zero(mesh: SimulatedMesh) -> None:
    mesh.store.create(failover_split())
    for name in ("emoji-svc", "emoji-svc-west", "emoji-svc-east"):
        set_ready(mesh, name, False)
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 0, "emoji-svc-west": 0, "emoji-svc-east": 0}


def test_a_manual_edit_is_reset_and_the_writer_is_its_field_manager(mesh: SimulatedMesh) -> None:
    mesh.store.create(failover_split())
    step(mesh)
    mesh.store.patch(*SPLIT, {"spec": {"backends": [
        {"service": "emoji-svc", "weight": 0}, {"service": "emoji-svc-west", "weight": 1},
        {"service": "emoji-svc-east", "weight": 0}]}}, "merge")
    step(mesh)
    obj = mesh.store.get(*SPLIT)
    assert weights(mesh) == {"emoji-svc": 1, "emoji-svc-west": 0, "emoji-svc-east": 0}
    assert "failover.linkerd.io" in {entry.get("manager") for entry in obj["metadata"]["managedFields"]}
    owner = parse_split(obj).owner
    assert owner is not None and owner.controller == "linkerd-failover"


@pytest.mark.parametrize("labels,primary", [
    ({}, "emoji-svc"),                                                   # not selected
    ({"failover.linkerd.io/controlled-by": "other-release"}, "emoji-svc"),  # another release's
    (None, None),                                                        # no primary: skipped
])
def test_splits_it_does_not_select_or_cannot_read_are_left_alone(
        mesh: SimulatedMesh, labels: dict[str, str] | None, primary: str | None) -> None:
    mesh.store.create(failover_split(labels, primary))
    step(mesh)
    assert weights(mesh) == {"emoji-svc": 1, "emoji-svc-west": 1, "emoji-svc-east": 0}
