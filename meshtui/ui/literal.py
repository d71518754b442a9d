"""The one way a string from the cluster, Prometheus or a file becomes something drawn.

Textual parses a plain string given to `Static`, `notify`, an `Option`, a palette hit or a border
title as markup: ``[@click=app.quit]`` in a backend name would become a live link and ``svc[/]``
a crash. So data never reaches a widget as a string: it becomes a Rich `Text` (or a Textual
`Content`) here, with its control characters shown escaped (`meshtui.model.text.visible`) and
its length bounded. Meshtui's own words are joined around it with `Text.assemble`, where a
plain ``str`` is never parsed as markup either.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import StyleType
from rich.text import Text
from textual.content import Content

from meshtui.model.text import ELLIPSIS, visible

__all__ = ["MESSAGE_LIMIT", "literal", "literal_content", "visible"]

MESSAGE_LIMIT = 500
"""Longest notification, check line or message drawn (a hostile object can carry megabytes)."""


def literal(value: object, style: StyleType = "", *, limit: int | None = None,
            middle: bool = False) -> Text:
    """`value` as text drawn exactly as it is: never markup, control characters escaped.

    Args:
        value: Any data; non-strings are formatted with `str`.
        style: The style of the whole text (meshtui's choice, never the data's).
        limit: When given, the text is cut to at most this many cells, the cut marked with "…"
            (wide characters count twice, so the cut holds on screen, not only in characters).
        middle: Cut in the middle rather than at the end, so names that differ only at the end
            (``podinfo-primary``, ``podinfo-canary``) stay apart.

    Returns:
        A `Text` without markup, links or actions.
    """
    if limit is None:
        return Text(visible(value), style=style, end="")
    raw = value if isinstance(value, str) else str(value)
    long = len(raw) > 4 * limit + 16
    if long:
        # Escaping only lengthens text, so both ends are enough; the junction is cut away below.
        raw = raw[: 2 * limit + 8] + (raw[-(2 * limit + 8):] if middle else "")
    return Text(fit_cells(visible(raw), limit, middle=middle, cut=long), style=style, end="")


def fit_cells(text: str, limit: int, *, middle: bool = False, cut: bool = False) -> str:
    """`text` cut to at most `limit` cells, the cut marked with "…" at the end or in the middle.

    `cut` says the text was already shortened (so it is marked even if what is left fits).
    """
    if not cut and cell_len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    room = limit - 1
    if not middle:
        return _take(text, room) + ELLIPSIS
    head = _take(text, room // 2 + room % 2)
    tail = _take(text[::-1], room - cell_len(head))[::-1]
    return head + ELLIPSIS + tail


def _take(text: str, cells: int) -> str:
    """The longest start of `text` that fits in `cells` cells (and at most ``2 * cells + 8``
    characters: zero-width characters take no cell, and a million of them must not pass)."""
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > cells or index >= 2 * cells + 8:
            return text[:index]
    return text


def literal_content(value: object, *, limit: int | None = None) -> Content:
    """`literal` as Textual `Content`, for the places that take only that (palette hits)."""
    return Content.from_rich_text(literal(value, limit=limit))
