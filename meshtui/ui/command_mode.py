"""The `:` command language: parsing and tab completion, free of Textual so it is easy to test.

Commands (k9s habits): ``:svc`` (the services view), ``:splits`` / ``:ts`` / ``:hr`` (the splits
view), ``:ns NAME`` (namespace scope; ``all`` or ``-A`` for every namespace), ``:ctx NAME``
(switch kubeconfig context) and ``:q`` (quit).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

VIEWS: dict[str, str] = {"svc": "services", "services": "services", "service": "services",
                         "splits": "splits", "split": "splits", "ts": "splits", "hr": "splits"}
"""Command words that switch the view, and the view each shows."""

WITH_ARGUMENT: dict[str, str] = {"ns": "namespace", "namespace": "namespace", "ctx": "context",
                                 "context": "context"}
"""Command words that take a name, and what the name is."""

QUIT = ("q", "quit")

ALL_NAMESPACES = ("all", "-A", "*")
"""Arguments of ``:ns`` meaning every namespace."""

WORDS: tuple[str, ...] = ("svc", "splits", "ts", "hr", "ns", "ctx", "q")
"""The command words completion offers first."""
LONG_WORDS: tuple[str, ...] = ("services", "namespace", "context", "quit")
"""Longer spellings, offered when no short word matches."""

MAX_COMMAND = 300
"""Longest command line read (names are at most 253 characters)."""


@dataclass(frozen=True)
class Command:
    """A parsed command.

    Attributes:
        action: "view", "namespace", "context" or "quit".
        argument: The view name, the namespace (None: every namespace) or the context.
    """

    action: str
    argument: str | None = None


class CommandError(ValueError):
    """A command line that means nothing; its message says what is known."""


def parse(text: str) -> Command:
    """Parse one command line (with or without its leading ``:``).

    Raises:
        CommandError: For an unknown command, a missing or extra argument.
    """
    words = text[:MAX_COMMAND].strip().removeprefix(":").split()
    if not words:
        raise CommandError("empty command (try :svc, :splits, :ns NAME, :ctx NAME, :q)")
    word, rest = words[0].lower(), words[1:]
    if word in VIEWS or word in QUIT:
        if rest:
            raise CommandError(f":{word} takes no argument")
        return Command("quit") if word in QUIT else Command("view", VIEWS[word])
    if word in WITH_ARGUMENT:
        what = WITH_ARGUMENT[word]
        if len(rest) != 1:
            raise CommandError(f":{word} takes one {what} name")
        name = rest[0]
        if what == "namespace" and name in ALL_NAMESPACES:
            return Command("namespace", None)
        return Command(what, name)
    raise CommandError(f"unknown command :{word[:40]} (try :svc, :splits, :ns NAME, :ctx NAME, :q)")


def candidates(text: str, namespaces: Sequence[str], contexts: Sequence[str]) -> list[str]:
    """Every full command line that completes `text` (without the ``:``)."""
    head, space, tail = text.lstrip().partition(" ")
    if not space:
        head = head.lower()
        return ([word for word in WORDS if word.startswith(head)]
                or [word for word in LONG_WORDS if word.startswith(head)])
    what = WITH_ARGUMENT.get(head.lower())
    if what is None or " " in tail.strip():
        return []
    names = [*namespaces, "all"] if what == "namespace" else list(contexts)
    return [f"{head} {name}" for name in names if name.startswith(tail.strip())]


def complete(text: str, namespaces: Sequence[str], contexts: Sequence[str]) -> str:
    """`text` completed as far as it is unambiguous; with one candidate, the whole of it (and a
    space after a command word that takes a name). Unchanged when nothing completes."""
    found = candidates(text, namespaces, contexts)
    if not found:
        return text
    if len(found) == 1:
        only = found[0]
        return f"{only} " if only.lower() in WITH_ARGUMENT else only
    prefix = os.path.commonprefix(found)
    return prefix if len(prefix) > len(text.strip()) else text
