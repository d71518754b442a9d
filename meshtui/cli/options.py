"""What every command shares: the parser class, kubectl's connection options, argument types and
the checks of values argparse cannot express. Failures the user can fix are one ``error: ...`` line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from typing import Any, NoReturn


class UsageError(Exception):
    """An option combination the parser cannot express; reported as ``error: ...``."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose refusals are one ``error: ...`` line and exit status 1, like
    every other failure the user can fix (argparse's own is the usage and status 2)."""

    def error(self, message: str) -> NoReturn:  # type: ignore[override]
        from meshtui.output import error

        self.exit(error(f"{message} (see {self.prog} -h)"))


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


def add_kube_options(parser: argparse.ArgumentParser, *, suppress: bool = True,
                     namespaced: bool = True, all_namespaces: bool = True) -> None:
    """Add kubectl's connection and namespace options: the one declaration every command uses.

    Subcommands add them with SUPPRESS defaults (the default), so ``meshtui --context x get
    splits`` and ``meshtui get splits --context x`` both work: a subparser's default would
    overwrite the value given before the subcommand.

    Args:
        parser: The parser (or group) to add them to.
        suppress: False for the top-level parser, which holds the defaults.
        namespaced: Add ``-n/--namespace``.
        all_namespaces: Add ``-A/--all-namespaces``.
    """
    default: Any = argparse.SUPPRESS if suppress else None
    parser.add_argument("--kubeconfig", metavar="PATH", default=default,
                        help="kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)")
    parser.add_argument("--context", metavar="NAME", default=default,
                        help="kubeconfig context (default: the current context)")
    add_request_timeout(parser, suppress=suppress)
    if namespaced:
        parser.add_argument("-n", "--namespace", metavar="NS", default=default,
                            help="namespace (default: the context's namespace)")
    if all_namespaces:
        parser.add_argument("-A", "--all-namespaces", action="store_true",
                            default=argparse.SUPPRESS if suppress else False,
                            help="all namespaces")


def add_write_options(parser: argparse.ArgumentParser, *, suppress: bool = True,
                      dry_run: bool = True) -> None:
    """Add ``--read-only`` and (with `dry_run`) ``--dry-run``, for every command that writes.

    SUPPRESS defaults keep ``meshtui --dry-run weight ...`` a dry run: a subparser default of
    False would overwrite the flag given before the subcommand and send a real write.
    """
    default: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument("--read-only", action="store_true", default=default,
                        help="never write: every write is refused and audited")
    if dry_run:
        parser.add_argument("--dry-run", action="store_true", default=default,
                            help="send writes as server-side dry runs (dryRun=All): preview, "
                                 "nothing is stored")


OUTPUTS = ("table", "json")
"""What ``-o/--output`` accepts on every command that prints results."""


def add_write_verb_options(parser: argparse.ArgumentParser) -> None:
    """Options every verb that writes one split takes: where, whether it may write, how it prints."""
    add_kube_options(parser, all_namespaces=False)
    add_write_options(parser)
    add_output_option(parser)


def add_target(parser: argparse.ArgumentParser) -> None:
    """The KIND/NAME of the one split a verb acts on."""
    parser.add_argument("target", metavar="KIND/NAME",
                        help="trafficsplit/NAME (ts), httproute/NAME (hr), or NAME alone")


def _output(text: str) -> str:
    # "text" was the name of the table output of some commands before every command said "table".
    return "table" if text == "text" else text


def add_output_option(parser: argparse.ArgumentParser) -> None:
    """Add ``-o/--output table|json`` (JSON: whole values, RFC 3339 times, rules from 1)."""
    parser.add_argument("-o", "--output", choices=OUTPUTS, type=_output, default="table",
                        help="table (default) or json")


def option(args: argparse.Namespace, name: str, default: Any = None) -> Any:
    """The value of option `name`, or `default` when it is unset: a verb run on its own
    (``python -m meshtui.rollout``) has no top-level parser to give its SUPPRESSed options a
    default."""
    value = getattr(args, name, default)
    return default if value is None else value


def emit(args: argparse.Namespace, data: Any, lines: list[str]) -> None:
    """A verb's answer: `data` as indented JSON with ``-o json``, else `lines` as text."""
    if option(args, "output") == "json":
        json.dump(data, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        from meshtui.output import say

        say(lines)


def check_options(args: argparse.Namespace) -> None:
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
