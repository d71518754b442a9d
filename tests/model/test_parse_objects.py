"""Splits parsed outside MeshState (in a watch thread) and swapped in by `replace` / `upsert`."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from meshtui.model import split as split_module
from meshtui.model.mesh import MeshState, parse_objects
from meshtui.model.owners import CanaryState
from meshtui.model.split import SplitRef
from tests.model.test_mesh import meta, route, service, ts

HTTPROUTES = "httproutes.gateway.networking.k8s.io"


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make any parse inside MeshState fail the test: it must only swap splits in."""
    def refuse(obj: dict[str, Any]) -> NoReturn:
        raise AssertionError(f"parsed {obj['metadata']['name']} again")

    monkeypatch.setattr("meshtui.model.mesh.parse_split", refuse)


def test_parsed_splits_are_swapped_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """A list and a change parsed beforehand are what splits() returns, the very same objects."""
    objects = [ts("a"), ts("b")]
    parsed = parse_objects("trafficsplits", objects)
    changed = ts("a", rv="2", weights=(50, 50))
    [changed_split] = parse_objects("trafficsplits", [changed]).values()
    _no_parsing(monkeypatch)
    state = MeshState()
    state.replace("trafficsplits", objects, parsed)
    assert [id(s) for s in state.splits()] == [id(parsed["prod", "a"]), id(parsed["prod", "b"])]
    state.upsert("trafficsplits", changed, changed_split)
    assert state.splits()[0] is changed_split
    assert [b.percent for b in state.splits()[0].backends] == [50.0, 50.0]


def test_same_splits_as_parsed_in_place() -> None:
    """parse_objects gives what MeshState parses itself, and nothing for objects that are no splits."""
    auth_route = route("authz", group="policy.linkerd.io")
    del auth_route["spec"]["parentRefs"], auth_route["spec"]["rules"]
    bare = route("bare")
    del bare["kind"], bare["apiVersion"]  # some list responses leave them out of their items
    objects: list[Any] = [route(), bare, auth_route, "not an object", None]
    parsed = parse_objects(HTTPROUTES, objects)
    assert sorted(parsed) == [("prod", "bare"), ("prod", "web-route")]
    state = MeshState()
    state.replace(HTTPROUTES, objects)
    assert sorted(parsed.values(), key=lambda s: s.name) == state.splits()
    assert parse_objects("services", [service("web")]) == {}


def test_a_failing_object_becomes_a_problem_on_its_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """An object that breaks the parser is a split saying so; the others are parsed as usual."""
    real = split_module.parse_split

    def breaks_on_bad(obj: dict[str, Any]) -> Any:
        if obj["metadata"]["name"] == "bad":
            raise RecursionError("too deep")
        return real(obj)

    monkeypatch.setattr("meshtui.model.mesh.parse_split", breaks_on_bad)
    parsed = parse_objects("trafficsplits", [ts("bad"), ts("good")])
    bad, good = parsed["prod", "bad"], parsed["prod", "good"]
    assert bad.problems == ("the object could not be read (RecursionError)",)
    assert (bad.kind, bad.group, bad.backends) == ("TrafficSplit", "split.smi-spec.io", ())
    assert good.problems == () and len(good.backends) == 2
    state = MeshState()
    state.replace("trafficsplits", [ts("bad"), ts("good")], parsed)
    assert [s.name for s in state.splits()] == ["bad", "good"]


def test_a_relist_keeps_the_split_of_an_unchanged_object(monkeypatch: pytest.MonkeyPatch) -> None:
    """Views reuse what they built by a split's identity: a re-list changes only changed splits."""
    state = MeshState()
    state.replace("trafficsplits", [ts("a"), ts("b")], parse_objects("trafficsplits", [ts("a"), ts("b")]))
    a_before, b_before = state.splits()
    relisted = [ts("a"), ts("b", rv="2", weights=(1, 1))]
    parsed = parse_objects("trafficsplits", relisted)
    _no_parsing(monkeypatch)
    state.replace("trafficsplits", relisted, parsed)
    a_after, b_after = state.splits()
    assert a_after is a_before
    assert b_after is parsed["prod", "b"] and b_after is not b_before


def test_splits_parsed_for_objects_not_in_the_list_are_ignored() -> None:
    """A parsed split only counts with its object: it cannot add a split of its own."""
    state = MeshState()
    state.replace("trafficsplits", [ts("a")], parse_objects("trafficsplits", [ts("a"), ts("ghost")]))
    assert [s.name for s in state.splits()] == ["a"]


def _canary(name: str, weight: int, rv: str = "1", target: str = "web") -> dict[str, Any]:
    """A Canary; its apex `web` is the split `ts()` (Flagger names the split after it)."""
    return {"apiVersion": "flagger.app/v1beta1", "kind": "Canary", "metadata": meta(name, rv=rv),
            "spec": {"targetRef": {"name": target}}, "status": {"phase": "Progressing", "canaryWeight": weight}}


def test_owner_states_parsed_beforehand_are_swapped_in(monkeypatch: pytest.MonkeyPatch) -> None:
    """Canaries parsed outside MeshState resolve owners and give owner states without any parse in it."""
    canaries = [_canary("web-canary", 10), _canary("other", 0, target="api")]
    parsed = parse_objects("canaries", canaries)
    assert all(isinstance(s, CanaryState) for s in parsed.values())
    changed = _canary("web-canary", 30, rv="2")
    [changed_state] = parse_objects("canaries", [changed]).values()

    def refuse(obj: dict[str, Any]) -> NoReturn:
        raise AssertionError(f"parsed canary {obj['metadata']['name']} in MeshState")

    state = MeshState()
    state.replace("trafficsplits", [ts(managedFields=[{"manager": "flagger"}])])
    monkeypatch.setattr(CanaryState, "from_object", classmethod(lambda cls, obj: refuse(obj)))
    state.replace("canaries", canaries, parsed)
    (split,) = state.splits()
    assert split.owner is not None and split.owner.name == "web-canary"
    assert state.owner_state(split) is parsed["prod", "web-canary"]
    state.upsert("canaries", changed, changed_state)
    assert state.owner_state(state.splits()[0]) is changed_state


def test_an_owner_object_that_breaks_its_parser_becomes_an_unreadable_state(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The broken Canary keeps its name and says it could not be read; the others parse as usual."""
    real = CanaryState.from_object.__func__  # type: ignore[attr-defined]

    def breaks_on_bad(cls: type[CanaryState], obj: dict[str, Any]) -> CanaryState:
        if obj.get("spec") == "boom":
            raise TypeError("unreadable")
        return real(cls, obj)

    monkeypatch.setattr(CanaryState, "from_object", classmethod(breaks_on_bad))
    bad = {**_canary("bad", 0), "spec": "boom"}
    parsed = parse_objects("canaries", [bad, _canary("web-canary", 10)])
    broken = parsed["prod", "bad"]
    assert isinstance(broken, CanaryState)
    assert (broken.name, broken.namespace, broken.phase) == ("bad", "prod", "unreadable (TypeError)")
    good = parsed["prod", "web-canary"]
    assert isinstance(good, CanaryState) and good.canary_weight == 10
    state = MeshState()
    state.replace("canaries", [bad])
    state.replace("trafficsplits", [ts(ownerReferences=[{"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
                                                          "name": "bad", "controller": True}])])
    owner_state = state.owner_state(state.splits()[0])
    assert owner_state is not None and owner_state.phase == "unreadable (TypeError)"


def test_a_relist_keeps_other_resources_and_unchanged_owner_states() -> None:
    """Listing Canaries again keeps the Rollouts' states, and an unchanged Canary's state."""
    rollout = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": meta("demo"),
               "spec": {"strategy": {"canary": {"trafficRouting": {"smi": {"trafficSplitName": "api"}}}}}}
    state = MeshState()
    state.replace("trafficsplits", [ts(), ts("api")])
    state.replace("rollouts", [rollout], parse_objects("rollouts", [rollout]))
    canaries = [_canary("web-canary", 10)]
    state.replace("canaries", canaries, parse_objects("canaries", canaries))
    web, api = (state.split(SplitRef("TrafficSplit", "split.smi-spec.io", "prod", name)) for name in ("web", "api"))
    assert web is not None and api is not None
    kept = state.owner_state(web)
    state.replace("canaries", [_canary("web-canary", 10)], None)
    assert state.owner_state(web) is kept
    owner = state.owner_state(api)
    assert owner is not None and owner.name == "demo"
