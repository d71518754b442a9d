"""Splits parsed outside MeshState (in a watch thread) and swapped in by `replace` / `upsert`."""

from __future__ import annotations

from typing import Any, NoReturn

import pytest

from meshtui.model import split as split_module
from meshtui.model.mesh import MeshState, parse_objects
from tests.model.test_mesh import route, service, ts

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
