"""Shell completion (bash and zsh) with argcomplete: verbs, options and their choices from the
parser, and, as kubectl completes them, namespaces, contexts and split names from the cluster.

``meshtui completion bash|zsh`` prints the script to source. When the shell asks (argcomplete's
``_ARGCOMPLETE`` variable), `autocomplete` answers and exits before anything else runs. Completers
are attached by option name after the parser is built, so a verb added later with ``-n``,
``--context`` or a ``KIND/NAME`` target completes them too. A cluster that is slow, unreachable or
refuses gives no candidates, never an error in the middle of the user's command line.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator
from typing import Any

PROGRAMS = ("meshtui", "kubectl-meshtui")
SHELLS = ("bash", "zsh")
COMPLETION_TIMEOUT = 3.0
"""Seconds one request of a completion may take: the user is waiting at the prompt."""
KINDS = {"trafficsplit": "TrafficSplit", "ts": "TrafficSplit", "trafficsplits": "TrafficSplit",
         "httproute": "HTTPRoute", "hr": "HTTPRoute", "httproutes": "HTTPRoute"}
"""The KIND/ forms a target accepts, and the kind each names."""
OFFERED_KINDS = {"TrafficSplit": "trafficsplit", "HTTPRoute": "httproute"}

Completer = Callable[..., list[str]]


def add_parsers(subparsers: Any) -> None:
    """Add ``completion`` to a parser's subparsers."""
    completion = subparsers.add_parser(
        "completion", help="print the shell completion script (bash or zsh)",
        description="Print the completion script: source <(meshtui completion bash), or for zsh "
                    "source <(meshtui completion zsh).")
    completion.add_argument("shell", choices=SHELLS)


def cmd_completion(args: argparse.Namespace) -> int:
    """``meshtui completion SHELL``: print the script that registers completion in SHELL."""
    import sys

    import argcomplete

    sys.stdout.write(argcomplete.shellcode(list(PROGRAMS), shell=args.shell))
    return 0


COBRA_NO_FILES = ":4"
"""The last line of a kubectl plugin's completions: cobra's "no file names" directive."""


def kubectl_complete(argv: list[str] | None = None) -> int:
    """``kubectl_complete-meshtui``: what kubectl runs for ``kubectl meshtui <tab>``.

    kubectl passes the words after ``meshtui``, the last one being the word completed, and
    reads one candidate a line, then cobra's directive line.
    """
    import io
    import shlex
    import sys

    import argcomplete

    from meshtui.cli.entry import build_parser

    words = list(sys.argv[1:] if argv is None else argv) or [""]
    line = " ".join(["meshtui", *(shlex.quote(w) for w in words[:-1]), words[-1]])
    parser = build_parser()
    attach_completers(parser)
    out = io.StringIO()
    environ = {"_ARGCOMPLETE": "1", "COMP_LINE": line, "COMP_POINT": str(len(line)),
               "_ARGCOMPLETE_IFS": "\n"}
    saved = {key: os.environ.get(key) for key in environ}
    os.environ.update(environ)
    try:
        argcomplete.autocomplete(parser, output_stream=out, exit_method=lambda _code: None)
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    candidates = [c.rstrip() for c in out.getvalue().split("\n") if c.strip()]
    sys.stdout.write("".join(f"{c}\n" for c in candidates) + COBRA_NO_FILES + "\n")
    return 0


def _cluster(parsed: argparse.Namespace) -> Any:
    from meshtui.kube.config import load_cluster

    return load_cluster(getattr(parsed, "kubeconfig", None), getattr(parsed, "context", None),
                        request_timeout=COMPLETION_TIMEOUT)


def _quietly(completer: Completer) -> Completer:
    """`completer`, giving no candidates instead of raising (errors would garble the prompt)."""
    def complete(**kwargs: Any) -> list[str]:
        try:
            return completer(**kwargs)
        except Exception:  # noqa: BLE001 - any failure means "nothing to offer"
            return []

    return complete


def complete_contexts(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The kubeconfig's context names."""
    from meshtui.kube.config import context_names

    return [n for n in context_names(getattr(parsed_args, "kubeconfig", None))
            if n.startswith(prefix)]


def complete_namespaces(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The cluster's namespaces."""
    from meshtui.kube.client import MeshClient

    cluster = _cluster(parsed_args)
    try:
        objects, _version = MeshClient(cluster).list("namespaces")
    finally:
        cluster.close()
    names = (str((o.get("metadata") or {}).get("name") or "") for o in objects)
    return sorted(n for n in names if n and n.startswith(prefix))


def complete_splits(prefix: str, parsed_args: argparse.Namespace, **_: Any) -> list[str]:
    """The splits of the namespace (``-n``, else the context's) as ``KIND/NAME``; after a
    ``KIND/`` only that kind's."""
    from meshtui.kube.client import MeshClient

    cluster = _cluster(parsed_args)
    try:
        namespace = getattr(parsed_args, "namespace", None) or cluster.namespace
        splits = MeshClient(cluster).list_splits(namespace)
    finally:
        cluster.close()
    typed_kind, slash, _name = prefix.rpartition("/")
    offered = []
    for split in splits:
        if slash:
            if KINDS.get(typed_kind.lower()) == split.kind:
                offered.append(f"{typed_kind}/{split.name}")
        elif split.kind in OFFERED_KINDS:
            offered.append(f"{OFFERED_KINDS[split.kind]}/{split.name}")
    return sorted(o for o in set(offered) if o.startswith(prefix))


COMPLETERS: dict[str, Completer] = {"namespace": complete_namespaces, "context": complete_contexts,
                                    "target": complete_splits}
"""Completers by argparse destination."""


def _actions(parser: argparse.ArgumentParser) -> Iterator[argparse.Action]:
    for action in parser._actions:
        yield action
        if isinstance(action, argparse._SubParsersAction):
            for child in {id(p): p for p in action.choices.values()}.values():
                yield from _actions(child)


def attach_completers(parser: argparse.ArgumentParser) -> None:
    """Give every ``-n``, ``--context`` and ``KIND/NAME`` target of every verb its completer."""
    for action in _actions(parser):
        completer = COMPLETERS.get(action.dest)
        if completer is not None:
            action.completer = _quietly(completer)  # type: ignore[attr-defined]


def autocomplete(parser: argparse.ArgumentParser) -> None:
    """Answer the shell and exit when it asks for completions; return at once otherwise."""
    if "_ARGCOMPLETE" not in os.environ:
        return
    import argcomplete

    attach_completers(parser)
    argcomplete.autocomplete(parser)
