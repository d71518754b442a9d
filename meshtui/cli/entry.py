"""The ``meshtui`` / ``kubectl-meshtui`` command line.

``meshtui`` alone opens the dashboard; ``meshtui demo`` opens it on a simulated mesh;
``meshtui sim`` runs the simulated mesh headless; ``meshtui get splits`` prints the splits.
kubectl conventions hold: ``-n``, ``-A``, ``--kubeconfig``, ``--context`` and ``KUBECONFIG`` with
several files. Failures the user can fix print one ``error: ...`` line and exit with status 1.
Heavy modules are imported inside the subcommands so that start-up stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from meshtui import __version__
from meshtui.cli.get_services import WORDS as SERVICES_WORDS
from meshtui.cli.options import (
    Parser,
    UsageError,
    add_kube_options,
    add_write_options,
    check_options,
)

if TYPE_CHECKING:
    from meshtui.cli.dashboard import Launcher


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the whole command line."""
    from meshtui.cli import control as control_cli
    from meshtui.cli import completion, dashboard, get, serve, sim, split
    from meshtui.cli import rollout as rollout_cli

    parser = Parser(
        prog="meshtui",
        description="A terminal dashboard for Linkerd canaries: traffic splits, live golden "
                    "signals and weight control.")
    parser.add_argument("--version", action="version", version=f"meshtui {__version__}",
                        help="print meshtui's version and exit")
    add_kube_options(parser, suppress=False)
    add_write_options(parser, suppress=False)
    dashboard.add_options(parser)
    parser.set_defaults(command=None)

    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    dashboard.add_parsers(sub)
    sim.add_parsers(sub)
    serve.add_parsers(sub)
    get.add_parsers(sub)
    control_cli.add_parsers(sub)
    split.add_parsers(sub)
    rollout_cli.add_parsers(sub)
    completion.add_parsers(sub)
    return parser


def main(argv: Sequence[str] | None = None, *, launcher: Launcher | None = None) -> int:
    """Run the command line; return the exit status.

    Args:
        argv: Arguments without the program name (default: ``sys.argv[1:]``).
        launcher: What opens the dashboard (default: `meshtui.launch`, imported when needed).
    """
    from meshtui.output import entry_point

    return entry_point(lambda: _main(argv, launcher))


def _main(argv: Sequence[str] | None, launcher: Launcher | None) -> int:
    parser = build_parser()
    from meshtui.cli.completion import autocomplete

    autocomplete(parser)  # the shell asking for completions: answered, and the process exits
    args = parser.parse_args(argv)
    from meshtui.kube.errors import KubeError
    from meshtui.output import error
    from meshtui.ui.config import ConfigError, load_settings

    try:
        check_options(args)
        if args.command not in ("sim", "completion"):
            # The config file is read before any request: a bad one stops every command at once,
            # and every writer built later honours its read_only.
            args.settings = load_settings()
        if args.command == "get" and args.what in SERVICES_WORDS:
            from meshtui.cli.get_services import cmd_get_services

            return cmd_get_services(args)
        if args.command == "get":
            from meshtui.cli.get import cmd_get_splits

            return cmd_get_splits(args)
        if args.command == "completion":
            from meshtui.cli.completion import cmd_completion

            return cmd_completion(args)
        if args.command == "serve" or getattr(args, "serve", False):
            from meshtui.cli.serve import cmd_serve

            return cmd_serve(args)
        if args.command == "sim":
            from meshtui.cli.sim import cmd_sim

            return cmd_sim(args)
        from meshtui.cli import control as control_cli

        if args.command in control_cli.COMMANDS:
            return control_cli.run(args)
        from meshtui.cli import split

        if args.command in split.COMMANDS:
            return split.run(args)
        if args.command == "rollout":
            from meshtui.cli import rollout as rollout_cli

            return rollout_cli.run(args)
        from meshtui.cli import dashboard

        if args.command == "demo":
            from meshtui.cli.serve import check_demo_options

            check_demo_options(args)
        return dashboard.run(args, launcher)
    except (KubeError, UsageError, ConfigError) as exc:
        return error(getattr(exc, "message", None) or exc)


if __name__ == "__main__":
    sys.exit(main())
