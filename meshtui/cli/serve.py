"""``meshtui serve`` and ``meshtui demo --serve``: the dashboard in a web browser.

Each browser session runs its own ``meshtui`` dashboard process (textual-serve's model) with the
options given here, so the browser shows exactly the terminal's dashboard. Sessions are read-only
unless ``--allow-writes``: the session's command gets ``--read-only``, which its one writer
enforces and its status bar shows. Loopback is the default; any other address requires the access
token printed at start.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from typing import Any

from meshtui.cli.options import UsageError, _hide_userinfo, add_kube_options, number_in

DEFAULT_PORT = 8000
DEFAULT_SESSIONS = 4
MAX_SESSIONS = (1, 32)
"""The range of ``--max-sessions``: each session is a dashboard process."""
SERVE_ONLY = frozenset({"host", "port", "allow_writes", "require_token", "max_sessions", "demo",
                        "serve", "scenario", "seed", "command", "settings"})
"""Options of the serving process itself, never passed to a session."""


def _port(text: str) -> int:
    return int(number_in(0, 65535, integer=True)(text))


def add_serve_options(parser: argparse.ArgumentParser) -> None:
    """Add the options of the web server (shared by ``serve`` and ``demo --serve``)."""
    web = parser.add_argument_group("web server")
    web.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                     help="address to listen on (default 127.0.0.1; any other needs the token)")
    web.add_argument("--port", type=_port, default=DEFAULT_PORT,
                     help=f"port to listen on (default {DEFAULT_PORT}; 0: a free one)")
    web.add_argument("--allow-writes", action="store_true",
                     help="let browser sessions change the cluster (default: read-only)")
    web.add_argument("--require-token", action="store_true",
                     help="require the access token on loopback too")
    web.add_argument("--max-sessions", type=lambda t: int(number_in(*MAX_SESSIONS, integer=True)(t)),
                     default=DEFAULT_SESSIONS, metavar="N",
                     help=f"browser sessions at once (default {DEFAULT_SESSIONS})")


def add_parsers(subparsers: Any) -> None:
    """Add ``serve`` to a parser's subparsers."""
    serve = subparsers.add_parser(
        "serve", help="serve the dashboard to a web browser",
        description="Serve the dashboard to a web browser (one dashboard process per session).")
    serve.add_argument("--demo", action="store_true",
                       help="serve the demo on a simulated mesh instead of a cluster")
    serve.add_argument("--scenario", metavar="NAME|PATH", default=None,
                       help="with --demo: scenario to play")
    serve.add_argument("--seed", type=int, default=None, help="with --demo: random seed")
    add_serve_options(serve)
    add_kube_options(serve, suppress=True)


def session_argv(args: argparse.Namespace, parser: argparse.ArgumentParser) -> list[str]:
    """The ``meshtui`` arguments of one browser session: the dashboard (or the demo) with every
    dashboard and kubeconfig option given here, and ``--read-only`` unless ``--allow-writes``."""
    argv: list[str] = []
    for action in parser._actions:  # the top-level options: kubeconfig and dashboard
        if not action.option_strings or action.dest in SERVE_ONLY | {"help", "version"}:
            continue
        value = getattr(args, action.dest, action.default)
        if value == action.default or value is False:
            continue
        option = max(action.option_strings, key=len)
        if action.dest == "request_timeout":
            # Parsed to seconds, None for "no timeout": written back as kubectl reads it.
            argv += [option, "0" if value is None else f"{round(value * 1000)}ms"]
        elif value is not None:
            argv += [option] if value is True else [option, str(value)]
    if not args.allow_writes and "--read-only" not in argv:
        argv.append("--read-only")
    if args.command == "demo" or getattr(args, "demo", False):
        argv.append("demo")
        if args.scenario:
            argv += ["--scenario", args.scenario]
        if args.seed is not None:
            argv += ["--seed", str(args.seed)]
    return argv


def check_demo_options(args: argparse.Namespace) -> None:
    """Refuse web-server options on a ``demo`` that serves nothing (they would do nothing)."""
    given = [option for option, dest, default in (
        ("--host", "host", "127.0.0.1"), ("--port", "port", DEFAULT_PORT),
        ("--allow-writes", "allow_writes", False), ("--require-token", "require_token", False),
        ("--max-sessions", "max_sessions", DEFAULT_SESSIONS)) if getattr(args, dest, default) != default]
    if given:
        raise UsageError(f"{', '.join(given)} only apply with --serve")


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve browser sessions until SIGINT or SIGTERM."""
    from meshtui.cli.entry import build_parser
    from meshtui.output import say
    from meshtui.ui.serve import is_loopback, new_token, serve

    demo = args.command == "demo" or args.demo
    if demo and (getattr(args, "kubeconfig", None) or getattr(args, "context", None)):
        raise UsageError("--demo serves a simulated mesh: it takes no --kubeconfig or --context")
    token = None if is_loopback(args.host) and not args.require_token else new_token()
    argv = session_argv(args, build_parser())
    command = shlex.join(["exec", sys.executable, "-m", "meshtui", *argv])
    mode = "read-write" if args.allow_writes else "read-only (--allow-writes to change weights)"
    say(f"Serving:     meshtui {shlex.join(_hide_userinfo(arg) for arg in argv)}")
    say(f"Sessions:    {mode}, at most {args.max_sessions} at once")
    if token is not None:
        say("Access:      the token in the URL below is required on every connection")
    try:
        serve(command, host=args.host, port=args.port, token=token,
              max_sessions=args.max_sessions, title="meshtui demo" if demo else "meshtui",
              say=lambda line: say(line, flush=True))
    except OSError as exc:
        raise UsageError(f"cannot listen on {args.host}:{args.port}: "
                         f"{exc.strerror or exc}") from None
    return 0
