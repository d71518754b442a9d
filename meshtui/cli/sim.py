"""``meshtui sim``: the simulated mesh headless (API server, metrics exporter, Prometheus)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import Any

from meshtui.cli.options import UsageError, add_output_option


SPLIT_RESOURCES = ("trafficsplits.split.smi-spec.io,httproutes.gateway.networking.k8s.io,"
                   "httproutes.policy.linkerd.io")
"""Every kind of split, fully qualified for kubectl: a bare ``httproutes`` resolves to the
Gateway API's only, and would hide Linkerd's ``policy.linkerd.io`` routes."""


def add_parsers(subparsers: Any) -> None:
    """Add ``sim`` to a parser's subparsers."""
    sim = subparsers.add_parser("sim", help="run the simulated mesh headless (API server and metrics)")
    sim.add_argument("--scenario", metavar="NAME|PATH", default=None, help="scenario to play")
    sim.add_argument("--port", type=_port, default=0, help="API server port (default: free port)")
    sim.add_argument("--metrics-port", type=_port, default=0,
                     help="metrics exporter port (default: free port)")
    sim.add_argument("--kubeconfig-out", metavar="PATH", default=None,
                     help="where to write the kubeconfig (default: a temporary file)")
    sim.add_argument("--seed", type=int, default=None, help="random seed")
    sim.add_argument("--no-prometheus", action="store_true",
                     help="do not start a real Prometheus even when one is installed")
    add_output_option(sim)


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {value}")
    return value


def _print_addresses(output: str, mesh: Any, prometheus: Any, path: str) -> None:
    """Say where the simulated mesh listens: lines, or one JSON object a script can read."""
    # The URL clients are given (https, the kubeconfig's), not the plain one it also serves.
    api_server = _kubeconfig_server(path)
    if output == "json":
        json.dump({"apiServer": api_server, "metrics": mesh.metrics_url,
                   "prometheus": prometheus.url if prometheus is not None else None,
                   "kubeconfig": path}, sys.stdout)
        print(flush=True)
        return
    print(f"API server:  {api_server}")
    print(f"Metrics:     {mesh.metrics_url}")
    if prometheus is not None:
        print(f"Prometheus:  {prometheus.url} (and linkerd-viz/prometheus:9090 through the "
              "API server's service proxy)")
    print(f"Kubeconfig:  {path}")
    print(f"Try:         kubectl --kubeconfig {path} get {SPLIT_RESOURCES} -A", flush=True)


def cmd_sim(args: argparse.Namespace) -> int:
    """``meshtui sim``: run the simulated mesh until SIGINT or SIGTERM."""
    import signal
    import tempfile
    import threading

    from meshtui.sim.mesh import SimulatedMesh
    from meshtui.sim.prometheus import PrometheusProcess, PrometheusUnavailable, find_prometheus
    from meshtui.sim.scenario import ScenarioError

    try:
        mesh = SimulatedMesh(scenario=args.scenario or "default",
                             seed=1 if args.seed is None else args.seed,
                             api_port=args.port, metrics_port=args.metrics_port, autostart=False)
    except (ScenarioError, OSError) as exc:
        raise UsageError(f"cannot load scenario {args.scenario or 'default'}: {exc}") from None
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    tmpdir = None
    prometheus = None
    try:
        try:
            mesh.start()
        except OSError as exc:
            raise UsageError(f"cannot start the simulated mesh: {exc.strerror or exc}") from None
        if not args.no_prometheus and find_prometheus():
            # Like linkerd-viz's: dashboards and plan runners reach it through the service proxy.
            try:
                prometheus = PrometheusProcess([mesh.metrics_target]).start()
                mesh.set_prometheus(prometheus.url)
            except PrometheusUnavailable as exc:
                print(f"warning: no Prometheus: {exc}", file=sys.stderr)
        path = args.kubeconfig_out
        if path is None:
            tmpdir = tempfile.mkdtemp(prefix="meshtui-sim-")
            path = os.path.join(tmpdir, "kubeconfig")
        mesh.write_kubeconfig(path)
        _print_addresses(args.output, mesh, prometheus, path)
        # A bounded wait keeps the main thread responsive to signals on every platform.
        while not stop.wait(0.5):
            pass
    finally:
        if prometheus is not None:
            prometheus.stop()
        mesh.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if tmpdir:
            import shutil

            shutil.rmtree(tmpdir, ignore_errors=True)
    print("stopped", file=sys.stderr, flush=True)
    return 0


def _kubeconfig_server(path: str) -> str:
    """The API server URL the kubeconfig at `path` gives its clients."""
    import yaml

    with open(path, encoding="utf-8") as handle:
        config = yaml.safe_load(handle)
    return str(config["clusters"][0]["cluster"]["server"])
