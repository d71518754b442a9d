"""Text updates that leave the layout alone when nothing changed size."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


def update_text(static: Static, text: Text | str) -> None:
    """`Static.update` only for new text, and a layout pass only for a new size.

    A layout pass reflows the whole screen (about 20 ms with a thousand splits listed), and the
    detail is shown again on every metrics answer, often with the same text, or new figures on
    as many lines. A `str` is meshtui's own wording (parsed as markup); data arrives as `Text`
    (see `meshtui.ui.literal`).
    """
    if static.content == text:
        return
    before = _size(static)
    static.update(text, layout=before is None)
    if before is not None and _size(static) != before:
        static.refresh(layout=True)


def _size(static: Static) -> tuple[int, int] | None:
    """The content size `static` asks its container for at its current width (auto dimensions
    only), or None when it has not been laid out yet."""
    width = static.content_size.width
    if not static.is_mounted or not width:
        return None
    size = static.size
    styles = static.styles
    return (static.get_content_width(size, size) if styles.width is not None and styles.width.is_auto
            else width,
            static.get_content_height(size, size, width) if styles.height is not None
            and styles.height.is_auto else 0)
