"""Render the simulator's counters as Linkerd proxy metrics in the Prometheus text format.

One exporter stands for every proxy of the mesh, so each series also carries the labels that
linkerd-viz's scrape config would add from the pod (``namespace``, ``pod``, ``deployment`` or
``replicaset``, ``control_plane_ns``). Label sets follow linkerd2-proxy (see
``docs/scenarios.md``); counter families are declared under their full ``_total`` names, as the
0.0.4 text format expects.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from meshtui.sim.scenario import GRID_BOUNDS_MS, LINKERD_BOUNDS_MS, ROUTE_BOUNDS_MS
from meshtui.sim.scenario_objects import PodInfo
from meshtui.sim.traffic import CellKey, TrafficSimulator

Labels = tuple[tuple[str, str], ...]
_LINKERD_CELLS = [GRID_BOUNDS_MS.index(b) for b in LINKERD_BOUNDS_MS]
_ROUTE_CELLS = [GRID_BOUNDS_MS.index(b) for b in ROUTE_BOUNDS_MS]
_HELP = {
    "request_total": ("counter", "Total count of HTTP requests."),
    "response_latency_ms": ("histogram", "Elapsed times between a request's headers being received and its "
                                         "response stream completing"),
    "response_total": ("counter", "Total count of HTTP responses."),
    "outbound_http_route_backend_requests_total": ("counter", "The total number of requests dispatched."),
    "outbound_http_route_backend_response_statuses_total": ("counter", "Completed responses."),
    "outbound_http_route_backend_response_duration_seconds": (
        "histogram", "The time between request completion and response completion."),
}


def escape(value: str) -> str:
    """Escape a label value for the text format."""
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _fmt(labels: Labels) -> str:
    return ",".join(f'{k}="{escape(v)}"' for k, v in labels)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(round(value, 6))


_INVALID_LABEL_CHARS = re.compile(r"[^a-zA-Z0-9_]")


@lru_cache(maxsize=65536)
def scrape_labels(pod: PodInfo, control_plane: str) -> Labels:
    """Labels linkerd-viz's Prometheus attaches when scraping this pod's proxy.

    Its `linkerd-proxy` job's relabelling (viz/charts/linkerd-viz/templates/prometheus.yaml):
    `namespace` and `pod`; `linkerd.io/proxy-<owner>` pod labels as `<owner>` (`job` as
    `k8s_job`); other `linkerd.io/<x>` labels as `<x>`; then every other pod label, each name
    with its invalid characters as `_`.
    """
    out: dict[str, str] = {"namespace": pod.namespace, "pod": pod.name}
    labels = pod.labels(control_plane)
    proxy = {k[len("linkerd.io/proxy-"):]: v for k, v in labels.items() if k.startswith("linkerd.io/proxy-")}
    linkerd = {k[len("linkerd.io/"):]: v for k, v in labels.items()
               if k.startswith("linkerd.io/") and not k.startswith("linkerd.io/proxy-")}
    others = {k: v for k, v in labels.items() if not k.startswith("linkerd.io/")}
    for name, value in [*proxy.items(), *linkerd.items(), *others.items()]:
        name = "k8s_job" if name == "job" and name in proxy else _INVALID_LABEL_CHARS.sub("_", name)
        out.setdefault(name, value)
    return tuple(out.items())


def _identity(pod: PodInfo, domain: str) -> str:
    return f"{pod.service_account}.{pod.namespace}.serviceaccount.identity.linkerd.{domain}"


class _Family:
    """Accumulates counter cells of one label set: count, latency sum and grid counts."""

    def __init__(self) -> None:
        self.count = 0
        self.sum_ms = 0.0
        self.grid = [0] * (len(GRID_BOUNDS_MS) + 1)

    def add(self, count: int, sum_ms: float, grid: Iterable[int]) -> None:
        self.count += count
        self.sum_ms += sum_ms
        for i, c in enumerate(grid):
            self.grid[i] += c

    def cumulative(self, cells: list[int]) -> list[int]:
        out, running, start = [], 0, 0
        for end in cells:
            running += sum(self.grid[start:end + 1])
            start = end + 1
            out.append(running)
        return out


def render_metrics(traffic: TrafficSimulator) -> str:
    """The whole ``/metrics`` page for the current counters of `traffic`."""
    scenario = traffic.scenario
    domain, cp = scenario.cluster_domain, scenario.control_plane_namespace
    requests: dict[Labels, int] = defaultdict(int)
    responses: dict[tuple[Labels, int], _Family] = defaultdict(_Family)
    route_statuses: dict[tuple[Labels, int], _Family] = defaultdict(_Family)
    for key, count, sum_ms, grid in traffic.series():
        backend = traffic.backends[key.backend]
        svc = backend.service
        apex = scenario.service(*key.apex) if key.apex[1] and scenario.authority_is_apex else None
        authority = (f"{apex.name}.{apex.namespace}", apex.port) if apex is not None \
            else (f"{svc.name}.{key.dst.namespace}", svc.port)
        # An unmeshed backend has no proxy: no inbound series, and no identity to send TLS to.
        targets = [_outbound(key, svc.name, authority, svc.target_port, domain, cp, svc.meshed)]
        # A remote pod's inbound proxy is scraped by the other cluster's Prometheus.
        if svc.meshed and not key.dst.cluster:
            targets.append(_inbound(key, svc.target_port, domain, cp))
        for target in targets:
            requests[target] += count
            responses[(target, key.status)].add(count, sum_ms, grid)
        if key.route is not None and scenario.route_requests:
            route_statuses[(_route(key, svc.name, svc.port, cp), key.status)].add(count, sum_ms, grid)
    lines: list[str] = []
    _header(lines, "request_total")
    lines.extend(f"request_total{{{_fmt(t)}}} {n}" for t, n in requests.items())
    _header(lines, "response_latency_ms")
    for (target, status), fam in responses.items():
        base = _fmt((*target, ("status_code", str(status))))
        for bound, value in zip(LINKERD_BOUNDS_MS, fam.cumulative(_LINKERD_CELLS)):
            lines.append(f'response_latency_ms_bucket{{{base},le="{_number(bound)}"}} {value}')
        lines.append(f'response_latency_ms_bucket{{{base},le="+Inf"}} {fam.count}')
        lines.append(f"response_latency_ms_count{{{base}}} {fam.count}")
        lines.append(f"response_latency_ms_sum{{{base}}} {round(fam.sum_ms)}")
    _header(lines, "response_total")
    for (target, status), fam in responses.items():
        cls = "success" if status < 500 else "failure"
        labels = (*target, ("status_code", str(status)), ("classification", cls), ("grpc_status", ""), ("error", ""))
        lines.append(f"response_total{{{_fmt(labels)}}} {fam.count}")
    if scenario.route_requests:
        _route_families(lines, route_statuses, scenario.route_responses)
    lines.append("# EOF")
    return "\n".join(lines) + "\n"


def _route_families(lines: list[str], statuses: dict[tuple[Labels, int], _Family],
                    responses: bool) -> None:
    """The route-backend families: requests (Linkerd 2.14 on), then with `responses` (2.16 on)
    the response statuses and durations."""
    per_backend: dict[Labels, _Family] = defaultdict(_Family)
    for (labels, _), fam in statuses.items():
        per_backend[labels].add(fam.count, fam.sum_ms, fam.grid)
    _header(lines, "outbound_http_route_backend_requests_total")
    lines.extend(f"outbound_http_route_backend_requests_total{{{_fmt(lb)}}} {fam.count}"
                 for lb, fam in per_backend.items())
    if not responses:
        return
    _header(lines, "outbound_http_route_backend_response_statuses_total")
    for (labels, status), fam in statuses.items():
        full = (*labels, ("http_status", str(status)), ("error", ""))
        lines.append(f"outbound_http_route_backend_response_statuses_total{{{_fmt(full)}}} {fam.count}")
    name = "outbound_http_route_backend_response_duration_seconds"
    _header(lines, name)
    for labels, fam in per_backend.items():
        base = _fmt(labels)
        for bound, value in zip(ROUTE_BOUNDS_MS, fam.cumulative(_ROUTE_CELLS)):
            lines.append(f'{name}_bucket{{{base},le="{_seconds(bound)}"}} {value}')
        lines.append(f'{name}_bucket{{{base},le="+Inf"}} {fam.count}')
        lines.append(f"{name}_count{{{base}}} {fam.count}")
        lines.append(f"{name}_sum{{{base}}} {_number(fam.sum_ms / 1000)}")


def _seconds(ms: float) -> str:
    # prometheus-client (Rust) renders float bounds with at least one decimal: "0.025", "1.0", "10.0".
    text = repr(ms / 1000)
    return text if "." in text else f"{text}.0"


def _header(lines: list[str], name: str) -> None:
    kind, text = _HELP[name]
    lines.append(f"# HELP {name} {text}")
    lines.append(f"# TYPE {name} {kind}")


def _outbound(key: CellKey, service: str, authority: tuple[str, int], target_port: int, domain: str,
              cp: str, meshed: bool = True) -> Labels:
    """The outbound labels of a cell: `authority` is the Service the client called (a split's
    apex) as `name.namespace` with its port, the `dst_*` labels the backend the request went to."""
    dst = key.dst
    dst_labels = [("dst_control_plane_ns", cp), (f"dst_{dst.owner_label}", dst.workload),
                  ("dst_namespace", dst.namespace), ("dst_pod", dst.name)]
    # The destination's pod labels, as the destination controller reports them.
    if dst.workload_kind == "Deployment":
        dst_labels.append(("dst_pod_template_hash", dst.template_hash))
    dst_labels += [("dst_service", service), ("dst_serviceaccount", dst.service_account), ("dst_zone", ""),
                   ("dst_zone_locality", "unknown")]
    called, port = authority
    tls = ((("tls", "true"), ("server_id", _identity(dst, domain))) if meshed
           else (("tls", "no_identity"), ("no_tls_reason", "not_provided_by_service_discovery")))
    return (("direction", "outbound"), ("authority", f"{called}.svc.{domain}:{port}"),
            ("target_addr", f"{dst.ip}:{target_port}"), ("target_ip", dst.ip), ("target_port", str(target_port)),
            *tls, *dst_labels, *scrape_labels(key.src, cp))


def _inbound(key: CellKey, target_port: int, domain: str, cp: str) -> Labels:
    dst, port = key.dst, str(target_port)
    return (("direction", "inbound"), ("target_addr", f"{dst.ip}:{port}"), ("target_ip", dst.ip),
            ("target_port", port), ("tls", "true"), ("client_id", _identity(key.src, domain)),
            ("srv_group", ""), ("srv_kind", "default"), ("srv_name", "all-unauthenticated"), ("srv_port", port),
            ("route_group", ""), ("route_kind", "default"), ("route_name", "default"), ("authz_group", ""),
            ("authz_kind", "default"), ("authz_name", "all-unauthenticated"), *scrape_labels(dst, cp))


def _route(key: CellKey, service: str, port: int, cp: str) -> Labels:
    route = key.route
    if route is None:
        raise ValueError("route labels asked for a cell without an HTTPRoute")
    parent_port = "" if route.parent_port is None else str(route.parent_port)
    return (("parent_group", "core"), ("parent_kind", "Service"), ("parent_namespace", route.parent_namespace),
            ("parent_name", route.parent_name), ("parent_port", parent_port), ("parent_section_name", ""),
            ("route_group", route.group), ("route_kind", "HTTPRoute"), ("route_namespace", route.namespace),
            ("route_name", route.name), ("backend_group", "core"), ("backend_kind", "Service"),
            ("backend_namespace", key.dst.namespace), ("backend_name", service), ("backend_port", str(port)),
            ("backend_section_name", ""), *scrape_labels(key.src, cp))
