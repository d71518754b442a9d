"""Kubernetes times to and from epoch seconds."""

from __future__ import annotations

import pytest

from meshtui.model.kubetime import micro_time, parse_time


def test_micro_time_round_trips() -> None:
    """A MicroTime is UTC with microseconds and reads back to the same instant."""
    assert micro_time(1.5) == "1970-01-01T00:00:01.500000Z"
    assert parse_time(micro_time(1_700_000_000.25)) == 1_700_000_000.25
    assert parse_time("2024-01-02T03:04:05Z") == 1_704_164_645.0


@pytest.mark.parametrize("text", [None, "", 42, "yesterday", "2024-13-01T00:00:00Z"])
def test_parse_time_refuses_what_is_not_a_time(text: object) -> None:
    """Absent or malformed times read as None, never an error."""
    assert parse_time(text) is None
