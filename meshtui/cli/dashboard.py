"""The dashboard's options, ``meshtui demo``, and the hand-over of both to a `Launcher`."""

from __future__ import annotations

import argparse
from typing import Any, Protocol

from meshtui.model.windows import WINDOWS


def add_options(parser: argparse.ArgumentParser) -> None:
    """Add the dashboard's options (Prometheus, refresh, window)."""
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


def add_parsers(subparsers: Any) -> None:
    """Add ``demo`` to a parser's subparsers."""
    demo = subparsers.add_parser("demo", help="open the dashboard on a simulated mesh")
    demo.add_argument("--scenario", metavar="NAME|PATH", default=None, help="scenario to play")
    demo.add_argument("--seed", type=int, default=None, help="random seed")
    demo.add_argument("--serve", action="store_true",
                      help="serve the demo to a web browser instead (see meshtui serve -h)")
    from meshtui.cli.serve import add_serve_options

    add_serve_options(demo)


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


class Launcher(Protocol):
    """What opens the dashboard: `meshtui.launch` itself, or a test's stand-in."""

    def run_dashboard(self, args: argparse.Namespace) -> int:
        """Open the dashboard on the cluster the options name; return the exit status."""
        ...

    def run_demo(self, args: argparse.Namespace) -> int:
        """Open the dashboard on a simulated mesh; return the exit status."""
        ...


def default_launcher() -> Launcher:
    """`meshtui.launch`, imported only now: it brings in Textual and the Kubernetes client."""
    from meshtui import launch

    return launch


def run(args: argparse.Namespace, launcher: Launcher | None = None) -> int:
    """``meshtui`` and ``meshtui demo``: hand the parsed options to `launcher`."""
    launcher = launcher or default_launcher()
    if args.command == "demo":
        return launcher.run_demo(args)
    return launcher.run_dashboard(args)
