"""Legend labels: chosen once per split from names and roles, readable, distinct and literal."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from meshtui.ui.widgets._legend_labels import LABEL_WIDTH, legend_labels
from tests.model.hypothesis_settings import QUICK
from tests.ui.hostile import CONTROL, HOSTILE


def test_roles_name_the_stable_and_the_canary() -> None:
    """voting-split's pair reads "stable"/"canary" whatever the order, not "vot…svc" twice."""
    names = ["voting-v2-svc", "voting-svc"]
    assert legend_labels(names, {"voting-svc": "stable", "voting-v2-svc": "canary"}) == ["canary", "stable"]


def test_without_roles_the_part_that_differs() -> None:
    """No roles: the words the names do not share, short enough for a third of 140 columns."""
    assert legend_labels(["voting-svc", "voting-v2-svc"]) == ["voting", "v2"]
    assert legend_labels(["podinfo-primary", "podinfo-canary"]) == ["primary", "canary"]
    assert legend_labels(["authors", "authors-v2"]) == ["authors", "v2"]
    assert legend_labels(["web"]) == ["web"]
    assert legend_labels([]) == []


def test_a_role_held_twice_names_neither() -> None:
    """Two backends marked stable (a second rule): their names' parts tell them apart instead."""
    labels = legend_labels(["books-a", "books-b", "books-c"],
                           {"books-a": "stable", "books-b": "stable", "books-c": "canary"})
    assert labels == ["a", "b", "canary"]


def test_three_backends_roles_and_parts_together() -> None:
    """A third backend without a role keeps the part of its name that differs."""
    names = ["shop-stable", "shop-canary", "shop-mirror"]
    assert legend_labels(names, {"shop-stable": "stable", "shop-canary": "canary"}) == \
        ["stable", "canary", "mirror"]


def test_a_name_that_reads_like_a_role_does_not_collide() -> None:
    """A backend literally named "canary" next to the canary role: back to the names."""
    labels = legend_labels(["stable", "canary", "x"], {"x": "canary"})
    assert len(set(labels)) == 3


def test_names_that_differ_only_in_a_long_middle() -> None:
    """Parts cut to the label width would read alike: still two labels."""
    names = [f"svc-{'a' * 40}-one-x", f"svc-{'a' * 40}-two-x"]
    labels = legend_labels(names)
    assert len(set(labels)) == 2 and all(len(label) <= LABEL_WIDTH for label in labels)


def test_hostile_names_come_back_escaped() -> None:
    """Escapes and markup are labels as text: control characters shown, nothing interpreted."""
    labels = legend_labels(["a\x1b]0;p\x07", "[@click=app.quit]x[/]", "b\x00" * 10_000])
    assert labels[0] == "a\\x1b]0;p\\x07"
    assert not any(CONTROL.search(label) for label in labels)
    assert len(set(labels)) == 3 and all(len(label) <= LABEL_WIDTH for label in labels)


@QUICK
@given(names=st.lists(st.one_of(HOSTILE, st.sampled_from(["voting-svc", "voting-v2-svc", "stable"]),
                                st.text(max_size=60)), max_size=24, unique=True),
       roles=st.lists(st.sampled_from(["stable", "canary", ""]), max_size=24))
def test_labels_are_always_distinct_bounded_and_inert(names: list[str], roles: list[str]) -> None:
    """Any names, any roles: one label each, no two alike, none longer than the label width."""
    labels = legend_labels(names, dict(zip(names, roles)))
    assert len(labels) == len(names) and len(set(labels)) == len(labels)
    # In cells (zero-width characters take none, and are bounded in number by `fit_cells`).
    assert all(cell_len(label) <= LABEL_WIDTH and len(label) <= 4 * LABEL_WIDTH + 16 for label in labels)
    assert not any(CONTROL.search(label) for label in labels)
