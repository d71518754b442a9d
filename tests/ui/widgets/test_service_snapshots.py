"""Snapshot of the services table at an explicit size, in the default theme.

Regenerate deliberately with ``pytest tests/ui/widgets/test_service_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from tests.ui.widgets.test_service_table import TableApp, sample_services


def test_service_table(snap_compare) -> None:
    """Meshed state, proxies, figures, splits, a mirror and flagged rows; cursor on the fourth."""
    assert snap_compare(TableApp(sample_services()), press=["down", "down", "down"],
                        terminal_size=(130, 10))
