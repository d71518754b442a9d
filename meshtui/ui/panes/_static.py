"""Text updates that leave the layout alone when nothing changed."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_text(static: Static, text: Text | str, *, layout: bool = True) -> None:
    """`Static.update` only for new text.

    Each update reflows the whole screen (about 25 ms with a thousand splits listed), and the
    detail is shown again on every metrics answer with mostly the same text. A `str` is
    meshtui's own wording (parsed as markup); data arrives as `Text` (see `meshtui.ui.literal`).
    `layout=False` repaints only: for a widget whose size no text can change (one line, cut).
    """
    if static.content != text:
        static.update(text, layout=layout)
