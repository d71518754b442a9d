"""Figures the reliability tests measure, kept as JSON files that the report turns into a table.

Each scenario writes ``.figures/<scenario>.json`` next to this module; a later run of the same
scenario replaces its file, so the report always shows the latest measurement.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from pathlib import Path
from typing import Any

FIGURES_DIR = Path(__file__).resolve().parent / ".figures"


def record(scenario: str, **values: Any) -> Path:
    """Merge `values` into the figures of `scenario` and return the file written.

    Args:
        scenario: A short key, e.g. ``"restarts"``.
        **values: JSON-serialisable figures.
    """
    FIGURES_DIR.mkdir(parents=True, exist_ok=True)
    path = FIGURES_DIR / f"{scenario}.json"
    current: dict[str, Any] = {}
    if path.exists():
        try:
            current = json.loads(path.read_text())
        except ValueError:
            current = {}
    current.update(values)
    path.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    return path


def load_all(directory: Path = FIGURES_DIR) -> dict[str, dict[str, Any]]:
    """Every recorded scenario's figures, by scenario key."""
    out: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.json")):
        try:
            out[path.stem] = json.loads(path.read_text())
        except ValueError:
            continue
    return out


def summary(samples: Iterable[float]) -> dict[str, float]:
    """Max, median and count of timing samples (seconds, rounded to milliseconds)."""
    values = list(samples)
    if not values:
        return {"max_s": 0.0, "median_s": 0.0, "count": 0}
    return {"max_s": round(max(values), 3), "median_s": round(statistics.median(values), 3),
            "count": len(values)}
