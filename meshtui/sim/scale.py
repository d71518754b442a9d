"""Synthetic scenarios of any size, built in memory for benchmarks (no YAML involved).

``scale_scenario(namespaces=20, services=3000, splits=1000, seed=1)`` gives 1,000 splits over
3,000 services: each split has an apex, a primary and a canary Service, alternating between
TrafficSplit (v1alpha1 / v1alpha2) and HTTPRoute (Gateway API / policy.linkerd.io), every fourth
one owned by a Flagger Canary and every fourth (offset) by an Argo Rollout.
"""

from __future__ import annotations

import random

from meshtui.sim.scenario import (
    BackendSpec,
    Behaviour,
    Call,
    ClientSpec,
    LatencyProfile,
    NamespaceSpec,
    OwnerRefSpec,
    OwnerSpec,
    Scenario,
    ScenarioError,
    ServiceSpec,
    SplitSpec,
)

_KINDS = (("TrafficSplit", "split.smi-spec.io/v1alpha1"), ("HTTPRoute", "gateway.networking.k8s.io/v1"),
          ("TrafficSplit", "split.smi-spec.io/v1alpha2"), ("HTTPRoute", "policy.linkerd.io/v1beta3"))


def _behaviour(rng: random.Random, worse: bool) -> Behaviour:
    p50 = rng.choice((2, 4, 8, 15, 30))
    # A few distinct profiles only: the simulator shares one latency sampler per profile.
    p95, p99 = p50 * rng.choice((2.5, 3, 4)), p50 * rng.choice((5, 6, 8))
    if worse:
        return Behaviour(rng.uniform(0.85, 0.97), LatencyProfile(p50 * 1.5, p95 * 2, p99 * 4), 500)
    return Behaviour(rng.uniform(0.995, 1.0), LatencyProfile(p50, p95, p99))


def scale_scenario(namespaces: int = 20, services: int = 3000, splits: int = 1000, seed: int = 1,
                   *, rps_per_split: float = 5.0) -> Scenario:
    """A scenario with `splits` splits over `services` services spread across `namespaces`.

    Args:
        namespaces: Number of meshed namespaces (``scale-000`` ...).
        services: Total Services; at least 3 per split (apex, primary, canary), the rest unsplit.
        splits: Number of splits.
        seed: Seed for behaviours, weights and rates.
        rps_per_split: Mean request rate sent to each apex (and to each unsplit service).

    Raises:
        ScenarioError: when there are fewer than 3 services per split or no namespace.
    """
    if namespaces < 1 or splits < 0 or services < 3 * splits:
        raise ScenarioError(f"scale scenario needs namespaces >= 1 and services >= 3 x splits, got "
                            f"namespaces={namespaces}, services={services}, splits={splits}")
    rng = random.Random(seed)
    ns_names = [f"scale-{i:03d}" for i in range(namespaces)]
    svc_specs: list[ServiceSpec] = []
    split_specs: list[SplitSpec] = []
    owners: list[OwnerSpec] = []
    calls: dict[str, list[Call]] = {ns: [] for ns in ns_names}
    for i in range(splits):
        ns = ns_names[i % namespaces]
        apex = f"app-{i:05d}"
        primary, canary = f"{apex}-primary", f"{apex}-canary"
        stable = _behaviour(rng, False)
        svc_specs += [ServiceSpec(ns, apex, primary, 8080, 8080, behaviour=stable),
                      ServiceSpec(ns, primary, primary, 8080, 8080, behaviour=stable),
                      ServiceSpec(ns, canary, canary, 8080, 8080, behaviour=_behaviour(rng, i % 5 == 0))]
        weight = rng.choice((0, 5, 10, 20, 25, 50))
        kind, api_version = _KINDS[i % len(_KINDS)]
        primary_weight: int | str = 100 - weight
        canary_weight: int | str = weight
        if api_version.endswith("v1alpha1"):
            primary_weight, canary_weight = f"{(100 - weight) * 10}m", f"{weight * 10}m"
        owner = None
        if i % 4 == 1:
            owner = OwnerRefSpec("Canary", apex)
            owners.append(OwnerSpec("Canary", "flagger.app/v1beta1", ns, apex,
                                    # Suspended: a measured cluster stays still (no stand-in steps).
                                    {"provider": "gatewayapi:v1", "suspend": True,
                                     "targetRef": {"kind": "Deployment", "name": apex},
                                     "service": {"name": apex, "port": 8080},
                                     "analysis": {"interval": "1m", "stepWeight": 10, "maxWeight": 50}},
                                    {"phase": "Progressing", "canaryWeight": weight}))
        elif i % 4 == 2:
            owner = OwnerRefSpec("Rollout", apex)
            owners.append(OwnerSpec("Rollout", "argoproj.io/v1alpha1", ns, apex,
                                    {"strategy": {"canary": {"canaryService": canary, "stableService": primary,
                                                             "steps": [{"setWeight": 20}, {"pause": {}}]}}},
                                    {"phase": "Paused", "currentStepIndex": 1}))
        split_specs.append(SplitSpec(kind, api_version, ns, apex, apex,
                                     (BackendSpec(primary, primary_weight), BackendSpec(canary, canary_weight)),
                                     8080, owner))
        calls[ns].append(Call(ns, apex, rng.uniform(0.5, 1.5) * rps_per_split))
    for j in range(services - 3 * splits):
        ns = ns_names[j % namespaces]
        name = f"svc-{j:05d}"
        svc_specs.append(ServiceSpec(ns, name, name, 8080, 8080, behaviour=_behaviour(rng, False)))
        calls[ns].append(Call(ns, name, rng.uniform(0.5, 1.5) * rps_per_split))
    clients = tuple(ClientSpec(ns, "loadgen", tuple(c)) for ns, c in calls.items() if c)
    return Scenario(
        name=f"scale-{namespaces}x{services}x{splits}",
        description=f"synthetic: {namespaces} namespaces, {services} services, {splits} splits (seed {seed})",
        namespaces=tuple(NamespaceSpec(ns) for ns in ns_names),
        services=tuple(svc_specs), clients=clients, splits=tuple(split_specs), owners=tuple(owners),
    )
