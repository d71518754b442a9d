"""Tests of the untrusted-string helpers: nothing a terminal acts on survives `visible`."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from meshtui.model.text import MAX_NAME_LENGTH, clip, name_problem, visible
from tests.model.hypothesis_settings import QUICK

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def test_escape_sequences_are_shown_not_sent() -> None:
    assert visible("a\x1b[2Jb\x07") == "a\\x1b[2Jb\\x07"
    assert visible("x\ny\tz\r") == "x\\ny\\tz\\r"
    assert visible("\x9b31m\x7f") == "\\x9b31m\\x7f"


def test_plain_and_unicode_text_is_unchanged() -> None:
    assert visible("authors-v2") == "authors-v2"
    assert visible("שלום é e\u0301 界") == "שלום é e\u0301 界"


def test_invisible_and_direction_changing_characters_are_shown() -> None:
    # A terminal doing bidi draws "\u202eelbats" as "stable"; "authors\u200b" looks like "authors".
    assert visible("\u202eelbats\u202c") == "\\u202eelbats\\u202c"
    assert visible("authors\u200b\ufeff") == "authors\\u200b\\ufeff"


def test_limit_cuts_with_an_ellipsis() -> None:
    assert visible("x" * 100_000, 10) == "x" * 9 + "…"
    assert clip("abc", 3) == "abc"
    assert clip("abcd", 3) == "ab…"
    assert clip("abcd", 0) == ""


@QUICK
@given(st.text(), st.integers(min_value=1, max_value=80))
def test_visible_never_lets_a_control_character_through(text: str, limit: int) -> None:
    shown = visible(text, limit)
    assert not _CONTROL.search(shown)
    assert len(shown) <= limit


def test_name_problems_name_the_reason() -> None:
    assert name_problem("backend", "authors-v2") is None
    assert "markup brackets" in (name_problem("backend", "[red]x[/red]") or "")
    assert "control characters" in (name_problem("service", "a\x1b[2J") or "")
    problem = name_problem("service", "a" * (MAX_NAME_LENGTH + 1)) or ""
    assert "254 characters" in problem and "\x1b" not in problem


def test_short_repr_never_raises_and_is_bounded() -> None:
    from meshtui.model.text import short_repr

    assert short_repr(10**5000) == "<an integer of about 5,000 digits>"
    assert visible(10**5000) == "<an integer of about 5,000 digits>"
    assert visible(10**100) == str(10**100)
    assert short_repr([1, {"w": 10**5000}], 200) == "[1, {'w': <an integer of about 5,000 digits>}]"
    assert short_repr("a\x1b[2J" + "x" * 1000) == "'a\\x1b[2J" + "x" * 30 + "…"
    assert short_repr(list(range(100))) == "[0, 1, 2, 3, …]"
    assert short_repr([[[[[1]]]]]) == "[[[…]]]"
    assert short_repr(object()) == "<object>"
