"""How the dashboard uses the terminal's width: one pane at a time, side by side, or a fleet table.

Below `NARROW_BELOW` columns the navigator and the detail cannot both be read, so they take
turns, as in k9s: the navigator fills the screen, Enter opens the split full width and Escape
goes back. From `FLEET_FROM` columns the navigator widens into a fleet table (each split's canary
figures and verdict). The mode is a CSS class on the screen (``-narrow``, ``-fleet``), so
dashboard.tcss says what each looks like.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widgets import Footer

from meshtui.ui.widgets._split_fleet import next_sort

if TYPE_CHECKING:
    from meshtui.ui.dashboard._screen import DashboardScreen

NARROW_BELOW = 120
"""Columns below which the navigator and the detail take turns."""
FLEET_FROM = 160
"""Columns from which the navigator shows the fleet table."""
MODES = ("narrow", "split", "fleet")
"""The layouts, narrowest first."""
NAVIGATOR_ACTIONS = frozenset({"toggle_attention", "cycle_sort", "toggle_wide", "pick_namespace"})
"""Actions on the navigator's rows, off while a narrow screen shows the split instead."""


def layout_mode(width: int) -> str:
    """The layout for a terminal `width` columns wide (one of `MODES`)."""
    if width < NARROW_BELOW:
        return "narrow"
    return "fleet" if width >= FLEET_FROM else "split"


class Layout:
    """The screen's layout mode and, when narrow, which pane shows."""

    def __init__(self, screen: DashboardScreen) -> None:
        """Start side by side, until the first resize says how wide the terminal is."""
        self.screen = screen
        self.mode = "split"
        """One of `MODES`."""
        self.detail_open = False
        """When narrow: whether the detail shows (else the navigator does)."""

    @property
    def narrow(self) -> bool:
        """Whether the panes take turns."""
        return self.mode == "narrow"

    @property
    def can_go_back(self) -> bool:
        """Whether Escape returns from the detail to the navigator."""
        return self.narrow and self.detail_open

    def prepare(self, width: int) -> None:
        """Choose the layout's mode and the screen's classes for `width` columns (`fit` does the
        widgets, once composed)."""
        self.mode = layout_mode(width)
        self.screen.set_class(self.narrow, "-narrow")
        self.screen.set_class(self.mode == "fleet", "-fleet")

    def fit(self, width: int) -> None:
        """Choose the layout for `width` columns."""
        self.prepare(width)
        screen = self.screen
        if screen.split_list.fleet != (self.mode == "fleet"):
            screen.split_list.fleet = self.mode == "fleet"
            screen.presenter.refresh_navigator_title()
        # Compact keys leave room for more of them; the rest scroll (mouse wheel on the footer).
        screen.query_one(Footer).compact = self.narrow

    def open_detail(self) -> None:
        """Show the selected split (full width when narrow) and focus its backends."""
        if self.narrow:
            self.detail_open = True
            self.screen.add_class("-detail-open")
            self.screen.refresh_bindings()
        self.screen.detail.focus_backends()

    def close_detail(self) -> None:
        """Back to the navigator."""
        self.detail_open = False
        self.screen.remove_class("-detail-open")
        self.screen.refresh_bindings()
        self.screen.split_list.focus()

    def cycle_sort(self) -> None:
        """Sort the splits by the next column (within each namespace); the title says which."""
        split_list = self.screen.split_list
        split_list.sort = next_sort(split_list.sort)
        self.screen.presenter.refresh_navigator_title()

    def toggle_wide(self) -> None:
        """Show or hide the stable backend's figures in the fleet table."""
        split_list = self.screen.split_list
        split_list.wide = not split_list.wide
        self.screen.set_class(split_list.wide, "-wide")
        self.screen.presenter.refresh_navigator_title()
        if not split_list.fleet:
            self.screen.notify(f"wide mode shows in the fleet table, from {FLEET_FROM} columns")
