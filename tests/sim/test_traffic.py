"""The traffic simulator: routing by the weights in the store, determinism, behaviours, scale."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from meshtui.model.signals import BackendKey
from meshtui.sim.apiserver import Store
from meshtui.sim.mesh import SimulatedMesh, seed_store
from meshtui.sim.scale import scale_scenario
from meshtui.sim.scenario import load_scenario
from meshtui.sim.scenario_objects import scenario_objects
from meshtui.sim.source import SimulatorSource
from meshtui.sim.traffic import TrafficSimulator
from tests.waiting import wait_for

ROUTE = ("gateway.networking.k8s.io/v1", "HTTPRoute", "test", "podinfo")


def _requests(traffic: TrafficSimulator) -> dict[str, int]:
    return {f"{b['namespace']}/{b['service']}": b["requests"] for b in traffic.truth()["backends"]}


def _run(traffic: TrafficSimulator, seconds: float, dt: float = 0.5) -> None:
    for _ in range(round(seconds / dt)):
        traffic.step(dt)


def _set_podinfo_weights(store: Any, primary: int, canary: int) -> None:
    route = store.get(*ROUTE)
    refs = route["spec"]["rules"][0]["backendRefs"]
    refs[0]["weight"], refs[1]["weight"] = primary, canary
    store.patch(*ROUTE, {"spec": {"rules": route["spec"]["rules"]}}, "merge")


def _canary_share(before: dict[str, int], after: dict[str, int]) -> float:
    canary = after["test/podinfo-canary"] - before["test/podinfo-canary"]
    primary = after["test/podinfo-primary"] - before["test/podinfo-primary"]
    return canary / (canary + primary)


def test_routing_follows_stored_weights(sim_mesh_manual: SimulatedMesh) -> None:
    traffic = sim_mesh_manual.traffic
    start = _requests(traffic)
    _run(traffic, 120)
    first = _requests(traffic)
    assert 0.07 < _canary_share(start, first) < 0.13  # stored weights are 90/10
    _set_podinfo_weights(sim_mesh_manual.store, 50, 50)
    _run(traffic, 120)
    second = _requests(traffic)
    assert 0.45 < _canary_share(first, second) < 0.55
    assert second["test/podinfo"] == 0  # the apex's own pods only get traffic without a split


def test_trafficsplit_quantity_weights_and_removal(sim_mesh_manual: SimulatedMesh) -> None:
    traffic, store = sim_mesh_manual.traffic, sim_mesh_manual.store
    key = ("split.smi-spec.io/v1alpha1", "TrafficSplit", "booksapp", "authors-split")
    before = _requests(traffic)
    _run(traffic, 200)
    mid = _requests(traffic)
    v1, v2 = (mid[f"booksapp/{s}"] - before[f"booksapp/{s}"] for s in ("authors", "authors-v2"))
    assert 0.2 < v2 / (v1 + v2) < 0.3  # "1500m" : "500m"
    store.patch(*key, {"spec": {"backends": [{"service": "authors", "weight": "0"},
                                             {"service": "authors-v2", "weight": "1"}]}}, "merge")
    _run(traffic, 30)
    after = _requests(traffic)
    assert after["booksapp/authors"] == mid["booksapp/authors"]
    assert after["booksapp/authors-v2"] > mid["booksapp/authors-v2"]
    store.delete(*key)
    _run(traffic, 30)
    final = _requests(traffic)
    assert final["booksapp/authors"] > after["booksapp/authors"]
    assert final["booksapp/authors-v2"] == after["booksapp/authors-v2"]


def test_same_seed_same_traffic() -> None:
    scenario = load_scenario("default")
    runs = []
    for _ in range(2):
        store = Store()
        seed_store(store, scenario)
        traffic = TrafficSimulator(scenario, store, seed=7, epoch=0.0)
        _run(traffic, 30, dt=0.1)
        runs.append((traffic.truth(), sorted((str(k.src.name), k.backend, k.status, c, g)
                                             for k, c, _, g in traffic.series())))
    assert runs[0] == runs[1]
    assert sum(b["requests"] for b in runs[0][0]["backends"]) > 500


def test_worse_canary_fails_about_seven_percent_and_is_slower(sim_mesh_manual: SimulatedMesh) -> None:
    traffic = sim_mesh_manual.traffic
    _set_podinfo_weights(sim_mesh_manual.store, 50, 50)
    _run(traffic, 600, dt=1.0)
    truth = {b["service"]: b for b in traffic.truth()["backends"] if b["namespace"] == "test"}
    canary = truth["podinfo-canary"]
    assert canary["requests"] > 3000
    error_rate = 1 - canary["successes"] / canary["requests"]
    assert 0.06 < error_rate < 0.08
    primary = truth["podinfo-primary"]
    assert primary["successes"] / primary["requests"] > 0.995
    snapshot = SimulatorSource(traffic).fetch([BackendKey("test", "podinfo-canary"),
                                               BackendKey("test", "podinfo-primary")], "5m")
    worse = snapshot.signals[BackendKey("test", "podinfo-canary")]
    better = snapshot.signals[BackendKey("test", "podinfo-primary")]
    assert worse.p99_ms is not None and better.p99_ms is not None
    assert worse.p99_ms > 3 * better.p99_ms


def test_realtime_weight_change_shows_in_traffic(sim_mesh: SimulatedMesh) -> None:
    traffic = sim_mesh.traffic
    wait_for(lambda: _requests(traffic)["test/podinfo-primary"] > 0, timeout=10, message="first traffic")
    _set_podinfo_weights(sim_mesh.store, 0, 100)
    base = _requests(traffic)
    wait_for(lambda: _requests(traffic)["test/podinfo-canary"] >= base["test/podinfo-canary"] + 10,
             timeout=10, message="canary traffic after the shift")
    # After the first tick that saw the patch, no request may reach the primary any more.
    settled = _requests(traffic)
    wait_for(lambda: _requests(traffic)["test/podinfo-canary"] >= settled["test/podinfo-canary"] + 20,
             timeout=10, message="more canary traffic")
    assert _requests(traffic)["test/podinfo-primary"] == settled["test/podinfo-primary"]


def test_scale_generator_builds_1000_splits() -> None:
    scenario = scale_scenario(namespaces=20, services=3000, splits=1000, seed=3)
    assert len(scenario.splits) == 1000
    assert len(scenario.services) == 3000
    assert len({s.namespace for s in scenario.services}) == 20
    kinds = {(s.kind, s.api_version) for s in scenario.splits}
    assert len(kinds) == 4
    assert sum(1 for s in scenario.splits if s.owner is not None) == 500
    assert scale_scenario(20, 3000, 1000, seed=3) == scenario
    # The traffic only needs the split objects from the store (pods come from the scenario).
    store = Store()
    for obj in scenario_objects(scenario):
        if obj["kind"] in ("Namespace", "TrafficSplit", "HTTPRoute"):
            obj["metadata"].pop("ownerReferences", None)
            store.create(obj)
    traffic = TrafficSimulator(scenario, store, seed=1)
    assert len(traffic.routing.routes) == 1000
    traffic.step(1.0)
    assert sum(b["requests"] for b in traffic.truth()["backends"]) > 1000


def test_the_simulator_reads_weights_itself_not_with_meshtuis_parser() -> None:
    """The data plane's own reading (issue 14): were the simulator to route with meshtui's
    `parse_split`, an end-to-end test could never catch a weight meshtui misreads."""
    import ast
    import inspect

    from meshtui.sim import traffic_routes
    from meshtui.sim.traffic_routes import read_split, sim_weight

    imported = {node.module for node in ast.walk(ast.parse(inspect.getsource(traffic_routes)))
                if isinstance(node, ast.ImportFrom)}
    assert not any(module and module.startswith("meshtui.model") for module in imported)
    assert [sim_weight(w) for w in ("500m", "1.5", "2k", 3, "1Ki", "-1", "abc", True, None)] == [
        Fraction(1, 2), Fraction(3, 2), Fraction(2000), Fraction(3), Fraction(1024), None, None, None, None]
    route = read_split({
        "apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
        "metadata": {"name": "r", "namespace": "n"},
        "spec": {"parentRefs": [{"name": "gw", "kind": "Gateway"}, {"name": "web", "kind": "Service"}],
                 "rules": [{"backendRefs": [{"name": "a"}, {"name": "b", "weight": 3},
                                            {"name": "c", "kind": "EgressNetwork", "weight": 5}]},
                           {"backendRefs": [{"name": "d", "weight": 9}]}]}})
    assert route.service == "web"
    assert route.backends == (("n", "a", Fraction(1)), ("n", "b", Fraction(3)))
