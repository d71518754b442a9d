"""Scenario 9: credentials never appear in logs, the audit log, error messages, output or reprs.

Bearer tokens (the emulator's identities and a Prometheus token), basic-auth passwords (kubeconfig
and Prometheus, plain and base64-encoded as sent) and client keys (kubeconfig ``client-key-data``)
are searched for in: every log record at DEBUG (all loggers, including the Kubernetes client and
urllib3), the audit log file, the message and repr of every error raised, the repr of every
object holding them, and the stdout/stderr of CLI error paths.
"""

from __future__ import annotations

import base64
import logging
import os
import socket
from pathlib import Path

import pytest
import yaml

from meshtui.kube.audit import AuditLog
from meshtui.kube.client import MeshClient
from meshtui.kube.config import load_cluster
from meshtui.kube.errors import KubeError
from meshtui.kube.writer import ClusterWriter
from meshtui.metrics.prometheus import PrometheusSource
from meshtui.metrics.source import BackendTarget, MetricsError
from meshtui.model.signals import BackendKey
from meshtui.model.split import parse_split
from meshtui.sim.apiserver import ADMIN_TOKEN, READONLY_TOKEN
from tests.metrics.stub_prometheus import StubPrometheus
from tests.plugins.apiserver import trafficsplit
from tests.reliability import figures
from tests.reliability.support import run_together
from tests.waiting import wait_for

KUBE_PASSWORD = "kube-basic-pass-91c3e"
PROM_TOKEN = "prom-bearer-token-5a7d"
PROM_PASSWORD = "prom-basic-pass-e02b"
PROM_HEADER = "prom-api-key-77f0"
KEY_SECRET = "MESHTUIFAKEKEYSECRET0123456789"
CLIENT_KEY = f"-----BEGIN PRIVATE KEY-----\n{KEY_SECRET}\n-----END PRIVATE KEY-----\n"


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


SECRETS = [ADMIN_TOKEN, READONLY_TOKEN, KUBE_PASSWORD, _b64(f"ops:{KUBE_PASSWORD}"), PROM_TOKEN,
           PROM_PASSWORD, _b64(f"grafana:{PROM_PASSWORD}"), PROM_HEADER, KEY_SECRET,
           _b64(CLIENT_KEY)]


def _leaks(text: str) -> list[str]:
    return [s for s in SECRETS if s in text]


def _extend_kubeconfig(kubeconfig: Path, url: str) -> Path:
    """Add a basic-auth user, a client-key user and an unreachable cluster to a kubeconfig."""
    config = yaml.safe_load(kubeconfig.read_text())
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]
    config["clusters"].append({"name": "gone", "cluster": {"server": f"http://127.0.0.1:{closed}"}})
    config["users"] += [
        {"name": "basic", "user": {"username": "ops", "password": KUBE_PASSWORD}},
        {"name": "keyed", "user": {"client-certificate-data": _b64("not a certificate"),
                                   "client-key-data": _b64(CLIENT_KEY)}},
        {"name": "broken-key", "user": {"client-key-data": f"!!{KEY_SECRET}!!"}},
    ]
    config["contexts"] += [
        {"name": "basic", "context": {"cluster": "meshtui-sim", "user": "basic"}},
        {"name": "keyed", "context": {"cluster": "meshtui-sim", "user": "keyed"}},
        {"name": "broken-key", "context": {"cluster": "meshtui-sim", "user": "broken-key"}},
        {"name": "gone", "context": {"cluster": "gone", "user": "admin"}},
    ]
    path = kubeconfig.with_name("kubeconfig-extended")
    path.write_text(yaml.safe_dump(config))
    return path


def test_no_secret_in_logs_errors_reprs_or_audit(apiserver, tmp_path: Path,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    kubeconfig = _extend_kubeconfig(apiserver.kubeconfig, apiserver.url)
    audit_path = tmp_path / "audit.log"
    texts: list[str] = []

    def attempt(call) -> None:
        try:
            result = call()
            texts.append(repr(result))
        except (KubeError, MetricsError, Exception) as exc:  # noqa: BLE001 - any error is scanned
            texts.extend([str(exc), repr(exc), type(exc).__name__])

    admin = load_cluster(str(kubeconfig), "meshtui-sim")
    readonly = load_cluster(str(kubeconfig), "readonly")
    client = MeshClient(admin)
    writer = ClusterWriter(admin, audit=AuditLog(audit_path))
    ro_writer = ClusterWriter(readonly, audit=AuditLog(audit_path))
    texts += [repr(admin), repr(readonly), repr(client), repr(writer), repr(writer.audit),
              str(admin.__dict__.keys())]
    split = client.list_splits("default")[0]
    events: list[object] = []
    watch = client.watch("default", events.append, ["trafficsplits"])
    try:
        # The write must come after the watch's first list, or the list already holds it and
        # no change event follows.
        wait_for(lambda: events, message="the watch's first list")
        attempt(lambda: writer.set_weights(split, [70, 30]))
        attempt(lambda: writer.set_weights(split, [60, 40]))  # stale: a conflict
        attempt(lambda: ro_writer.set_weights(parse_split(
            client.get("trafficsplits", "default", "web")), [50, 50]))  # forbidden
        attempt(lambda: writer.set_weights(split.__class__(**{**split.__dict__,
                                                                "resource_version": ""}), [1, 99]))
        wait_for(lambda: len(events) >= 2, message="watch events")
    finally:
        watch.stop()
    texts += [repr(e) for e in events]
    for context in ("basic", "keyed", "broken-key", "gone"):
        def load_and_list(context=context):
            cluster = load_cluster(str(kubeconfig), context)
            texts.append(repr(cluster))
            return MeshClient(cluster).list_splits("default")
        attempt(load_and_list)

    stub = StubPrometheus(lambda path, query: (401, '{"status":"error","error":"unauthorized"}'))
    stub.start()
    try:
        targets = [BackendTarget(BackendKey("default", "web"))]
        for url in (stub.url, f"http://grafana:{PROM_PASSWORD}@127.0.0.1:1"):
            source = PrometheusSource(url, bearer_token=PROM_TOKEN,
                                      basic_auth=None if "@" in url else ("grafana", PROM_PASSWORD),
                                      headers={"X-Api-Key": PROM_HEADER}, timeout=2.0)
            texts.append(repr(source))
            attempt(lambda source=source: source.fetch(targets, "1m"))
            attempt(lambda source=source: source.history(targets, "5m", 15.0))
    finally:
        stub.stop()

    audit = audit_path.read_text()
    assert audit.count("\n") >= 3, "the writes above must have been audited"
    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records)
    assert len(caplog.records) > 10, "DEBUG logging was captured"
    found = {"logs": _leaks(logs), "audit": _leaks(audit), "errors/reprs": _leaks("\n".join(texts))}
    assert found == {"logs": [], "audit": [], "errors/reprs": []}
    figures.record("credentials", secrets_checked=len(SECRETS), log_records=len(caplog.records),
                   error_and_repr_texts=len(texts), leaks=0)


def test_no_secret_in_cli_error_output(apiserver) -> None:
    apiserver.store.create(trafficsplit("web", weights=(90, 10)))
    kubeconfig = _extend_kubeconfig(apiserver.kubeconfig, apiserver.url)
    commands = [
        ("weight", "ts/web", "podinfo-canary=20", "--context", "readonly"),
        ("weight", "ts/nope", "podinfo-canary=20"),
        ("weight", "ts/web", "podinfo-canary=20", "--context", "gone"),
        ("get", "splits", "--context", "basic"),
        ("get", "splits", "--context", "keyed"),
        ("get", "splits", "--context", "broken-key"),
        ("get", "splits", "--context", "gone"),
        ("abort", "web", "--context", "readonly"),
        ("pause", "web"),
        ("--prometheus-token-env", "MESHTUI_TEST_PROM_TOKEN", "--prometheus-url",
         f"http://grafana:{PROM_PASSWORD}@127.0.0.1:1", "get", "splits", "--context", "gone"),
        # Builds the Prometheus client from the URL (the command above never does).
        ("rollout", "run", "--max-ticks", "1", "--prometheus-url",
         f"http://grafana:{PROM_PASSWORD}@127.0.0.1:1", "--context", "gone"),
        ("--prometheus-url", f"http://grafana:{PROM_PASSWORD}@[::1", "get", "splits"),
        ("get", "splits", "--context", "no-such-context"),
    ]
    results = run_together(kubeconfig, *commands,
                           env={**os.environ, "MESHTUI_TEST_PROM_TOKEN": PROM_TOKEN})
    failures = 0
    for command, result in zip(commands, results, strict=True):
        failures += result.returncode != 0
        output = result.stdout + result.stderr
        assert _leaks(output) == [], (command, output)
    audit = run_together(None, ("audit", "-o", "json"))[0]
    assert _leaks(audit.stdout + audit.stderr) == []
    assert failures >= len(commands) - 1, "these are error paths"
    figures.record("credentials", cli_error_paths=len(commands))


def test_no_secret_in_output_when_the_server_answers_garbage(tmp_path: Path) -> None:
    # An API server answering nonsense drives meshtui down its least-travelled paths (a crash
    # would print a traceback): whatever it prints must not hold the token it sent.
    from meshtui.sim.apiserver import write_kubeconfig

    garbage = StubPrometheus(lambda path, query: (200, b"\x00{not json"))
    garbage.start()
    try:
        kubeconfig = write_kubeconfig(tmp_path / "kubeconfig", garbage.url, tls=False)
        results = run_together(kubeconfig, ("get", "splits"), ("weight", "ts/web", "a=5"),
                               ("get", "splits", "--context", "readonly", "-o", "json"))
    finally:
        garbage.stop()
    sent = [value for seen in garbage.seen for name, value in seen.headers.items()
            if name.lower() == "authorization"]
    assert any(ADMIN_TOKEN in value for value in sent), \
        "the token must have been sent, or this test proves nothing"
    for result in results:
        assert result.returncode != 0, result
        assert _leaks(result.stdout + result.stderr) == [], result


def test_no_secret_when_a_command_queries_prometheus_with_a_password_url(apiserver,
                                                                        tmp_path: Path) -> None:
    # `rollout run` builds the Prometheus client from the URL and queries it for a plan's
    # analysis: the password in the URL is sent (basic auth) and never printed or audited.
    apiserver.store.create(trafficsplit("web", weights=(100, 0)))
    plan = tmp_path / "plan.yaml"
    plan.write_text("steps:\n  - analysis: {window: 1m, interval: 1s, successRate: \">= 99\", "
                    "minRequests: 1, failureLimit: 5, count: 5}\n  - setWeight: 50\n")
    stub = StubPrometheus(lambda path, query: (503, '{"status":"error","error":"overloaded"}'))
    stub.start()
    try:
        started = run_together(apiserver.kubeconfig, ("rollout", "start", "ts/web", "--plan",
                                                      str(plan)))[0]
        assert started.returncode == 0, started.stderr
        host = stub.url.removeprefix("http://")
        result = run_together(apiserver.kubeconfig, (
            "rollout", "run", "--max-ticks", "6", "--interval", "0.2", "--speed", "100",
            "--prometheus-url", f"http://grafana:{PROM_PASSWORD}@{host}"))[0]
    finally:
        stub.stop()
    sent = [value for seen in stub.seen for name, value in seen.headers.items()
            if name.lower() == "authorization"]
    assert f"Basic {_b64(f'grafana:{PROM_PASSWORD}')}" in sent, \
        "the command must have built the client and queried with the password, or this test " \
        "proves nothing"
    assert "metrics unavailable" in result.stdout, "the failed query was reported"
    assert _leaks(result.stdout + result.stderr) == [], result
    stored = apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "web")
    assert _leaks(str(stored)) == [], "nor in the plan state written to the split"
    audit = run_together(None, ("audit", "-o", "json"))[0]
    assert _leaks(audit.stdout + audit.stderr) == []
