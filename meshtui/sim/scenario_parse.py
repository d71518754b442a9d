"""Field-by-field validation of scenario documents into `Scenario` values.

Every error names the path of the bad field (``splits[1].backends[0].weight``) so a scenario
author can fix the file without reading this code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from meshtui.sim.scenario import (
    DEFAULT_LINKERD,
    OLDEST_LINKERD,
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

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?(m|k|M|G|Ki|Mi|Gi|e[0-9]+)?$")
SPLIT_VERSIONS = {
    "TrafficSplit": ("split.smi-spec.io/v1alpha1", "split.smi-spec.io/v1alpha2",
                     "split.smi-spec.io/v1alpha3", "split.smi-spec.io/v1alpha4"),
    "HTTPRoute": ("gateway.networking.k8s.io/v1", "gateway.networking.k8s.io/v1beta1",
                  "policy.linkerd.io/v1beta2", "policy.linkerd.io/v1beta3"),
}
OWNER_VERSIONS = {"Canary": "flagger.app/v1beta1", "Rollout": "argoproj.io/v1alpha1"}


def parse_scenario(data: Any) -> Scenario:
    """Validate a decoded YAML document and build the `Scenario`.

    Raises:
        ScenarioError: naming the first invalid field.
    """
    doc = _mapping(data, "scenario")
    namespaces = tuple(_namespace(v, f"namespaces[{i}]") for i, v in enumerate(_list(doc, "namespaces", "")))
    known_ns = {ns.name for ns in namespaces}
    services = tuple(_service(v, f"services[{i}]", known_ns) for i, v in enumerate(_list(doc, "services", "")))
    svc_names = {(s.namespace, s.name) for s in services}
    _no_duplicates([(s.namespace, s.name) for s in services], "services")
    clients = tuple(_client(v, f"clients[{i}]", known_ns, svc_names)
                    for i, v in enumerate(_list(doc, "clients", "")))
    owners = tuple(_owner(v, f"owners[{i}]", known_ns) for i, v in enumerate(_list(doc, "owners", "")))
    owner_names = {(o.namespace, o.kind, o.name) for o in owners}
    splits = tuple(_split(v, f"splits[{i}]", known_ns, svc_names, owner_names)
                   for i, v in enumerate(_list(doc, "splits", "")))
    _no_duplicates([(s.namespace, s.kind, s.name) for s in splits], "splits")
    objects = []
    for i, obj in enumerate(_list(doc, "objects", "")):
        obj = _mapping(obj, f"objects[{i}]")
        for key in ("apiVersion", "kind", "metadata"):
            if key not in obj:
                raise ScenarioError(f"objects[{i}].{key}: required")
        _name(_mapping(obj["metadata"], f"objects[{i}].metadata"), f"objects[{i}].metadata", "name")
        objects.append(obj)
    return Scenario(
        name=_str(doc, "name", "", required=True),
        description=_str(doc, "description", "", default=""),
        cluster_domain=_str(doc, "clusterDomain", "", default="cluster.local"),
        control_plane_namespace=_str(doc, "controlPlaneNamespace", "", default="linkerd"),
        namespaces=namespaces, services=services, clients=clients, splits=splits,
        owners=owners, objects=tuple(objects), linkerd_version=_linkerd_version(doc),
    )


def _linkerd_version(doc: Mapping[str, Any]) -> str:
    """`linkerdVersion`: a string "2.N" with N at least 12 (a number would read 2.10 as 2.1)."""
    value = _str(doc, "linkerdVersion", "", default=DEFAULT_LINKERD)
    major, _, minor = value.partition(".")
    if major != "2" or not minor.isdigit() or not minor.isascii() or int(minor) < OLDEST_LINKERD:
        raise ScenarioError(f"linkerdVersion: must be a string \"2.N\" with N from {OLDEST_LINKERD} "
                            f"(e.g. \"2.14\"), got {value!r}")
    return f"2.{int(minor)}"


def _at(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mapping(value: Any, path: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise ScenarioError(f"{path}: must be a mapping, got {type(value).__name__}")
    return value


def _list(doc: Mapping[str, Any], key: str, path: str) -> list[Any]:
    value = doc.get(key, [])
    if value is None:
        return []
    if not isinstance(value, list):
        raise ScenarioError(f"{_at(path, key)}: must be a list, got {type(value).__name__}")
    return value


def _str(doc: Mapping[str, Any], key: str, path: str, *, required: bool = False,
         default: str | None = None) -> str:
    if key not in doc or doc[key] is None:
        if required or default is None:
            raise ScenarioError(f"{_at(path, key)}: required")
        return default
    value = doc[key]
    if not isinstance(value, str) or not value and required:
        raise ScenarioError(f"{_at(path, key)}: must be a non-empty string, got {value!r}")
    return value


def _name(doc: Mapping[str, Any], path: str, key: str = "name", default: str | None = None) -> str:
    value = _str(doc, key, path, required=default is None, default=default)
    if not _DNS_LABEL.match(value):
        raise ScenarioError(f"{_at(path, key)}: not a valid Kubernetes name: {value!r}")
    return value


def _number(doc: Mapping[str, Any], key: str, path: str, default: float | None, *,
            low: float = 0.0, high: float = float("inf")) -> float:
    value = doc.get(key, default)
    if value is None:
        raise ScenarioError(f"{_at(path, key)}: required")
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise ScenarioError(f"{_at(path, key)}: must be a number between {low:g} and {high:g}, got {value!r}")
    return float(value)


def _port(doc: Mapping[str, Any], key: str, path: str, default: int | None) -> int | None:
    value = doc.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise ScenarioError(f"{_at(path, key)}: must be a port number 1..65535, got {value!r}")
    return value


def _labels(doc: Mapping[str, Any], key: str, path: str) -> dict[str, str]:
    value = _mapping(doc.get(key) or {}, _at(path, key))
    for k, v in value.items():
        if not isinstance(k, str) or not isinstance(v, str):
            raise ScenarioError(f"{_at(path, key)}: keys and values must be strings, got {k!r}: {v!r}")
    return dict(value)


def _namespace_of(doc: Mapping[str, Any], path: str, known: set[str]) -> str:
    ns = _name(doc, path, "namespace")
    if ns not in known:
        raise ScenarioError(f"{_at(path, 'namespace')}: namespace {ns!r} is not declared under namespaces")
    return ns


def _no_duplicates(keys: list[tuple[str, ...]], path: str) -> None:
    seen: set[tuple[str, ...]] = set()
    for key in keys:
        if key in seen:
            raise ScenarioError(f"{path}: duplicate entry {'/'.join(key)}")
        seen.add(key)


def _namespace(value: Any, path: str) -> NamespaceSpec:
    doc = _mapping(value, path)
    meshed = doc.get("meshed", True)
    if not isinstance(meshed, bool):
        raise ScenarioError(f"{path}.meshed: must be true or false, got {meshed!r}")
    return NamespaceSpec(_name(doc, path), meshed, _labels(doc, "labels", path), _labels(doc, "annotations", path))


def _behaviour(value: Any, path: str) -> Behaviour:
    doc = _mapping(value or {}, path)
    latency = _mapping(doc.get("latencyMs") or {"p50": 5, "p95": 20, "p99": 40}, f"{path}.latencyMs")
    lpath = f"{path}.latencyMs"
    p50 = _number(latency, "p50", lpath, None, low=0.01)
    p95 = _number(latency, "p95", lpath, None, low=p50)
    p99 = _number(latency, "p99", lpath, None, low=p95)
    top = latency.get("max")
    max_ms = None if top is None else _number(latency, "max", lpath, None, low=p99)
    status = _port(doc, "failureStatus", path, 503)
    if status is None or not 400 <= status <= 599:
        raise ScenarioError(f"{path}.failureStatus: must be an HTTP status 400..599, got {status!r}")
    return Behaviour(_number(doc, "successRate", path, 0.999, high=1.0), LatencyProfile(p50, p95, p99, max_ms), status)


def _service(value: Any, path: str, known_ns: set[str]) -> ServiceSpec:
    doc = _mapping(value, path)
    name = _name(doc, path)
    deployment = _name(doc, path, "deployment", default=name)
    port = _port(doc, "port", path, 80)
    kind = _str(doc, "workloadKind", path, default="Deployment")
    if kind not in ("Deployment", "StatefulSet", "Rollout"):
        raise ScenarioError(f"{path}.workloadKind: must be Deployment, StatefulSet or Rollout, got {kind!r}")
    replicas = doc.get("replicas", 1)
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 0 <= replicas <= 100:
        raise ScenarioError(f"{path}.replicas: must be an integer 0..100, got {replicas!r}")
    meshed = doc.get("meshed", True)
    if not isinstance(meshed, bool):
        raise ScenarioError(f"{path}.meshed: must be true or false, got {meshed!r}")
    return ServiceSpec(
        namespace=_namespace_of(doc, path, known_ns), name=name, deployment=deployment,
        port=port or 80, target_port=_port(doc, "targetPort", path, port) or 80, replicas=replicas,
        service_account=_name(doc, path, "serviceAccount", default=deployment), workload_kind=kind,
        meshed=meshed, behaviour=_behaviour(doc.get("behaviour"), f"{path}.behaviour"),
        cluster=_name(doc, path, "cluster") if "cluster" in doc else "",
    )


def _service_ref(value: str, namespace: str, path: str, known: set[tuple[str, str]]) -> tuple[str, str]:
    ns, _, name = value.rpartition("/")
    ref = (ns or namespace, name)
    if ref not in known:
        raise ScenarioError(f"{path}: service {'/'.join(ref)!r} is not declared under services")
    return ref


def _client(value: Any, path: str, known_ns: set[str], services: set[tuple[str, str]]) -> ClientSpec:
    doc = _mapping(value, path)
    namespace = _namespace_of(doc, path, known_ns)
    calls = []
    for i, raw in enumerate(_list(doc, "calls", path)):
        cpath = f"{path}.calls[{i}]"
        call = _mapping(raw, cpath)
        ns, svc = _service_ref(_str(call, "service", cpath, required=True), namespace, f"{cpath}.service", services)
        calls.append(Call(ns, svc, _number(call, "rps", cpath, None, high=1e6)))
    if not calls:
        raise ScenarioError(f"{path}.calls: a client needs at least one call")
    replicas = doc.get("replicas", 1)
    if isinstance(replicas, bool) or not isinstance(replicas, int) or not 1 <= replicas <= 100:
        raise ScenarioError(f"{path}.replicas: must be an integer 1..100, got {replicas!r}")
    return ClientSpec(namespace, _name(doc, path), tuple(calls), replicas)


def _split(value: Any, path: str, known_ns: set[str], services: set[tuple[str, str]],
           owners: set[tuple[str, str, str]]) -> SplitSpec:
    doc = _mapping(value, path)
    kind = _str(doc, "kind", path, required=True)
    if kind not in SPLIT_VERSIONS:
        raise ScenarioError(f"{path}.kind: must be TrafficSplit or HTTPRoute, got {kind!r}")
    api_version = _str(doc, "apiVersion", path, default=SPLIT_VERSIONS[kind][0])
    if api_version not in SPLIT_VERSIONS[kind]:
        raise ScenarioError(f"{path}.apiVersion: {kind} must be one of {', '.join(SPLIT_VERSIONS[kind])}, "
                            f"got {api_version!r}")
    namespace = _namespace_of(doc, path, known_ns)
    name = _name(doc, path)
    service = _name(doc, path, "service", default=name)
    _service_ref(service, namespace, f"{path}.service", services)
    backends = []
    for i, raw in enumerate(_list(doc, "backends", path)):
        bpath = f"{path}.backends[{i}]"
        b = _mapping(raw, bpath)
        svc = _name(b, bpath, "service")
        _service_ref(svc, namespace, f"{bpath}.service", services)
        backends.append(BackendSpec(svc, _weight(b.get("weight"), f"{bpath}.weight", api_version),
                                    _port(b, "port", bpath, None)))
    if not backends:
        raise ScenarioError(f"{path}.backends: a split needs at least one backend")
    owner = None
    if doc.get("owner") is not None:
        o = _mapping(doc["owner"], f"{path}.owner")
        owner = OwnerRefSpec(_str(o, "kind", f"{path}.owner", required=True), _name(o, f"{path}.owner"))
        if (namespace, owner.kind, owner.name) not in owners:
            raise ScenarioError(f"{path}.owner: {owner.kind} {namespace}/{owner.name} is not declared under owners")
    return SplitSpec(kind, api_version, namespace, name, service, tuple(backends),
                     _port(doc, "port", path, None), owner, _labels(doc, "labels", path),
                     _labels(doc, "annotations", path))


def _weight(value: Any, path: str, api_version: str) -> int | str:
    if isinstance(value, bool) or value is None:
        raise ScenarioError(f"{path}: required, a non-negative integer or quantity, got {value!r}")
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and api_version.endswith("v1alpha1") and _QUANTITY.match(value):
        return value
    raise ScenarioError(f"{path}: must be a non-negative integer (quantity strings like '500m' only "
                        f"for v1alpha1 TrafficSplits), got {value!r}")


def _owner(value: Any, path: str, known_ns: set[str]) -> OwnerSpec:
    doc = _mapping(value, path)
    kind = _str(doc, "kind", path, required=True)
    if kind not in OWNER_VERSIONS:
        raise ScenarioError(f"{path}.kind: must be one of {', '.join(OWNER_VERSIONS)}, got {kind!r}")
    return OwnerSpec(kind, OWNER_VERSIONS[kind], _namespace_of(doc, path, known_ns), _name(doc, path),
                     dict(_mapping(doc.get("spec") or {}, f"{path}.spec")),
                     dict(_mapping(doc.get("status") or {}, f"{path}.status")), _labels(doc, "labels", path))
