"""The ``meshtui`` / ``kubectl-meshtui`` command line.

``meshtui`` alone opens the dashboard; ``meshtui demo`` opens it on a simulated mesh;
``meshtui sim`` runs the simulated mesh headless; ``meshtui get splits`` prints the splits.
kubectl conventions hold: ``-n``, ``-A``, ``--kubeconfig``, ``--context`` and ``KUBECONFIG`` with
several files. Failures the user can fix print one ``error: ...`` line and exit with status 1.
Heavy modules are imported inside the subcommands so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from meshtui.model.windows import WINDOWS


class UsageError(Exception):
    """An option combination the parser cannot express; reported as ``error: ...``."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one ``error: ...`` line and exit status 1, like
    every other failure the user can fix (argparse's own is the usage and status 2)."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        from meshtui.output import error

        self.exit(error(f"{message} (see {self.prog} -h)"))


def _refresh_seconds(text: str) -> float:
    from meshtui.ui.config import REFRESH_RANGE

    low, high = REFRESH_RANGE
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text[:40]!r}") from None
    if not low <= value <= high:
        raise argparse.ArgumentTypeError(
            f"must be between {low:g} and {high:g} seconds, got {text[:40]!r}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text[:40]!r}") from None
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text[:40]!r}")
    return value


def number_in(low: float, high: float, *, integer: bool = False) -> Callable[[str], float]:
    """An argparse type: a number (whole when `integer`) from `low` to `high`, else one error."""
    def parse(text: str) -> float:
        try:
            value = int(text) if integer else float(text)
        except ValueError:
            kind = "a whole number" if integer else "a number"
            raise argparse.ArgumentTypeError(f"not {kind}: {text[:40]!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low:g} to {high:g}, got {text[:40]!r}")
        return value

    return parse


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"port out of range: {value}")
    return value


def _request_timeout(text: str) -> float | None:
    from meshtui.kube.config import parse_request_timeout

    try:
        return parse_request_timeout(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_request_timeout(parser: argparse.ArgumentParser, *, suppress: bool = True) -> None:
    """Add kubectl's ``--request-timeout`` (one server request; ``0`` waits forever)."""
    from meshtui.kube.config import DEFAULT_REQUEST_TIMEOUT

    parser.add_argument(
        "--request-timeout", metavar="DURATION", type=_request_timeout,
        default=argparse.SUPPRESS if suppress else DEFAULT_REQUEST_TIMEOUT,
        help="give up on one server request after this long, e.g. 5s, 1m (default "
             f"{DEFAULT_REQUEST_TIMEOUT:g}s; 0 waits forever)")


def _kube_options(parser: argparse.ArgumentParser, *, suppress: bool) -> None:
    """Add kubectl's connection and namespace options.

    The subcommands add them with SUPPRESS defaults, so ``meshtui --context x get splits`` and
    ``meshtui get splits --context x`` both work (a subparser default would overwrite the first).
    """
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument("--kubeconfig", metavar="PATH", default=default,
                        help="kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
    parser.add_argument("--context", metavar="NAME", default=default,
                        help="kubeconfig context (default: the current context)")
    add_request_timeout(parser, suppress=suppress)
    parser.add_argument("-n", "--namespace", metavar="NS", default=default,
                        help="namespace (default: the context's namespace)")
    parser.add_argument("-A", "--all-namespaces", action="store_true",
                        default=argparse.SUPPRESS if suppress else False,
                        help="all namespaces")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the whole command line."""
    parser = Parser(
        prog="meshtui",
        description="A terminal dashboard for Linkerd canaries: traffic splits, live golden "
                    "signals and weight control.")
    _kube_options(parser, suppress=False)
    dash = parser.add_argument_group("dashboard")
    dash.add_argument("--prometheus-url", metavar="URL",
                      help="Prometheus URL (default: linkerd-viz's Prometheus via the API proxy)")
    # Secrets come from the environment: a token on the command line is visible to every user
    # of the machine (ps, /proc/*/cmdline) and lands in shell history.
    dash.add_argument("--prometheus-token-env", metavar="VAR",
                      help="environment variable holding a bearer token for Prometheus")
    dash.add_argument("--prometheus-user", metavar="USER", help="basic-auth user for Prometheus")
    dash.add_argument("--prometheus-password-env", metavar="VAR",
                      help="environment variable holding the basic-auth password")
    dash.add_argument("--insecure-skip-tls-verify", action="store_true",
                      help="do not verify Prometheus's TLS certificate")
    dash.add_argument("--prometheus-timeout", type=_positive_float, default=None, metavar="SECONDS",
                      help="seconds one Prometheus query may take in all, to its last byte "
                           "(default: prometheus_timeout in config.toml)")
    dash.add_argument("--prometheus-max-body-mib", type=_positive_float, default=None, metavar="MIB",
                      help="largest Prometheus answer read, in MiB "
                           "(default: prometheus_max_body_mib in config.toml)")
    dash.add_argument("--refresh", type=_refresh_seconds, default=None, metavar="SECONDS",
                      help="metrics refresh interval")
    dash.add_argument("--window", choices=WINDOWS, default=None,
                      help="metrics window (default 1m)")
    dash.add_argument("--read-only", action="store_true", help="never write to the cluster")
    dash.add_argument("--dry-run", action="store_true",
                      help="send writes as server-side dry runs: preview, nothing is changed")
    parser.set_defaults(command=None)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser("demo", help="open the dashboard on a simulated mesh")
    demo.add_argument("--scenario", metavar="NAME|PATH", default=None, help="scenario to play")
    demo.add_argument("--seed", type=int, default=None, help="random seed")

    sim = sub.add_parser("sim", help="run the simulated mesh headless (API server and metrics)")
    sim.add_argument("--scenario", metavar="NAME|PATH", default=None, help="scenario to play")
    sim.add_argument("--port", type=_port, default=0, help="API server port (default: free port)")
    sim.add_argument("--metrics-port", type=_port, default=0,
                     help="metrics exporter port (default: free port)")
    sim.add_argument("--kubeconfig-out", metavar="PATH", default=None,
                     help="where to write the kubeconfig (default: a temporary file)")
    sim.add_argument("--seed", type=int, default=None, help="random seed")
    sim.add_argument("--no-prometheus", action="store_true",
                     help="do not start a real Prometheus even when one is installed")

    get = sub.add_parser("get", help="print resources")
    get_sub = get.add_subparsers(dest="what", metavar="WHAT", required=True)
    splits = get_sub.add_parser("splits", aliases=["split", "ts"],
                                help="TrafficSplits and HTTPRoutes with their weights")
    _kube_options(splits, suppress=True)
    splits.add_argument("-o", "--output", choices=("table", "json"), default="table")

    from meshtui import control_cli

    control_cli.add_parsers(sub)
    from meshtui import split_cli

    split_cli.add_parsers(sub, lambda p: control_cli._add_common(p, None))  # noqa: SLF001
    from meshtui.rollout import cli as rollout_cli

    rollout_cli.add_parsers(sub)
    return parser


def _check(args: argparse.Namespace) -> None:
    """Validate option combinations argparse cannot."""
    if args.namespace and args.all_namespaces:
        raise UsageError("-n/--namespace and -A/--all-namespaces are mutually exclusive")
    if getattr(args, "prometheus_password_env", None):
        if not args.prometheus_user:
            raise UsageError("--prometheus-password-env needs --prometheus-user")
        if args.prometheus_password_env not in os.environ:
            raise UsageError(f"environment variable {args.prometheus_password_env} is not set")
    elif getattr(args, "prometheus_user", None):
        raise UsageError("--prometheus-user needs --prometheus-password-env")
    token_env = getattr(args, "prometheus_token_env", None)
    if token_env and token_env not in os.environ:
        raise UsageError(f"environment variable {token_env} is not set")
    if token_env and getattr(args, "prometheus_user", None):
        raise UsageError("use either --prometheus-token-env or --prometheus-user, not both")
    url = getattr(args, "prometheus_url", None)
    if url is not None:
        check_url(url, "--prometheus-url")


def _hide_userinfo(url: str) -> str:
    """`url` with any ``user:password@`` replaced, so an error never repeats a password."""
    return re.sub(r"^([^:/?#]*://)[^/?#]*@", r"\1***@", url)


def check_url(url: str, option: str) -> None:
    """Refuse a URL no request could be sent to, before any request is made.

    Raises:
        UsageError: For a scheme other than http(s), no host, a malformed IPv6 address, a port
            outside 1-65535, or whitespace or control characters.
    """
    from urllib.parse import urlsplit

    shown = _hide_userinfo(url)
    if not url.startswith(("http://", "https://")):
        raise UsageError(f"{option} must start with http:// or https:// (got {shown!r})")
    if any(ord(c) <= 0x20 or 0x7f <= ord(c) <= 0x9f for c in url):
        raise UsageError(f"{option} {shown!r} contains spaces or control characters")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UsageError(f"{option} {shown!r} is malformed: {exc}") from None
    if not parts.hostname:
        raise UsageError(f"{option} {shown!r} has no host")
    if port == 0:
        raise UsageError(f"{option} {shown!r}: port out of range 1-65535")


def _namespace(args: argparse.Namespace, default: str) -> str | None:
    """The namespace to read: None for all namespaces."""
    if args.all_namespaces:
        return None
    return args.namespace or default


def cmd_get_splits(args: argparse.Namespace) -> int:
    """``meshtui get splits``: print every split as a table or as JSON."""
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster
    from meshtui.output import say

    cluster = load_cluster(args.kubeconfig, args.context, request_timeout=args.request_timeout)
    try:
        splits = MeshClient(cluster).list_splits(_namespace(args, cluster.namespace))
    finally:
        cluster.close()
    if args.output == "json":
        json.dump([s.to_json() for s in splits], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not splits:
        where = "any namespace" if args.all_namespaces else f"namespace {args.namespace or cluster.namespace}"
        say(f"No splits found in {where}.", file=sys.stderr)
        return 0
    sys.stdout.write(splits_table(splits, with_namespace=bool(args.all_namespaces)))
    return 0


PROBLEMS_SHOWN = 2
"""Problems listed in one row of the table; the rest are counted (``-o json`` lists them all)."""
WEIGHT_WIDTH = 20
"""Widest raw weight in the table: a weight of thousands of digits is cut, not printed."""


def splits_table(splits: Sequence[Any], *, with_namespace: bool) -> str:
    """Render splits as kubectl-style columns (one row per split), every cell made `visible`.

    Every cell is bounded, so one object's 100,000-character name or 5,000-digit weight makes
    neither a row nor a column wider than a few hundred characters.
    """
    from meshtui.model.text import MAX_NAME_LENGTH, visible
    from meshtui.output import BACKENDS_SHOWN, MESSAGE_LIMIT, NAME_LIMIT, listed

    header = (["NAMESPACE"] if with_namespace else []) + [
        "KIND", "NAME", "SERVICE", "BACKENDS", "OWNER", "PROBLEMS"]
    rows = [header]
    for split in splits:
        backends = listed([f"{visible(b.name, NAME_LIMIT)}={_weight(b.raw_weight)}"
                           f"({b.percent:.0f}%)" for b in split.backends[:BACKENDS_SHOWN]],
                          len(split.backends)) or "-"
        owner = (f"{visible(split.owner.kind, NAME_LIMIT)}/{visible(split.owner.name, NAME_LIMIT)}"
                 if split.owner else "-")
        problems = listed([visible(p, MESSAGE_LIMIT) for p in split.problems[:PROBLEMS_SHOWN]],
                          len(split.problems), "; ") or "-"
        # A split's own name is one the API server accepted (at most 253 characters): kept whole,
        # so it can be copied into the next command.
        rows.append(([visible(split.namespace, NAME_LIMIT)] if with_namespace else []) + [
            split.kind, visible(split.name, MAX_NAME_LENGTH),
            visible(split.service, NAME_LIMIT) or "-", backends, owner, problems])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["   ".join([c.ljust(w) for c, w in zip(row, widths)] + [row[-1]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _weight(raw: Any) -> str:
    """A backend's weight as the object has it, at most `WEIGHT_WIDTH` characters."""
    from meshtui.model.text import short_repr, visible

    if raw is None:
        return "?"
    if isinstance(raw, str):
        return visible(raw, WEIGHT_WIDTH)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 64:
        # str() of a 5,000-digit int raises (the interpreter's digit limit); none is a weight.
        return visible(f"({'-' if raw < 0 else ''}{raw.bit_length()}-bit number)", WEIGHT_WIDTH)
    return short_repr(raw, WEIGHT_WIDTH)


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
        print(f"API server:  {mesh.api_url}")
        print(f"Metrics:     {mesh.metrics_url}")
        if prometheus is not None:
            print(f"Prometheus:  {prometheus.url} (and linkerd-viz/prometheus:9090 through the "
                  "API server's service proxy)")
        print(f"Kubeconfig:  {path}")
        print(f"Try:         kubectl --kubeconfig {path} get trafficsplits -A", flush=True)
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


def _launch(name: str, args: argparse.Namespace) -> int:
    """Hand over to ``meshtui.launch.<name>(args)``, which the lead owns."""
    import importlib

    try:
        # import_module answers from sys.modules; `from meshtui import launch` would prefer the
        # package attribute, which a test's stand-in module does not replace.
        launch = importlib.import_module("meshtui.launch")
    except ImportError as exc:
        if exc.name not in ("meshtui.launch",):
            raise
        from meshtui.output import error

        return error("the dashboard is not available in this build (meshtui.launch is missing)")
    result = getattr(launch, name)(args)
    return int(result or 0)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).
    """
    from meshtui.output import entry_point

    return entry_point(lambda: _main(argv))


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from meshtui.kube.errors import KubeError
    from meshtui.output import error
    from meshtui.ui.config import ConfigError, load_settings

    try:
        _check(args)
        if args.command != "sim":
            # The config file is read before any request: a bad one stops every command at once,
            # and every writer built later honours its read_only.
            args.settings = load_settings()
        if args.command == "get":
            return cmd_get_splits(args)
        if args.command == "sim":
            return cmd_sim(args)
        from meshtui import control_cli

        if args.command in control_cli.COMMANDS:
            return control_cli.run(args)
        from meshtui import split_cli

        if args.command in split_cli.COMMANDS:
            return split_cli.run(args)
        if args.command == "rollout":
            from meshtui.rollout import cli as rollout_cli

            return rollout_cli.run(args)
        if args.command == "demo":
            return _launch("run_demo", args)
        return _launch("run_dashboard", args)
    except (KubeError, UsageError, ConfigError) as exc:
        return error(getattr(exc, "message", None) or exc)


if __name__ == "__main__":
    sys.exit(main())
