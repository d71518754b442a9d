"""Unit tests of the `:` command language: parsing and tab completion."""

from __future__ import annotations

import pytest

from meshtui.ui.command_mode import Command, CommandError, complete, parse

NAMESPACES = ["booksapp", "emojivoto", "test"]
CONTEXTS = ["meshtui-sim", "readonly"]


@pytest.mark.parametrize(("text", "command"), [
    (":svc", Command("view", "services")), ("splits", Command("view", "splits")),
    (":ts", Command("view", "splits")), (":hr", Command("view", "splits")),
    (":ns emojivoto", Command("namespace", "emojivoto")), (":ns all", Command("namespace", None)),
    (":ns -A", Command("namespace", None)), (" :ctx readonly ", Command("context", "readonly")),
    (":q", Command("quit")), (":QUIT", Command("quit")),
])
def test_parse(text: str, command: Command) -> None:
    """Every command word and its argument."""
    assert parse(text) == command


@pytest.mark.parametrize(("text", "message"), [
    (":", "empty command"), (":nope", "unknown command :nope"), (":ns", "takes one namespace"),
    (":ns a b", "takes one namespace"), (":svc x", "takes no argument"),
])
def test_parse_refuses(text: str, message: str) -> None:
    """Errors say what is wrong."""
    with pytest.raises(CommandError, match=message):
        parse(text)


@pytest.mark.parametrize(("text", "completed"), [
    ("sv", "svc"), ("sp", "splits"), ("s", "s"), ("n", "ns "), ("ns e", "ns emojivoto"),
    ("ns ", "ns "), ("ctx r", "ctx readonly"), ("ctx m", "ctx meshtui-sim"), ("ns zz", "ns zz"),
    ("q", "q"), ("ns b x", "ns b x"),
])
def test_complete(text: str, completed: str) -> None:
    """Tab completes as far as unambiguous; nothing changes when nothing matches."""
    assert complete(text, NAMESPACES, CONTEXTS) == completed
