"""Wiring: build the clients (real or simulated) and hand them to the dashboard.

The app never builds its own clients; this module is the one place that decides which
Kubernetes client and which metrics source a run gets. `meshtui demo` goes through the same
Kubernetes client path as a real cluster: the simulated mesh serves the Kubernetes HTTP API and
the dashboard talks to it with a kubeconfig, exactly as it would to a real API server.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from meshtui.cli.clients import (
    build_writer,
    config_settings,
    prometheus_limits,
    viz_prometheus,
)


def _settings(args: argparse.Namespace, cluster: Any) -> Any:
    """The user's config file, overridden by what the command line says."""
    settings = config_settings(args)
    overrides: dict[str, Any] = {}
    if getattr(args, "refresh", None):
        overrides["refresh"] = args.refresh
    if getattr(args, "window", None):
        overrides["window"] = args.window
    if getattr(args, "prometheus_timeout", None):
        overrides["prometheus_timeout"] = args.prometheus_timeout
    if getattr(args, "prometheus_max_body_mib", None):
        overrides["prometheus_max_body_mib"] = args.prometheus_max_body_mib
    if getattr(args, "all_namespaces", False):
        overrides["namespace"] = None
    elif getattr(args, "namespace", None):
        overrides["namespace"] = args.namespace
    elif settings.namespace is None and cluster is not None:
        # Like ``get splits`` and kubectl: no -n/-A and no namespace in the config file scope the
        # dashboard to the context's namespace (``default`` when the context names none).
        overrides["namespace"] = cluster.namespace
    return dataclasses.replace(settings, **overrides) if overrides else settings


def prometheus_from_args(args: argparse.Namespace, cluster: Any, settings: Any = None) -> Any:
    """Choose the metrics source: `--prometheus-url`, else linkerd-viz through the service proxy.

    Args:
        args: The parsed command line.
        cluster: The kubeconfig's cluster (for the service proxy).
        settings: Bound each query by its `prometheus_timeout` and `prometheus_max_body_mib`;
            the defaults when None.

    Returns:
        A `PrometheusSource`, or None when no Prometheus answers (the dashboard then says
        "no metrics source" and everything else keeps working).
    """
    import os

    from meshtui.metrics.prometheus import PrometheusSource
    from meshtui.metrics.source import MetricsError

    verify: bool | str = not getattr(args, "insecure_skip_tls_verify", False)
    if not verify:
        from meshtui.kube.config import warn_unverified_tls

        warn_unverified_tls("Prometheus's TLS certificate is not verified "
                            "(--insecure-skip-tls-verify)")
    if args.prometheus_url:
        basic = None
        if args.prometheus_user:
            basic = (args.prometheus_user, os.environ[args.prometheus_password_env])
        token_env = getattr(args, "prometheus_token_env", None)
        return PrometheusSource(args.prometheus_url,
                                bearer_token=os.environ[token_env] if token_env else None,
                                basic_auth=basic, verify=verify, **prometheus_limits(settings))
    source = viz_prometheus(cluster, settings)
    try:
        source.query("vector(1)")
    except MetricsError:
        source.close()
        return None
    return source


def run_dashboard(args: argparse.Namespace) -> int:
    """`meshtui`: the dashboard on the cluster of the current (or given) kubeconfig context."""
    app = dashboard_app(args)
    try:
        app.run()
    finally:
        if app.connection is not None:
            app.connection.close()
    if app.start_error is not None:
        from meshtui.output import error

        return error(app.start_error)
    return int(app.return_code or 0)


def dashboard_app(args: argparse.Namespace) -> Any:
    """The dashboard app of `run_dashboard`, not yet running (a benchmark runs it headless).

    Only the kubeconfig's YAML is read here (a missing file or context fails at once, before
    any screen). The app draws its first frame on a `PendingMesh`, then builds the clients in
    a thread through its `ContextConnector`, exactly as for a context switch: loading the
    client library, discovery, the first lists and the metrics source no longer come before
    the first frame.
    """
    from meshtui.kube.config import choose_context
    from meshtui.ui.app import MeshtuiApp
    from meshtui.ui.contexts import PendingMesh

    config_settings(args)
    kubeconfig = getattr(args, "kubeconfig", None)
    choice = choose_context(kubeconfig, getattr(args, "context", None))
    settings = _settings(args, choice)
    connector = ContextConnector(args, kubeconfig, settings)
    # The stand-in dashboard has no writer yet: it still shows the read-only badge if asked for.
    pending = dataclasses.replace(settings, read_only=settings.read_only or bool(
        getattr(args, "read_only", False)))
    return MeshtuiApp(PendingMesh(choice.context), None, pending, owns_process=True,
                      connector=connector, connect_first=choice.context)


@contextlib.contextmanager
def simulated_mesh(scenario: str | None, seed: int | None) -> Iterator[tuple[Any, Any]]:
    """Start the simulated mesh and, when Debian's prometheus is installed, a real Prometheus.

    Yields:
        ``(mesh, prometheus_process_or_None)``; both are stopped on exit.
    """
    from meshtui.sim.mesh import SimulatedMesh
    from meshtui.sim.prometheus import PrometheusProcess, find_prometheus

    mesh = SimulatedMesh(scenario or "default", seed=1 if seed is None else seed)
    prometheus = None
    try:
        if find_prometheus():
            prometheus = PrometheusProcess([mesh.metrics_target]).start()
            mesh.set_prometheus(prometheus.url)
        yield mesh, prometheus
    finally:
        if prometheus is not None:
            prometheus.stop()
        mesh.stop()


DEMO_PLAN_SPEED = 6.0
"""The demo's plan runner plays pauses and analysis intervals this many times faster."""


@contextlib.contextmanager
def plan_runner(client: Any, writer: Any, metrics: Any) -> Iterator[Any]:
    """Drive progressive plans in a background thread while the demo runs.

    On a real cluster `meshtui rollout run` does this in a pod; in the demo this thread stands in
    for it, so a plan started from the dashboard progresses. It holds each split's Lease like
    any runner, so a `meshtui rollout run` started elsewhere waits its turn.
    """
    import threading

    from meshtui.rollout.runner import Runner

    stop = threading.Event()
    runner = Runner(client, writer, metrics, identity="meshtui-demo", speed=DEMO_PLAN_SPEED,
                    log=lambda line: None)
    thread = threading.Thread(target=runner.run, args=(stop,), name="meshtui-demo-plans",
                              daemon=True)
    thread.start()
    try:
        yield runner
    finally:
        stop.set()
        thread.join(timeout=5)


def run_demo(args: argparse.Namespace) -> int:
    """`meshtui demo`: the simulated mesh in-process, with the dashboard on it."""
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster

    with simulated_mesh(args.scenario, args.seed) as (mesh, prometheus), \
            tempfile.TemporaryDirectory(prefix="meshtui-demo-") as tmp:
        kubeconfig = mesh.write_kubeconfig(Path(tmp) / "kubeconfig")
        cluster = load_cluster(str(kubeconfig), None)
        try:
            client = MeshClient(cluster)
            client.discover()
            client.prefetch(None)
            args.all_namespaces = True
            settings = _settings(args, cluster)
            if prometheus is not None:
                args.prometheus_url = None
                metrics = prometheus_from_args(args, cluster, settings)
            else:
                print("prometheus not installed: reading the simulator's series directly",
                      file=sys.stderr)
                metrics = mesh.source()
            writer = build_writer(args, cluster, settings)
            connector = ContextConnector(args, str(kubeconfig), settings,
                                         metrics=None if prometheus is not None else mesh.source)
            with plan_runner(client, writer, metrics):
                return _run_app(client, metrics, settings, writer, connector)
        finally:
            cluster.close()


class ContextConnector:
    """Builds the clients of another context of the same kubeconfig (`:ctx NAME`), the way
    the dashboard's first context was built: same options, same settings, same write path.

    Args:
        args: The parsed command line (Prometheus and write options).
        kubeconfig: The kubeconfig file, or None for ``KUBECONFIG`` / ``~/.kube/config``.
        settings: The settings in force.
        metrics: Builds the metrics source instead of `prometheus_from_args` (the demo's
            simulator without Prometheus).
    """

    def __init__(self, args: argparse.Namespace, kubeconfig: str | None, settings: Any,
                 metrics: Any = None) -> None:
        self.args = args
        self.kubeconfig = kubeconfig
        self.settings = settings
        self.metrics = metrics

    def contexts(self) -> list[str]:
        """The kubeconfig's context names."""
        from meshtui.kube.config import context_names

        return context_names(self.kubeconfig)

    def connect(self, context: str) -> Any:
        """Load `context`, discover its resources and build its metrics source and writer."""
        from meshtui.kube.client import MeshClient
        from meshtui.kube.config import (
            DEFAULT_REQUEST_TIMEOUT,
            load_cluster,
            unverified_tls_warnings,
        )
        from meshtui.ui.contexts import Connection

        warned = len(unverified_tls_warnings())
        cluster = load_cluster(self.kubeconfig, context, request_timeout=getattr(
            self.args, "request_timeout", DEFAULT_REQUEST_TIMEOUT))
        try:
            client = MeshClient(cluster)
            with ThreadPoolExecutor(1, thread_name_prefix="meshtui-connect") as pool:
                # linkerd-viz's Prometheus is asked (through the API server) while discovery
                # makes its own round trips.
                probe = pool.submit(self._metrics, cluster)
                try:
                    client.discover()
                    # The first lists load while the writer is built and the dashboard composed.
                    client.prefetch(None)  # the dashboard watches every namespace, scopes on screen
                    writer = build_writer(self.args, cluster, self.settings)
                except BaseException:
                    _close_source(probe)
                    raise
                metrics = probe.result()
        except BaseException:
            cluster.close()
            raise
        return Connection(client, metrics, writer, cluster.close,
                          warnings=tuple(unverified_tls_warnings()[warned:]))


    def _metrics(self, cluster: Any) -> Any:
        return (self.metrics() if self.metrics is not None
                else prometheus_from_args(self.args, cluster, self.settings))


def _close_source(probe: Future[Any]) -> None:
    """Close the metrics source `probe` built, if it built one (its connection is abandoned)."""
    try:
        source = probe.result()
    except Exception:  # noqa: BLE001 - the connection failed anyway; its own error is raised
        return
    close = getattr(source, "close", None)
    if close is not None:
        close()


def _run_app(client: Any, metrics: Any, settings: Any, writer: Any = None,
             connector: Any = None) -> int:
    from meshtui.ui.app import MeshtuiApp

    app = MeshtuiApp(client, metrics, settings, writer=writer, owns_process=True,
                     connector=connector)
    app.run()
    return int(app.return_code or 0)
