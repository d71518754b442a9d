"""The one way a string from the cluster, Prometheus or a file becomes something drawn.

Textual parses a plain string given to `Static`, `notify`, an `Option`, a palette hit or a border
title as markup: ``[@click=app.quit]`` in a backend name would become a live link and ``svc[/]``
a crash. So data never reaches a widget as a string: it becomes a Rich `Text` (or a Textual
`Content`) here, with its control characters shown escaped (`meshtui.model.text.visible`) and
its length bounded. Meshtui's own words are joined around it with `Text.assemble`, where a
plain ``str`` is never parsed as markup either.
"""

from __future__ import annotations

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
    if middle:
        raw = value if isinstance(value, str) else str(value)
        if len(raw) > 4 * limit + 16:
            # Both ends are kept; the junction falls in the part the cut removes.
            raw = raw[: 2 * limit + 8] + raw[-(2 * limit + 8):]
        shown = visible(raw)
        if len(shown) > limit:
            head = (limit - 1) // 2
            tail = limit - 1 - head
            shown = shown[:head] + ELLIPSIS + (shown[-tail:] if tail > 0 else "")
    else:
        shown = visible(value, limit)
    text = Text(shown, style=style, end="")
    if text.cell_len > limit:
        text.truncate(limit, overflow="ellipsis")
    return text


def literal_content(value: object, *, limit: int | None = None) -> Content:
    """`literal` as Textual `Content`, for the places that take only that (palette hits)."""
    return Content.from_rich_text(literal(value, limit=limit))
