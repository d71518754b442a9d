"""The text of docs/reliability.md: one section per scenario with its measured figures, and Roles.

Kept apart from `report.py` so the wording can change without touching how the suite is run.
"""

from __future__ import annotations

from typing import Any

Figures = dict[str, dict[str, Any]]

HEADER = """# Reliability and security

What meshtui does when things go wrong below the UI, and what it refuses to do with bad or hostile
input. Every figure here is measured by the suite in `tests/reliability/` (and, for rows 17 to 20,
the hostile-input tests `report.py` runs with it) against real parts (the Kubernetes API emulator
over HTTP, kubectl, a real Prometheus, real subprocesses, the real dashboard), never mocks.

Regenerate this file (runs the suite, about 4 to 7 minutes on 2 cores):

```
python -m tests.reliability.report            # run the suite, then rewrite this file
python -m tests.reliability.report --no-run   # rewrite from the last run's figures
```

The heavy scenarios carry the `heavy` marker: `python -m pytest tests/reliability -m "not heavy"`
runs the quick part.

The key latencies in rows 12, 13 and 16 are Pilot's: a key press until the navigator's cursor moved,
in the test process, beside the suite's servers. They show that keys stay responsive during a
fault, not how fast a key is drawn. Key latency is measured by `bench/run`'s `key_to_frame_ms`
(a key press to the first frame showing its effect, 1,000 splits), whose `by_fault` gives it with
Prometheus healthy, erroring, slow and garbage (bench/README.md).
"""

BUGS = """
## Bugs found by the suite

Fixed (each with the test that failed before it):

- `meshtui/kube/watch.py`: the reconnect backoff was only reset after a watch stream had lasted a
  second, so after several short outages recovery could take the full 5 s cap plus a list; it is
  now reset after every successful re-list and capped at 4 s (`RECONNECT_CAP`).
- `meshtui/kube/watch.py`: a stalled watch stream (no event, no bookmark) hung until the 320 s
  read timeout; it is now dropped after `STALL_SECONDS` (150 s, 2.5 bookmark periods of
  kube-apiserver) and the type re-listed.
- `meshtui/model/_httproute.py`: an HTTPRoute rule whose `backendRefs` is not a list (or a rule
  that is not an object) was silently ignored when another rule had backends; it is a problem now.
- `meshtui/metrics/aggregate.py`: a bucket series whose `le` label is not a number raised
  `ValueError` out of `PrometheusSource.fetch`/`history` (not `MetricsError`); it is skipped now.
- `meshtui/model/weights.py` (control CLI): typed percentages (`-5`, `101`, `abc`, `nan`,
  `50.5`) were refused only after discovery and a GET of the split (9 requests); they are refused
  before any request now (`test_input.py::test_bad_percentages_are_refused_before_any_request`).
- `meshtui/metrics/prometheus.py`: an answer was read whole whatever its size (one query of a
  256 MiB body: peak RSS 798 MiB, 15.9 s), a dripping answer never failed (one byte every 0.5 s:
  still running after 30 s with a 1 s timeout), and `q` with such a query in flight left the
  process running (still running 15 s later). Answers are now read in chunks up to
  `prometheus_max_body_mib`, each query has a total deadline (`prometheus_timeout`), and quitting
  abandons the queries in flight (`test_prometheus_bounds.py`, `tests/metrics/test_source_bounds.py`).
- `meshtui/cli/get.py` (`get splits`): a weight written as a 5,000-digit string was printed whole (a
  5,000-character line) and a 100,000-character name set the width of its column (lines of
  318,000 characters); every cell is bounded now (`tests/cli/test_huge_numbers.py`,
  `tests/cli/test_hostile_text.py`).
- `meshtui/cli/control.py`: `weight` padded its table to the longest backend name (lines of
  100,034 characters), and `audit` raised `TypeError` (a traceback) on a record whose `result` is
  not a string; both bounded and shape-proof now (`tests/cli/test_hostile_text.py`).
- `meshtui/cli/rollout.py`: `rollout status` printed an unreadable plan as `step 0/0  None%`; it
  shows `Invalid  —  <reason>` now (`tests/cli/test_hostile_objects.py`).

Open: none.
"""


def _get(figures: Figures, scenario: str, key: str, default: str = "not measured") -> Any:
    value = figures.get(scenario, {}).get(key)
    return default if value is None else value


def _fuzz_total(figures: Figures) -> tuple[int, dict[str, int]]:
    parts: dict[str, int] = {}
    for scenario in ("fuzz_splits", "fuzz_owners", "fuzz_prometheus"):
        for key, value in figures.get(scenario, {}).items():
            parts[key] = int(value)
    return sum(parts.values()), parts


def _rows(figures: Figures) -> list[tuple[str, str, str]]:
    f = figures
    g = lambda s, k: _get(f, s, k)  # noqa: E731 - local shorthand
    fuzz_total, fuzz_parts = _fuzz_total(f)
    config_refused = len(f.get("input_config", {}))
    return [
        ("1. API server stopped and restarted on the same port during one watch (mid-watch, "
         "mid-write)",
         "every outage reported; recovery by itself within 5 s; MeshState equals a direct list "
         "(splits, resourceVersions); an outage write raises and is never replayed",
         f"restarts survived: {g('restarts', 'survived')}/{g('restarts', 'restarts')}; recovery "
         f"max {g('restarts', 'recovery_max_s')} s, median {g('restarts', 'recovery_median_s')} s; "
         f"outage writes refused {g('restarts', 'outage_writes_refused')}, replayed "
         f"{g('restarts', 'outage_writes_replayed')}; writes racing a stop: "
         f"{g('restarts', 'racing_writes')} ({g('restarts', 'racing_writes_ok')} ok, "
         f"{g('restarts', 'racing_writes_failed_visibly')} failed with an exception)"),
        ("2. Watch trouble: 410 Expired, stalled stream, stream cut mid-event (loopback proxy)",
         "re-list and resume; no duplicated, lost or stale rows",
         f"410: {g('watch_faults', 'expired_relists')} re-list, no outage reported; stall "
         f"detected: {g('watch_faults', 'stall_detected')}; cut mid-event: "
         f"{g('watch_faults', 'cut_mid_event_relists')} re-list; state equal to a direct list "
         "each time"),
        ("3. Prometheus stopped, slow (answers after the timeout), HTTP errors, garbage",
         "`MetricsError` with one line, bounded by the timeout, no hang",
         f"{g('prometheus_faults', 'modes_failed_cleanly')}/{g('prometheus_faults', 'modes')} "
         f"fault modes raised MetricsError; timeout {g('prometheus_faults', 'timeout_s')} s, "
         f"slowest failure {g('prometheus_faults', 'worst_elapsed_s')} s; real Prometheus "
         f"stopped: failed in {g('prometheus_faults', 'real_stopped_elapsed_s')} s"),
        ("4. Concurrent writers: threads with `ClusterWriter`, two `meshtui weight` loops "
         "(subprocesses), a `kubectl patch` loop, one split",
         "each write lands on the latest version or is a conflict; final state = last "
         "acknowledged write; audit accounts for every meshtui attempt",
         f"writes attempted {g('concurrent_writers', 'writes_attempted')} (meshtui "
         f"{g('concurrent_writers', 'meshtui_attempts')}, of which "
         f"{g('concurrent_writers', 'cli_subprocess_writes')} by subprocesses; kubectl "
         f"{g('concurrent_writers', 'kubectl_writes')}); landed "
         f"{g('concurrent_writers', 'landed')}; conflicts {g('concurrent_writers', 'conflicts')}; "
         f"lost {g('concurrent_writers', 'lost')}; audit records "
         f"{g('concurrent_writers', 'audited')}"),
        ("5. `meshtui weight` killed with SIGKILL around, inside (request half-sent) and after "
         "its PATCH (answer held)",
         "the split is fully before or fully after, never half-applied",
         f"kills {g('sigkill', 'kills')}: left before {g('sigkill', 'left_before')}, after "
         f"{g('sigkill', 'left_after')}, half-applied {g('sigkill', 'half_applied')}"),
        ("6. Property-based fuzzing (hypothesis): TrafficSplit v1alpha1-4, HTTPRoute both groups, "
         "Canary, Rollout, Prometheus answers; through parsing, MeshState, health, navigator rows "
         "and the action planner",
         "no crash; every defective object carries a problem string",
         f"{fuzz_total} generated cases ("
         + ", ".join(f"{k} {v}" for k, v in sorted(fuzz_parts.items())) + ")"),
        ("7. User input: weights, command-line arguments, config files",
         "refused with a clear one-line message before any write (syntax: before any request)",
         f"CLI inputs refused {g('input', 'cli_inputs_refused')} (mutating requests "
         f"{g('input', 'mutating_requests')}; requests for syntax errors "
         f"{g('input', 'requests_for_syntax_errors')}); bad config files refused "
         f"{config_refused}"),
        ("8. PromQL injection: fuzzed names and label values",
         "cannot change a query's structure",
         f"name sets fuzzed {g('promql', 'promql.names')} ({g('promql', 'promql.names-refused')} "
         f"refused as invalid); label values {g('promql', 'promql.values')}; round trips "
         f"through a real Prometheus {g('promql', 'promql.real-prometheus')}; structure changes 0"),
        ("9. Credentials: bearer tokens, basic-auth passwords, client keys",
         "never in logs (DEBUG), the audit log, error messages, CLI output or reprs",
         f"secrets searched {g('credentials', 'secrets_checked')}; log records "
         f"{g('credentials', 'log_records')}; error/repr texts "
         f"{g('credentials', 'error_and_repr_texts')}; CLI error paths "
         f"{g('credentials', 'cli_error_paths')}; leaks {g('credentials', 'leaks')}"),
        ("10. RBAC on the default scenario (unowned, Flagger and Argo splits)",
         "readonly identity: every write forbidden, nothing changes; `--read-only`: zero "
         "mutating requests",
         f"readonly: {g('rbac', 'readonly_commands')} commands, "
         f"{g('rbac', 'readonly_forbidden')} forbidden by the server, "
         f"{g('rbac', 'readonly_unavailable')} unavailable for the split (no write), objects "
         f"changed {g('rbac', 'objects_changed')}; `--read-only`: "
         f"{g('rbac', 'read_only_mode_commands')} commands, mutating requests "
         f"{g('rbac', 'read_only_mode_mutating_requests')}"),
        *_dashboard_rows(f),
        *_hostile_input_rows(f),
    ]


def _dashboard_rows(f: Figures) -> list[tuple[str, str, str]]:
    """Rows of the dashboard-level scenarios (`test_dashboard_faults.py`)."""
    g = lambda s, k: _get(f, s, k)  # noqa: E731 - local shorthand
    r, m, b = "dashboard_restarts", "dashboard_metrics_faults", "prometheus_bounds"
    faults = "; ".join(
        f"{mode}: key latency median {g(m, f'{mode}_key_latency_median_ms')} ms, max "
        f"{g(m, f'{mode}_key_latency_max_ms')} ms over {g(m, f'{mode}_presses')} presses, "
        f"metrics shown as {'/'.join(g(m, f'{mode}_states') or [])}, write landed "
        f"{g(m, f'{mode}_write_landed')}" for mode in ("error", "slow", "garbage")
        if m in f and f"{mode}_presses" in f[m])
    return [
        ("11. Dashboard: API server stopped and restarted on the same port under a running "
         "dashboard (weights changed in the store during outages; `+` `a` `y` during some)",
         "status bar shows the outage within 2 refresh intervals and recovers by itself within "
         "5 s; navigator equal to the server; an outage write fails visibly, never replayed",
         f"restarts {g(r, 'recovered')}/{g(r, 'restarts')}; outage shown max "
         f"{g(r, 'outage_shown_max_s')} s, median {g(r, 'outage_shown_median_s')} s; recovery "
         f"max {g(r, 'recovery_max_s')} s, median {g(r, 'recovery_median_s')} s; outage writes "
         f"failed visibly {g(r, 'outage_writes_failed_visibly')}, replayed "
         f"{g(r, 'outage_writes_replayed')}"),
        ("12. Dashboard: Prometheus raising `MetricsError`, slow (past the refresh interval), "
         "garbage through a real `PrometheusSource`",
         "status bar says so, data never shown fresh, keys stay responsive, a write still lands",
         faults or "not measured"),
        ("13. Dashboard: terminal resized repeatedly while watch events and metrics stream in",
         "no exception; keys answer; rows equal to the server afterwards",
         f"resizes {g('dashboard_resizes', 'resizes')} with {g('dashboard_resizes', 'watch_events')}"
         f" weight changes; rows after {g('dashboard_resizes', 'rows_after')}; first key after "
         f"{g('dashboard_resizes', 'key_after_ms')} ms"),
        ("14. Dashboard `--read-only`: every key of the screen, navigator and app, the write, "
         "owner and plan keys on each kind of split, confirmation keys, the palette",
         "zero mutating requests",
         f"keys pressed {g('dashboard_read_only', 'keys_pressed')} "
         f"({g('dashboard_read_only', 'distinct_keys')} distinct); mutating requests "
         f"{g('dashboard_read_only', 'mutating_requests')}"),
        ("15. `meshtui rollout run` killed with SIGKILL at seeded random points during a plan on "
         "the default scenario's `booksapp/authors-split`",
         "the plan ends once; each step done exactly once; the weight only rises, none skipped",
         f"kills {g('plan_kill', 'kills')} (seed {g('plan_kill', 'seed')}); steps "
         f"{g('plan_kill', 'steps')}, runners that drove a step {g('plan_kill', 'drivers')}; "
         f"phase {g('plan_kill', 'phase')}; canary weights "
         f"{' -> '.join(str(w) for w in g('plan_kill', 'weights') or [])}; steps repeated "
         f"{g('plan_kill', 'steps_repeated')}"),
        ("16. Prometheus answering an oversized body (streamed) or dripping one byte at a time; "
         "`q` on the dashboard while such answers are in flight",
         "an answer past the size limit (default 32 MiB) fails with the memory of the limit; a "
         "query fails at its deadline and the dashboard shows metrics unavailable with the "
         "reason; `q` quits within a second and nothing is sent to Prometheus after it",
         f"{g(b, 'oversized_mib')} MiB body: failed in {g(b, 'oversized_failed_s')} s at the "
         f"{g(b, 'max_body_mib')} MiB limit, peak RSS of the process "
         f"{g(b, 'oversized_peak_rss_mib')} MiB, {g(b, 'oversized_sent_mib')} MiB sent before "
         f"the hang-up; dashboard keys with every answer oversized: median "
         f"{g(b, 'oversized_key_latency_median_ms')} ms, max "
         f"{g(b, 'oversized_key_latency_max_ms')} ms (healthy Prometheus, same run: median "
         f"{g(b, 'healthy_key_latency_median_ms')} ms, max {g(b, 'healthy_key_latency_max_ms')} "
         f"ms); drip: failed in {g(b, 'drip_failed_s')} s (deadline "
         f"{g(b, 'drip_deadline_s')} s), dashboard showed unavailable after "
         f"{g(b, 'drip_dashboard_unavailable_s')} s; `q` with {g(b, 'quit_in_flight')} queries "
         f"in flight: app gone in {g(b, 'quit_s')} s, queries hung up on "
         f"{g(b, 'quit_hung_up')}, requests after `q` {g(b, 'requests_after_quit')}; the "
         f"real process in a terminal exited {g(b, 'process_exit_s')} s after `q`"),
    ]


def _keys(f: Figures, scenario: str, prefix: str) -> list[str]:
    """The recorded keys of `scenario` that start with `prefix`."""
    return [key for key in f.get(scenario, {}) if key.startswith(prefix)]


def _hostile_input_rows(f: Figures) -> list[tuple[str, str, str]]:
    """Rows of the hostile-input tests outside tests/reliability (`HOSTILE_INPUT_TESTS`)."""
    g = lambda s, k: _get(f, s, k)  # noqa: E731 - local shorthand
    h, t, o, c, bad = "hostile_strings", "hostile_text", "oversized_inputs", "config_read_only", \
        "cli_bad_input"
    kinds = ", ".join(f"{key.removeprefix('payload ')} {value}"
                      for key, value in sorted(f.get(h, {}).items()) if key.startswith("payload "))
    configs = _keys(f, bad, "config ")
    urls = _keys(f, bad, "prometheus url ")
    digits = g(o, "huge_weight_digits")
    digits = f"{digits:,}" if isinstance(digits, int) else digits
    return [
        ("17. Hostile strings from the cluster (markup such as `[@click=…]` and `[/]`, terminal "
         "escapes, bidi and zero-width characters, 100,000-character names) drawn by the real "
         "dashboard (Pilot, Hypothesis) and printed by the CLI verbs",
         "shown as written with control characters escaped; no control byte, link or click "
         "action reaches the terminal; no exception",
         f"dashboard: {g(h, 'examples trafficsplit')} TrafficSplit and "
         f"{g(h, 'examples httproute')} HTTPRoute examples with {g(h, 'strings')} strings "
         f"({kinds or 'not measured'}), and {g(h, 'fixed cases')} fixed cases (the issue's "
         "payloads, notifications, dialogs and the `=` prompt, owner and plan messages, palette, "
         "namespace picker and status bar): all inert; CLI: "
         f"{g(t, 'escape runs')} command runs on objects whose names, plan and Rollout messages "
         f"carry escape sequences, and the text formatters on {g(t, 'formatter examples')} "
         "fuzzed hostile splits: control bytes 0"),
        ("18. Oversized inputs: a 5,000-digit weight in one namespace, a plan annotation with "
         "`\"weight\": 1e999`, 64 backends and 16 rules in the dashboard, 100,000-character "
         "names and messages in CLI output",
         "a problem on that object, never an exception; the other objects still listed and "
         "driven; every backend drawn; CLI lines bounded",
         f"{digits} digits: `get splits -A` (table and JSON) and `rollout "
         f"status -A` exit 0, widest table line {g(o, 'huge_weight_table_widest')} characters; "
         f"1e999: `rollout run -A` ({g(o, 'inf_plan_ticks')} ticks) drove the valid plan to "
         f"{g(o, 'inf_plan_valid_phase')}, skipped the invalid one with "
         f"{g(o, 'inf_plan_skip_lines')} log line and left it unchanged; dashboard: up to "
         f"{g(h, 'max backends')} backends and {g(h, 'max rules')} rules drawn; CLI: widest line "
         f"{g(t, 'widest line')} characters over {g(t, 'oversized runs')} command runs"),
        ("19. `read_only = true` in config.toml: every writing CLI verb, enumerated from the "
         "parser, on a cluster with plans",
         "each refused with one `error:` line naming read-only; zero mutating requests",
         f"writing verbs {g(c, 'writing_verbs')}, refused {g(c, 'refused')}; mutating requests "
         f"{g(c, 'mutating_requests')}; objects changed {g(c, 'objects_changed')}"),
        ("20. CLI bad inputs: broken config files, kubeconfigs of the wrong shape or encoding, "
         "malformed `--prometheus-url`, weights refused without the cluster, a closed pipe",
         "one `error:` line and exit 1 (config files, URLs and weights before any request); a "
         "closed pipe quiet",
         f"config files {len({k.split(':')[0] for k in configs})} kinds x "
         f"{len({k.split(': ')[-1] for k in configs})} commands = {len(configs)} runs, "
         f"kubeconfigs {len(_keys(f, bad, 'kubeconfig '))}, Prometheus URLs "
         f"{len({k.rsplit(': ', 1)[0] for k in urls})} x "
         f"{len({k.rsplit(': ', 1)[-1] for k in urls})} commands = {len(urls)} runs, weights "
         f"{len(_keys(f, bad, 'weight '))}: each one `error:` line and exit 1, requests before "
         f"a config, URL or weight refusal 0; closed pipes {len(_keys(f, bad, 'closed pipe'))}: "
         "quiet, exit 0"
         if bad in f else "not measured"),
    ]


def render(figures: Figures, run: dict[str, Any]) -> str:
    """The document up to (not including) the Roles section."""
    out = [HEADER]
    if run:
        out.append(f"\nLast run: `{run['summary']}` in {run['seconds']} s.\n")
    out.append("\n## Scenarios and measured figures\n")
    out.append("| scenario | requirement | measured |")
    out.append("| --- | --- | --- |")
    for scenario, requirement, measured in _rows(figures):
        cells = [c.replace("|", "\\|") for c in (scenario, requirement, measured)]
        out.append(f"| {cells[0]} | {cells[1]} | {cells[2]} |")
    out.append(BUGS)
    return "\n".join(out) + "\n"


ROLES = """## Kubernetes RBAC for meshtui

meshtui reads splits and their owners, Services, Deployments and Namespaces, and (for metrics
through the API server) linkerd-viz's Prometheus through the service proxy. Every write goes through
`ClusterWriter` and is a `patch` (weights, Flagger `spec.suspend`, Argo `spec.paused` and the
`rollouts/status` subresource), a `create` on `services/proxy` (Flagger load-tester gates), or,
for `meshtui rollout` plans, a Lease in `coordination.k8s.io`. A ClusterRole is needed for
`-A` and the namespace list; bind it with a RoleBinding to restrict meshtui to some namespaces.

Read-only use (the dashboard, `meshtui get`, `--read-only`):

```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: meshtui-read-only
rules:
  - apiGroups: ["split.smi-spec.io"]
    resources: ["trafficsplits"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["gateway.networking.k8s.io", "policy.linkerd.io"]
    resources: ["httproutes"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["linkerd.io"]
    resources: ["serviceprofiles"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["flagger.app"]
    resources: ["canaries"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["argoproj.io"]
    resources: ["rollouts"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["services", "namespaces"]
    verbs: ["get", "list", "watch"]
  # Which services are meshed: pod templates annotated linkerd.io/inject.
  - apiGroups: ["apps"]
    resources: ["deployments"]
    verbs: ["get", "list", "watch"]
  - apiGroups: ["coordination.k8s.io"]
    resources: ["leases"]
    verbs: ["get", "list", "watch"]
  # Metrics through the API server: linkerd-viz's Prometheus (bind in namespace linkerd-viz).
  - apiGroups: [""]
    resources: ["services/proxy"]
    resourceNames: ["prometheus:9090"]
    verbs: ["get"]
```

Operating (weights, pause/resume/promote/abort, progressive plans): everything above, plus:

```yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: meshtui-operator
rules:
  - apiGroups: ["split.smi-spec.io"]
    resources: ["trafficsplits"]
    verbs: ["get", "list", "watch", "patch"]
  - apiGroups: ["gateway.networking.k8s.io", "policy.linkerd.io"]
    resources: ["httproutes"]
    verbs: ["get", "list", "watch", "patch"]
  - apiGroups: ["flagger.app"]
    resources: ["canaries"]
    verbs: ["get", "list", "watch", "patch"]          # spec.suspend
  - apiGroups: ["argoproj.io"]
    resources: ["rollouts", "rollouts/status"]
    verbs: ["get", "list", "watch", "patch"]          # spec.paused, status.abort/promoteFull
  - apiGroups: [""]
    resources: ["services/proxy"]                     # Flagger load tester gates (POST)
    verbs: ["get", "create"]
  - apiGroups: ["coordination.k8s.io"]
    resources: ["leases"]                             # meshtui rollout plan runners
    verbs: ["get", "list", "watch", "create", "patch", "update"]
  - apiGroups: ["linkerd.io"]
    resources: ["serviceprofiles"]
    verbs: ["get", "list", "watch"]
  - apiGroups: [""]
    resources: ["services", "namespaces"]
    verbs: ["get", "list", "watch"]
```

No `delete`, no `update` of splits or owners, no access to Secrets: meshtui never needs them.
"""
