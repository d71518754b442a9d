"""Composite panes of the dashboard, assembled from the widgets in `meshtui.ui.widgets`."""
