"""PromQL text: validated names, escaped label values, matchers and the batched query builders.

Every query meshtui sends is built here. Kubernetes names are validated before they are
placed into a query and every label value is escaped, so nothing that comes from the cluster
can change the structure of a query. The builders are batched: one query covers every backend
(grouped `by` the key labels and filtered with a single regex over validated names), so the
number of queries per refresh does not depend on the number of backends or splits.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from meshtui.model.signals import LATENCY_SIGNALS
from meshtui.model.windows import WINDOW_SECONDS, WINDOWS

MAX_REGEX_CHARS = 2000
"""Beyond this, a name filter is dropped (fetch everything, pick client-side) to keep URLs short."""

LEGACY_KEY_LABELS: tuple[str, ...] = ("dst_namespace", "dst_service")
ROUTE_KEY_LABELS: tuple[str, ...] = (
    "parent_namespace", "parent_name", "route_name", "backend_namespace", "backend_name",
)

_DNS1123_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
_DNS1123_SUBDOMAIN = re.compile(rf"{_DNS1123_LABEL}(\.{_DNS1123_LABEL})*")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_OPERATORS = ("=", "!=", "=~", "!~")


class InvalidName(ValueError):
    """A Kubernetes object name that is not a valid DNS-1123 name, refused before any PromQL."""


class InvalidWindow(ValueError):
    """A rate window that is not one of `WINDOWS`."""


def validate_name(name: object, what: str = "name") -> str:
    """Check that `name` is a Kubernetes DNS-1123 name (subdomain form) and return it.

    Args:
        name: The candidate name, e.g. a namespace or Service name read from a split.
        what: What the name is, for the error message (`"namespace"`, `"service"`, ...).

    Returns:
        The name, unchanged.

    Raises:
        InvalidName: When `name` is not a string, is empty, longer than 253 characters, or
            contains anything but lowercase letters, digits, `-` and `.` in the DNS-1123 shape.
    """
    if not isinstance(name, str):
        raise InvalidName(f"invalid {what} {name!r}: not a string")
    if not name:
        raise InvalidName(f"invalid {what}: empty")
    if len(name) > 253:
        raise InvalidName(f"invalid {what} {name[:40]!r}...: longer than 253 characters")
    if not _dns1123(name):
        raise InvalidName(
            f"invalid {what} {name!r}: must be a DNS-1123 name (lowercase letters, digits, '-', '.')"
        )
    return name


@lru_cache(maxsize=16384)
def _dns1123(name: str) -> bool:
    """Whether `name` has the DNS-1123 subdomain shape; cached, as every refresh checks the same
    few thousand backend names."""
    return bool(_DNS1123_SUBDOMAIN.fullmatch(name)) and all(len(p) <= 63 for p in name.split("."))


def validate_window(window: object) -> str:
    """Return `window` if it is one of `WINDOWS`, else raise `InvalidWindow`."""
    if window not in WINDOWS:
        raise InvalidWindow(f"invalid rate window {window!r}: expected one of {', '.join(WINDOWS)}")
    return str(window)


def escape_label_value(value: str) -> str:
    """Escape a label value for a double-quoted PromQL string (backslash, quote, newline)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def duration(seconds: float) -> str:
    """Render a positive number of seconds as a PromQL duration (`"90s"`), rounded up."""
    whole = max(1, int(-(-seconds // 1)))
    return f"{whole}s"


@dataclass(frozen=True)
class Matcher:
    """One label matcher, e.g. `dst_service=~"a|b"`."""

    label: str
    op: str
    value: str

    def __post_init__(self) -> None:
        if not _LABEL_NAME.fullmatch(self.label):
            raise ValueError(f"invalid label name {self.label!r}")
        if self.op not in _OPERATORS:
            raise ValueError(f"invalid matcher operator {self.op!r}")

    def render(self) -> str:
        """The matcher as PromQL text, with the value escaped."""
        return f'{self.label}{self.op}"{escape_label_value(self.value)}"'


def selector(metric: str, matchers: Iterable[Matcher]) -> str:
    """Render `metric{m1, m2}` (or the bare metric name when there are no matchers)."""
    if not _LABEL_NAME.fullmatch(metric):
        raise ValueError(f"invalid metric name {metric!r}")
    body = ", ".join(m.render() for m in matchers)
    return f"{metric}{{{body}}}" if body else metric


def names_regex(names: Iterable[str], what: str = "name") -> str:
    """A fully anchored PromQL regex matching exactly the given validated names.

    The names are validated, de-duplicated and sorted so the same set always gives the same
    query; `.` is the only regex metacharacter a DNS-1123 name can hold and it is escaped.
    """
    unique = sorted({validate_name(n, what) for n in names})
    return "|".join(n.replace(".", "\\.") for n in unique)


def name_filter(label: str, names: Iterable[str], what: str = "name") -> list[Matcher]:
    """A one-element matcher list filtering `label` to `names`, or `[]` when too long or empty."""
    regex = names_regex(names, what)
    if not regex or len(regex) > MAX_REGEX_CHARS:
        return []
    return [Matcher(label, "=~", regex)]


@dataclass(frozen=True)
class Scope:
    """Which names the batched queries are restricted to (all validated).

    Attributes:
        namespaces: Backend namespaces.
        services: Backend Service names.
        routes: HTTPRoute names (empty when no target comes from an HTTPRoute).
    """

    namespaces: frozenset[str]
    services: frozenset[str]
    routes: frozenset[str] = frozenset()

    def legacy_matchers(self) -> list[Matcher]:
        """Matchers for the legacy `response_*` family (outbound, by destination)."""
        return [
            Matcher("direction", "=", "outbound"),
            *name_filter("dst_namespace", self.namespaces, "namespace"),
            *name_filter("dst_service", self.services, "service"),
        ]

    def route_matchers(self) -> list[Matcher]:
        """Matchers for the `outbound_http_route_backend_*` family."""
        return [
            *name_filter("route_name", self.routes, "route"),
            *name_filter("backend_namespace", self.namespaces, "namespace"),
            *name_filter("backend_name", self.services, "service"),
        ]


LEGACY_RESPONSES = "response_total"
"""Outbound responses by destination Service, every Linkerd since 2.0 (what `linkerd viz stat`,
Grafana's Linkerd dashboards and Flagger read)."""
LEGACY_LATENCY = "response_latency_ms"
"""The legacy latency histogram, in milliseconds, with bounds from 1 ms (the finest there is)."""
HTTP_ROUTE_STATUSES = "outbound_http_route_backend_response_statuses_total"
"""Responses per HTTPRoute backend, Linkerd 2.16 on (2.14 and 2.15 export only requests)."""
GRPC_ROUTE_STATUSES = "outbound_grpc_route_backend_response_statuses_total"
"""Responses per GRPCRoute backend, Linkerd 2.16 on; labelled with `grpc_status`."""
HTTP_ROUTE_DURATION = "outbound_http_route_backend_response_duration_seconds"
"""Response durations per HTTPRoute backend, in seconds; its first bound is 25 ms."""
GRPC_ROUTE_DURATION = "outbound_grpc_route_backend_response_duration_seconds"
"""Response durations per GRPCRoute backend, in seconds."""
ROUTE_KIND_FAMILIES: dict[str, tuple[str, str]] = {
    "HTTPRoute": (HTTP_ROUTE_STATUSES, HTTP_ROUTE_DURATION),
    "GRPCRoute": (GRPC_ROUTE_STATUSES, GRPC_ROUTE_DURATION),
}
"""The route-backend families of each route kind (`route_kind` label): statuses, durations."""


def _sum_rate(metric: str, matchers: Sequence[Matcher], by: Sequence[str], rng: str) -> str:
    return f"sum by ({', '.join(by)}) (rate({selector(metric, matchers)}[{rng}]))"


def legacy_responses(scope: Scope, rng: str) -> str:
    """Per-backend response rate by classification (legacy family, works for every split).

    The proxy classifies a gRPC response with a `grpc-status` other than 0 as a failure here.
    """
    return _sum_rate(LEGACY_RESPONSES, scope.legacy_matchers(),
                     (*LEGACY_KEY_LABELS, "classification"), rng)


def legacy_latency_buckets(scope: Scope, rng: str) -> str:
    """Per-backend latency bucket rates in milliseconds (what `legacy_latency` summarises)."""
    return _sum_rate(f"{LEGACY_LATENCY}_bucket", scope.legacy_matchers(),
                     ("le", *LEGACY_KEY_LABELS), rng)


LATENCY_QUANTILES: tuple[float, ...] = tuple(
    spec.quantile for spec in LATENCY_SIGNALS if spec.quantile is not None)
"""The quantiles a latency query asks for, as the latency signals declare them."""
STAT_LABEL = "meshtui_stat"
"""Label added to each series of a latency query: which figure of the histogram it carries
(a quantile, as `quantile_stat` renders it, or `BUCKETS_STAT`)."""
BUCKETS_STAT = "buckets"
"""`STAT_LABEL` value of the series counting a histogram's buckets (its resolution)."""


def quantile_stat(q: float) -> str:
    """The `STAT_LABEL` value of quantile `q` (``"0.95"``)."""
    return f"{q:g}"


def _tagged(expr: str, stat: str) -> str:
    return f'label_replace({expr}, "{STAT_LABEL}", "{escape_label_value(stat)}", "", "")'


def _latency(buckets: str, by: Sequence[str], count_of: str, count_by: Sequence[str]) -> str:
    """Each of `LATENCY_QUANTILES` of the histograms in `buckets` per `by`, and the bucket count
    of `count_of` per `count_by`, in one query (the series told apart by `STAT_LABEL`).

    Prometheus computes the quantiles (`histogram_quantile`) instead of sending every bucket of
    every backend: about a fifth of the series, and no interpolation here. The bucket count is
    how fine each histogram is, for `meshtui.metrics.aggregate.finest`.
    """
    parts = [_tagged(f"histogram_quantile({quantile_stat(q)}, {buckets})", quantile_stat(q))
             for q in LATENCY_QUANTILES]
    parts.append(_tagged(f"count by ({', '.join(count_by)}) ({count_of})", BUCKETS_STAT))
    return " or ".join(parts)


def legacy_latency(scope: Scope, rng: str) -> str:
    """Per-backend latency quantiles in milliseconds and bucket counts (legacy histogram)."""
    buckets = legacy_latency_buckets(scope, rng)
    return _latency(buckets, LEGACY_KEY_LABELS, buckets, LEGACY_KEY_LABELS)


def route_statuses(scope: Scope, rng: str) -> str:
    """Per-route-backend response rate by status and `error`, HTTPRoutes and GRPCRoutes alike.

    One query over both kinds' families (`or`): grouping by `route_kind` keeps an HTTPRoute's
    series from hiding a GRPCRoute's of the same name, and `grpc_status` says which gRPC
    responses failed (their `http_status` is 200).
    """
    by = (*ROUTE_KEY_LABELS, "route_kind", "http_status", "grpc_status", "error")
    return " or ".join(_sum_rate(family, scope.route_matchers(), by, rng)
                       for family in (HTTP_ROUTE_STATUSES, GRPC_ROUTE_STATUSES))


def route_duration_buckets(scope: Scope, rng: str) -> str:
    """Per-route-backend duration bucket rates in seconds, both route kinds (by `route_kind`)."""
    by = ("le", *ROUTE_KEY_LABELS, "route_kind")
    return " or ".join(_sum_rate(f"{family}_bucket", scope.route_matchers(), by, rng)
                       for family in (HTTP_ROUTE_DURATION, GRPC_ROUTE_DURATION))


def route_latency(scope: Scope, rng: str) -> str:
    """Per-route-backend duration quantiles in seconds over both route kinds' buckets, and the
    bucket count per route kind (which says the kind, for the figures' source)."""
    kinds = route_duration_buckets(scope, rng)
    merged = f"sum by (le, {', '.join(ROUTE_KEY_LABELS)}) ({kinds})"
    return _latency(merged, ROUTE_KEY_LABELS, kinds, (*ROUTE_KEY_LABELS, "route_kind"))


COVERAGE_STEPS = 60
"""Subquery steps over a window when looking for the earliest sample: the answer is late by up to
one step (a 60th of the window), and each step costs a lookup per series."""


def coverage_step(rng: str) -> float:
    """Seconds between the steps of `series_start`'s subquery over window `rng`."""
    return max(1.0, WINDOW_SECONDS[validate_window(rng)] / COVERAGE_STEPS)


def series_start(scope: Scope, rng: str) -> str:
    """The earliest sample time within window `rng` over every wanted backend's response series.

    One number that says how much of the window data covers: a rate over a window that began
    before the series did counts nothing for the time before, and reads low. The answer is the
    latest sample at the first subquery step the series existed at: up to one step late.
    """
    resolution = duration(coverage_step(rng))
    families = [selector(LEGACY_RESPONSES, scope.legacy_matchers())]
    if scope.routes:
        families += [selector(family, scope.route_matchers())
                     for family in (HTTP_ROUTE_STATUSES, GRPC_ROUTE_STATUSES)]
    earliest = " or ".join(f"min_over_time(timestamp({family})[{rng}:{resolution}])"
                           for family in families)
    return f"min({earliest})"


def young_series_samples(scope: Scope, rng: str) -> str:
    """How young the newest kind of response of any wanted backend is: for each backend and
    classification (legacy family) or status (route families) first seen inside window `rng`,
    the samples its oldest still-scraped series has there; the fewest of those (no answer when
    every kind was already there at the window's start).

    rate() and increase() read nothing from a series' first sample: a canary's failure series
    appears at its first failure, so for a scrape or two its failures count as none. Grouping
    by kind of response, not by series, keeps one more client or canary pod starting to see a kind
    already seen from making the backend young again; a series no longer scraped (stale now)
    does not get younger by waiting and is left out.
    """
    rng = validate_window(rng)
    families = [(selector(LEGACY_RESPONSES, scope.legacy_matchers()),
                 (*LEGACY_KEY_LABELS, "classification"))]
    if scope.routes:
        by = (*ROUTE_KEY_LABELS, "route_kind", "http_status", "grpc_status", "error")
        families += [(selector(family, scope.route_matchers()), by)
                     for family in (HTTP_ROUTE_STATUSES, GRPC_ROUTE_STATUSES)]
    young = " or ".join(
        f"(max by ({', '.join(by)}) (count_over_time({series}[{rng}]) and {series}) unless "
        f"max by ({', '.join(by)}) ({series} offset {rng}))" for series, by in families)
    return f"min({young})"


def histogram_quantile_query(q: float, buckets_query: str) -> str:
    """Wrap a bucket-rate query in `histogram_quantile` (for checks against Prometheus itself)."""
    if not 0.0 <= q <= 1.0:
        raise ValueError(f"quantile {q!r} outside 0..1")
    return f"histogram_quantile({q:g}, {buckets_query})"


FAMILIES: dict[str, tuple[Callable[[Scope, str], str], ...]] = {
    "responses": (legacy_responses, route_statuses),
    "latency": (legacy_latency, route_latency),
}
"""Signal family (`SignalSpec.family`) → the batched queries its figures are computed from: a
signal of a new family needs its queries here and its arithmetic in `aggregate`."""
