"""Output of a run: a table for people, JSON for machines (one entry per measure id)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.stats import Measure

MEASURE_IDS = (
    "list_vs_kubectl_ratio", "key_to_write_ms", "external_change_to_screen_ms", "queries_per_refresh",
    "refresh_to_screen_ms", "filter_keystroke_ms", "idle_cpu_percent", "peak_rss_mb",
    "get_vs_kubectl_ratio", "services_refresh_to_screen_ms", "first_frame_ms", "key_to_frame_ms",
)
"""Every measure with a goal, in the order of the issue's table."""

REFERENCE_IDS = ("loopback_round_trip_ms", "apiserver_get_ms")
"""Measures without a goal: the floor the others are compared with."""


def to_json(measures: Sequence[Measure], machine: dict[str, Any], profile: str,
            errors: dict[str, str]) -> dict[str, Any]:
    """The JSON document: ``measures`` maps each id to its entry; ``errors`` names failed ones."""
    return {
        "profile": profile,
        "machine": machine,
        "measures": {m.id: m.to_json() for m in measures},
        "errors": dict(errors),
    }


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value:.2f}" if abs(value) < 10 else f"{value:.0f}"


def _verdict(met: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "?"}[met]


def to_table(measures: Sequence[Measure], errors: dict[str, str]) -> str:
    """A plain-text table: id, median, p95, samples, unit, goal, verdict; then notes and errors."""
    header = ("measure", "median", "p95", "n", "unit", "goal", "result")
    rows = [header]
    for m in measures:
        if m.by_size is not None:
            sizes = ", ".join(f"{k}:{v}" for k, v in m.by_size.items())
            rows.append((m.id, sizes, "", str(len(m.samples)), m.unit, m.goal, _verdict(m.met)))
        else:
            verdict = "" if m.goal == "reference" else _verdict(m.met)
            rows.append((m.id, _fmt(m.median), _fmt(m.p95), str(len(m.samples)), m.unit, m.goal, verdict))
        for mode, entry in (m.by_fault or {}).items():
            rows.append((f"  {mode}", _fmt(entry.get("median")), _fmt(entry.get("p95")),
                         str(entry.get("samples", 0)), m.unit, "", _verdict(entry.get("met"))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows]
    lines.append("")
    lines += [f"- {m.id}: {m.note}" for m in measures if m.note]
    lines += [f"! {name}: {error}" for name, error in errors.items()]
    return "\n".join(lines) + "\n"
