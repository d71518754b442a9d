"""A braille dot canvas: 2x4 dots per terminal cell, several layers, Bresenham lines.

Pure Python, no Textual: `SignalChart` draws series into it and reads back one character
and the topmost layer per cell.
"""

from __future__ import annotations

DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
"""Bit of the braille dot at ``[row][column]`` inside a cell (Unicode braille pattern order)."""


class BrailleCanvas:
    """A grid of `width` x `height` cells addressed in dots (``2 * width`` x ``4 * height``)."""

    def __init__(self, width: int, height: int) -> None:
        """Create an empty canvas.

        Args:
            width: Width in cells.
            height: Height in cells.
        """
        self.width = max(0, width)
        """Width in cells."""
        self.height = max(0, height)
        """Height in cells."""
        self._bits = [[0] * self.width for _ in range(self.height)]
        self._layer = [[-1] * self.width for _ in range(self.height)]

    @property
    def dot_width(self) -> int:
        """Width in dots."""
        return self.width * 2

    @property
    def dot_height(self) -> int:
        """Height in dots."""
        return self.height * 4

    def plot(self, x: int, y: int, layer: int) -> None:
        """Set one dot; dots outside the canvas are ignored.

        Args:
            x: Dot column, 0 at the left.
            y: Dot row, 0 at the top.
            layer: Which series drew it; the last layer to touch a cell colours it.
        """
        if 0 <= x < self.dot_width and 0 <= y < self.dot_height:
            row, col = y // 4, x // 2
            self._bits[row][col] |= DOT_BITS[y % 4][x % 2]
            self._layer[row][col] = layer

    def line(self, x0: int, y0: int, x1: int, y1: int, layer: int, *, dash: int = 0) -> None:
        """Draw a straight line of dots between two points, ends included (Bresenham).

        With `dash`, the line is drawn `dash` dots on, `dash` dots off, so series that share a
        colour still look different.

        Args:
            x0: Start column.
            y0: Start row.
            x1: End column.
            y1: End row.
            layer: Which series drew it.
            dash: Length of the dashes in dots; 0 draws a solid line.
        """
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        # Bounded by the line's length: each step moves x or y (or both) one dot closer.
        for step in range(dx - dy + 1):
            if not dash or step // dash % 2 == 0:
                self.plot(x0, y0, layer)
            if x0 == x1 and y0 == y1:
                return
            doubled = 2 * err
            if doubled >= dy:
                err += dy
                x0 += sx
            if doubled <= dx:
                err += dx
                y0 += sy

    def cell(self, column: int, row: int) -> tuple[str, int]:
        """The braille character of a cell and its topmost layer (-1 when the cell is empty).

        Args:
            column: Cell column.
            row: Cell row.

        Returns:
            The character (a space when empty) and the layer.
        """
        bits = self._bits[row][column]
        if not bits:
            return " ", -1
        return chr(0x2800 + bits), self._layer[row][column]
