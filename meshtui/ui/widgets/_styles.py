"""Reading component styles as foreground-only Rich styles with theme alpha already blended."""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


def component_fg(widget: Widget, name: str) -> Style:
    """The colour and text style of a component class, without its background.

    A partial style would drop colours given with alpha (``$foreground-muted``, ``$warning 60%``)
    back to their opaque value; the full style blends them against the widget's background.
    Dropping the background lets the caller lay the text over a cursor or row colour.

    Args:
        widget: The widget that declares the component class.
        name: The component class, e.g. ``"split-list--kind"``.

    Returns:
        A Rich style with colour, bold, dim, italic, underline and reverse only.
    """
    full = widget.get_component_rich_style(name)
    return Style(
        color=full.color,
        bold=full.bold,
        dim=full.dim,
        italic=full.italic,
        underline=full.underline,
        reverse=full.reverse,
    )
