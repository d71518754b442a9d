"""The dashboard: the main screen and the parts it is composed of.

`DashboardScreen` (``_screen``) holds the state and routes keys and messages; `MetricsPipeline`
(``_pipeline``) runs the watch and the metrics workers; `Presenter` (``_presenter``) draws the
widgets from the state; `TrafficActions` (``_traffic``, writes in ``_traffic_writes``) and
`PlanActions` (``_plans``) carry out the keys that write. The modules are private: import from
here.
"""

from meshtui.ui.dashboard._pipeline import MetricsPipeline
from meshtui.ui.dashboard._plans import PLAN_BINDINGS, PlanActions
from meshtui.ui.dashboard._presenter import Presenter
from meshtui.ui.dashboard._screen import DashboardScreen
from meshtui.ui.dashboard._traffic import CONTROL_BINDINGS, TrafficActions

__all__ = ["CONTROL_BINDINGS", "PLAN_BINDINGS", "DashboardScreen", "MetricsPipeline", "PlanActions",
           "Presenter", "TrafficActions"]
