"""The dashboard's widgets: navigator, charts, weight bars, backend table, status bar, owner panel.

Each widget lives in its own module; they are re-exported here for convenience.
"""

from __future__ import annotations

from meshtui.ui.widgets.backend_table import BackendTable
from meshtui.ui.widgets.owner_panel import OwnerPanel
from meshtui.ui.widgets.signal_chart import SignalChart
from meshtui.ui.widgets.split_list import SplitList
from meshtui.ui.widgets.status_bar import StatusBar
from meshtui.ui.widgets.weight_bar import WeightBar, weight_bar

__all__ = ["BackendTable", "OwnerPanel", "SignalChart", "SplitList", "StatusBar", "WeightBar", "weight_bar"]
