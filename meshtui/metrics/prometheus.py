"""`PrometheusSource`: golden signals from a real Prometheus over its HTTP API.

Built on `prometheus_api_client.PrometheusConnect`. Every call makes the same batched queries
whatever the number of targets (see `promql`). Every failure becomes a one-line
`MetricsError` that never contains the bearer token or the password. Every answer is bounded in
size and time (`transport`), and `close` abandons the queries in flight.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, UTC
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from prometheus_api_client import PrometheusConnect
from urllib3.util.retry import Retry

from meshtui.metrics import aggregate, promql
from meshtui.metrics.errors import describe_failure, scrub
from meshtui.metrics.source import QUERY_TIMEOUT, BackendTarget, MetricsError, history_rate_interval
from meshtui.metrics.transport import DEFAULT_MAX_BODY, BoundedAdapter
from meshtui.model.signals import BackendKey, GoldenSignals, MetricsSnapshot
from meshtui.model.windows import WINDOW_SECONDS

RATE_QUERIES = 4
"""Legacy responses, legacy latency, route statuses, route latency: constant by design (the
latency queries carry Prometheus' own quantiles, not the buckets)."""

QUERIES_PER_CALL = RATE_QUERIES + 1
"""A fetch's queries: the rate queries, then when the series began (how much window data covers);
the latter only until the window is found covered, and again every `COVERAGE_RECHECK` seconds."""

COVERED_SLACK = 0.95
"""A window covered this much counts as full: the series-start subquery's first step may fall up
to one of its steps (a 60th of the window) after the window's start."""

COVERAGE_RECHECK = 60.0
"""Seconds a window found covered is taken as still covered without asking again: data only
grows older, so it stays so unless Prometheus loses its history (a restart without storage),
which this bounds."""

LEGACY_QUERIES = 2
"""The first queries of a call, the legacy family's: all a history without HTTPRoutes needs."""

PLAN_CACHE_SIZE = 8
"""Target sets whose validated queries are kept (the view's and the selected split's history)."""


def _strip_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"invalid Prometheus URL {scrub(url, ())!r}: expected http(s)://host[:port][/path]")
    creds = None
    if parts.username is not None:
        creds = (parts.username, parts.password or "")
    netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    path = parts.path.rstrip("/")
    return urlunsplit((parts.scheme, netloc, path, parts.query, "")), creds


_SERVICE_PROXY = re.compile(
    r"/api/v1/namespaces/(?P<ns>[^/]+)/services/(?:(?P<scheme>https?):)?(?P<svc>[^/:]+)"
    r"(?::(?P<port>[^/]+))?/proxy(?P<rest>/.*)?$")


def source_name(base: str) -> str:
    """What the status bar calls a Prometheus: the service behind an API-server service proxy
    (``prometheus linkerd-viz/prometheus:9090 via <apiserver>``), else host and any path."""
    parts = urlsplit(base)
    proxied = _SERVICE_PROXY.match(parts.path.rstrip("/"))
    if proxied is not None:
        port = f":{proxied['port']}" if proxied["port"] else ""
        rest = (proxied["rest"] or "").rstrip("/")
        return f"prometheus {proxied['ns']}/{proxied['svc']}{port}{rest} via {parts.netloc}"
    path = parts.path.rstrip("/")
    return f"prometheus {parts.netloc}{path}"


class PrometheusSource:
    """Golden signals per backend from Prometheus (directly, or through the API server proxy).

    Args:
        url: Base URL; may carry a path, e.g. an API-server service-proxy URL
            `https://apiserver/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy/`.
        headers: Extra HTTP headers sent with every query.
        bearer_token: Sent as `Authorization: Bearer ...` (e.g. the kubeconfig's token).
        basic_auth: `(user, password)`.
        verify: TLS verification: True, False, or a CA bundle path.
        timeout: Seconds one query may take in all, from connecting to the answer's last byte
            (a server dripping its answer fails then too).
        token: Alias of `bearer_token` (the name docs/design.md uses).
        max_body: Largest answer read, in bytes (after decompression); a larger one fails.
    """

    def __init__(self, url: str, *, headers: Mapping[str, str] | None = None,
                 bearer_token: str | None = None, basic_auth: tuple[str, str] | None = None,
                 verify: bool | str = True, timeout: float = QUERY_TIMEOUT, token: str | None = None,
                 max_body: int = DEFAULT_MAX_BODY) -> None:
        base, url_creds = _strip_userinfo(url)
        bearer_token = bearer_token or token
        basic_auth = basic_auth or url_creds
        self._secrets = tuple(s for s in (bearer_token, basic_auth[1] if basic_auth else None) if s)
        self._secrets += tuple(v for v in (headers or {}).values() if v)
        self.url = base
        self.timeout = timeout
        self.max_body = max_body
        self.name = source_name(base)
        all_headers = dict(headers or {})
        if bearer_token:
            all_headers["Authorization"] = f"Bearer {bearer_token}"
        session = requests.Session()
        session.verify = verify
        self._local = threading.local()
        session.hooks["response"].append(self._remember)
        self._lock = threading.Lock()
        self.queries_made = 0
        self._plans: dict[tuple[tuple[BackendTarget, ...], str, bool],
                          tuple[list[BackendTarget], list[str]]] = {}
        """Valid targets and query texts by (targets, range): every refresh asks for the same
        backends, and validating and rendering thousands of names each time is wasted work."""
        self._covered_at: dict[tuple[tuple[BackendTarget, ...], str], float] = {}
        """When the window of these targets was last found covered (`time.monotonic`)."""
        # No retries: the UI refreshes on its own schedule and a stuck retry loop would hide errors.
        retry = Retry(total=0, read=False, status_forcelist=())
        self._client = PrometheusConnect(
            url=base, headers=all_headers or None, auth=basic_auth, session=session,
            timeout=timeout, retry=retry,
        )
        # The client mounts a plain adapter on `base`; ours replaces it there, and covers any
        # other URL a redirect could lead to.
        adapter = BoundedAdapter(max_body=max_body, deadline=timeout, max_retries=retry)
        for prefix in ("http://", "https://", base):
            session.mount(prefix, adapter)

    def __repr__(self) -> str:
        return f"PrometheusSource(url={self.url!r}, timeout={self.timeout})"

    def close(self) -> None:
        """Abandon the queries in flight (they fail at once), refuse new ones, release connections.

        Nothing is sent to Prometheus after this returns.
        """
        self._client.close()

    def _remember(self, response: requests.Response, *args: Any, **kwargs: Any) -> None:
        self._local.response = response

    def _count(self) -> None:
        with self._lock:
            self.queries_made += 1

    def _call(self, what: str, func: Any, *args: Any) -> Any:
        self._local.response = None
        self._count()
        try:
            result = func(*args)
        except Exception as exc:  # noqa: BLE001 - every failure must become a MetricsError
            response = getattr(self._local, "response", None)
            message = describe_failure(exc, response, self.url, self.timeout, self.max_body)
            raise MetricsError(scrub(f"{what}: {message}", self._secrets)) from None
        return result

    def query(self, query: str, at: float | None = None) -> list[aggregate.Sample]:
        """Run one instant query and decode its vector (counted in `queries_made`).

        Args:
            query: PromQL text (build it with `promql`).
            at: Evaluation time (Unix seconds); now when None.

        Raises:
            MetricsError: On any failure, including a malformed answer.
        """
        params = {"time": f"{at:.3f}"} if at is not None else None
        result = self._call("query failed", self._client.custom_query, query, params)
        try:
            return aggregate.parse_vector(result)
        except ValueError as exc:
            raise MetricsError(scrub(f"malformed answer from Prometheus: {exc}", self._secrets)) from None

    def query_range(self, query: str, start: float, end: float, step: float
                    ) -> dict[float, list[aggregate.Sample]]:
        """Run one range query and decode its matrix grouped by timestamp.

        Raises:
            MetricsError: On any failure, including a malformed answer.
        """
        start_dt = datetime.fromtimestamp(start, UTC)
        end_dt = datetime.fromtimestamp(end, UTC)
        result = self._call("range query failed", self._client.custom_query_range,
                            query, start_dt, end_dt, f"{step:g}")
        try:
            return aggregate.parse_matrix(result)
        except ValueError as exc:
            raise MetricsError(scrub(f"malformed answer from Prometheus: {exc}", self._secrets)) from None

    def _plan(self, targets: Sequence[BackendTarget], rng: str, coverage: bool = False
              ) -> tuple[list[BackendTarget], list[str]]:
        """The valid targets and the queries for them, reused while the targets are the same.

        With `coverage`, the series-start query follows the rate queries.
        """
        key = (tuple(targets), rng, coverage)
        with self._lock:
            plan = self._plans.get(key)
        if plan is None:
            valid = _valid(targets)
            plan = (valid, self._queries(valid, rng, coverage) if valid else [])
            with self._lock:
                if len(self._plans) >= PLAN_CACHE_SIZE:
                    self._plans.clear()
                self._plans[key] = plan
        return plan

    @staticmethod
    def _queries(targets: Sequence[BackendTarget], rng: str, coverage: bool = False) -> list[str]:
        scope = _scope(targets)
        queries = [promql.legacy_responses(scope, rng), promql.legacy_latency(scope, rng),
                   promql.route_statuses(scope, rng), promql.route_latency(scope, rng)]
        return queries + [promql.series_start(scope, rng)] if coverage else queries

    def fetch(self, targets: Sequence[BackendTarget], window: str, at: float | None = None
              ) -> MetricsSnapshot:
        """Current signals for every target over the rate `window`.

        Targets whose names are not valid Kubernetes names are never queried and get
        "no data". Makes `QUERIES_PER_CALL` queries when there is any valid target, one fewer
        while the same targets' window was found covered less than `COVERAGE_RECHECK` s ago.

        Args:
            at: One evaluation time (Unix seconds) for every query, so the figures are those of
                one instant whatever Prometheus scrapes meanwhile (comparisons against other
                tools' queries); None evaluates each at Prometheus' own now.

        Raises:
            MetricsError: When Prometheus cannot answer or `window` is not a known window.
        """
        rng = _window(window)
        taken = time.time() if at is None else at
        valid, texts = self._plan(targets, rng, coverage=True)
        signals: dict[BackendKey, GoldenSignals] = {}
        queries, covered = 0, None
        if valid:
            results = [self.query(q, at) for q in texts[:RATE_QUERIES]]
            signals = aggregate.combine(valid, *results, window=rng)
            queries = RATE_QUERIES
            if not self._still_covered((tuple(targets), rng), at):
                covered = self._covered(texts[RATE_QUERIES], taken, rng, at,
                                        (tuple(targets), rng))
                queries = len(texts)
        if covered is not None:
            # rate() spreads what the young series counted over the whole window: per second of
            # the covered span instead, as the figures are labelled.
            scale = WINDOW_SECONDS[rng] / covered
            signals = {key: _rescaled(value, scale) for key, value in signals.items()}
        for target in targets:
            signals.setdefault(target.key, aggregate.NO_DATA)
        return MetricsSnapshot(taken_at=taken, signals=signals, source=self.name, queries=queries,
                               covered=covered)

    def _still_covered(self, key: tuple[tuple[BackendTarget, ...], str], at: float | None) -> bool:
        """True when `key`'s window was found covered less than `COVERAGE_RECHECK` s ago (never
        for an evaluation at a given time: that instant may be before the data began)."""
        with self._lock:
            found = self._covered_at.get(key)
        return at is None and found is not None and time.monotonic() - found < COVERAGE_RECHECK

    def _covered(self, query: str, taken: float, rng: str, at: float | None = None,
                 key: tuple[tuple[BackendTarget, ...], str] | None = None) -> float | None:
        """Seconds of the window data covers when less than all of it, else None.

        A Prometheus without subqueries, or any failure of this one query, is no reason to fail
        the fetch: the window then counts as covered (but is asked about again next time). A
        window the data does cover is remembered under `key`.
        """
        try:
            samples = self.query(query, at)
        except MetricsError:
            return None
        starts = [value for _, value in samples if value is not None and math.isfinite(value)]
        if not starts:
            return None
        # The subquery answers up to one step late: take the middle of that step.
        covered = taken - min(starts) + promql.coverage_step(rng) / 2
        if covered >= COVERED_SLACK * WINDOW_SECONDS[rng]:
            if key is not None and at is None:
                with self._lock:
                    if len(self._covered_at) >= PLAN_CACHE_SIZE:
                        self._covered_at.clear()
                    self._covered_at[key] = time.monotonic()
            return None
        if covered <= 0:
            return None
        return covered

    def history(self, targets: Sequence[BackendTarget], window: str, step: float
                ) -> dict[BackendKey, list[tuple[float, GoldenSignals]]]:
        """Signals per backend over the last `window`, one point every `step` seconds.

        Each point is a rate over `max(1m, 2 * step)`, so points stay meaningful at any step.
        Makes `RATE_QUERIES` range queries, or `LEGACY_QUERIES` when no target comes from
        an HTTPRoute.

        Raises:
            MetricsError: When Prometheus cannot answer or the arguments are invalid.
        """
        span = WINDOW_SECONDS[_window(window)]
        if not step > 0:
            raise MetricsError(f"invalid history step {step!r}: must be positive")
        rng = promql.duration(history_rate_interval(step))
        valid, texts = self._plan(targets, rng)
        out: dict[BackendKey, list[tuple[float, GoldenSignals]]] = {t.key: [] for t in targets}
        if not valid:
            return out
        end = time.time()
        # A TrafficSplit's backends are read from the legacy family only: skip the route queries.
        wanted = texts if any(t.route is not None for t in valid) else texts[:LEGACY_QUERIES]
        frames = [self.query_range(q, end - span, end, step) for q in wanted]
        frames += [{}] * (len(texts) - len(wanted))
        for ts in sorted(set().union(*(f.keys() for f in frames))):
            point = aggregate.combine(valid, *(f.get(ts, []) for f in frames), window=rng)
            for key, signals in point.items():
                out[key].append((ts, signals))
        return out


def _rescaled(signals: GoldenSignals, scale: float) -> GoldenSignals:
    """`signals` with the rate multiplied by `scale` (success and latency are ratios: unchanged)."""
    if not signals.rps:
        return signals
    return replace(signals, rps=signals.rps * scale)


def _window(window: str) -> str:
    try:
        return promql.validate_window(window)
    except promql.InvalidWindow as exc:
        raise MetricsError(str(exc)) from None


def _valid(targets: Sequence[BackendTarget]) -> list[BackendTarget]:
    valid = []
    for t in targets:
        names = [t.key.namespace, t.key.service]
        if t.route is not None:
            names += [t.route.namespace, t.route.name, t.route.parent_service]
        try:
            for n in names:
                promql.validate_name(n)
        except promql.InvalidName:
            continue
        valid.append(t)
    return valid


def _scope(targets: Sequence[BackendTarget]) -> promql.Scope:
    return promql.Scope(
        namespaces=frozenset(t.key.namespace for t in targets),
        services=frozenset(t.key.service for t in targets),
        routes=frozenset(t.route.name for t in targets if t.route is not None),
    )
