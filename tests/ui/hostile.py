"""Hostile strings and oversized splits for the rendering tests, and checks on what reached the screen.

An attacker with edit rights on one object controls `spec.service`, backend names, route
backendRefs and an owner's status message. These strategies build such strings from the pieces
that have done harm: markup (`[@click=…]` ran actions, `[/]` crashed), terminal escapes (cleared
the screen, set the title), bidirectional and zero-width characters, and sheer length.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from hypothesis import strategies as st
from rich.segment import Segment
from textual.strip import Strip

PIECES = (
    "[", "]", "[/]", "[b]", "[/b]", "[red]stable[/red]", "[@click=app.quit]", "[@click=app.bell]x[/]",
    "[@click=app.screenshot('victim.conf','/tmp')]see runbook[/]", "[link=https://evil.example]",
    "[link='https://evil.example']x[/link]", "\\", "\\[", "$var", "\x1b[2J", "\x1b]0;pwned\x07",
    "\x1b[5mROLLOUT HEALTHY - SAFE TO PROMOTE\x1b[0m", "\x9b31m", "\x7f", "\x00", "\n", "\r", "\t",
    "\u202e", "\u2066", "\u200b", "\u200f", "\ufeff", "עברית", "界", "e\u0301", "svc", "stable",
    " ",
)
"""Fragments that have broken terminal dashboards (drawn from a pool: generating them is slow)."""

FRAGMENTS = st.lists(st.sampled_from(PIECES) | st.text(max_size=6), min_size=1, max_size=8).map("".join)
HOSTILE = FRAGMENTS | FRAGMENTS.map(lambda s: (s * (100_000 // max(1, len(s)) + 1))[:100_000])
"""A hostile string: markup, escapes, bidi and zero-width characters, or 100,000 characters."""

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
"""A byte a terminal acts on."""


def trafficsplit(name: str, service: str, backends: list[str]) -> dict[str, Any]:
    """A v1alpha2 TrafficSplit in booksapp (listed first) with these free-form strings."""
    return {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
            "metadata": {"name": name, "namespace": "booksapp"},
            "spec": {"service": service,
                     "backends": [{"service": backend, "weight": 10 + i}
                                  for i, backend in enumerate(backends)]}}


def httproute(name: str, parent: str, rules: list[list[str]]) -> dict[str, Any]:
    """A Gateway API HTTPRoute in booksapp whose rules weight these backendRef names."""
    return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": name, "namespace": "booksapp"},
            "spec": {"parentRefs": [{"group": "core", "kind": "Service", "name": parent, "port": 80}],
                     "rules": [{"backendRefs": [{"name": backend, "port": 80, "weight": 1 + i}
                                                for i, backend in enumerate(rule)]} for rule in rules]}}


def screen_strips(app: Any) -> list[Strip]:
    """Every line of the screen as the terminal would receive it (notifications included)."""
    return app.screen._compositor.render_strips()


def screen_lines(strips: Iterable[Strip]) -> list[str]:
    """The text of each line."""
    return ["".join(segment.text for segment in strip) for strip in strips]


def harmful_segments(strips: Iterable[Strip]) -> list[Segment]:
    """Segments that carry a control byte, a link, or an action run on click."""
    found = []
    for strip in strips:
        for segment in strip:
            style = segment.style
            meta = (style.meta if style is not None else None) or {}
            if CONTROL.search(segment.text) or (style is not None and style.link) or "@click" in meta:
                found.append(segment)
    return found


def plain_prefix(text: str, cells: int = 20) -> str:
    """The start of `text` made of one-cell characters only: what must appear on screen as is."""
    from rich.cells import cell_len

    prefix = ""
    for char in text:
        if len(prefix) >= cells or cell_len(char) != 1 or not char.isprintable():
            break
        prefix += char
    return prefix.rstrip()
