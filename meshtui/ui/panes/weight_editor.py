"""The weight editor in the split detail: one slider per backend, the pending diff, write notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from meshtui.ui.literal import MESSAGE_LIMIT, literal, visible
from meshtui.ui.panes._static import update_text
from meshtui.ui.widgets.weight_slider import WeightSlider


@dataclass(frozen=True)
class EditorView:
    """What the editor shows for one split."""

    names: tuple[str, ...]
    """Backends of the edited rule."""
    live: tuple[int, ...]
    """Live percentages."""
    pending: tuple[int, ...]
    """Pending percentages (equal to `live` when nothing is pending)."""
    selected: int | None
    """Index of the backend the keys act on."""
    note: str = ""
    """The latest write outcome for this split (applied, reverted by …, conflict …)."""
    unavailable: str = ""
    """Why the weights cannot be edited (read-only, no writer …), or empty."""
    rule: str = ""
    """Which rule the sliders show, with its first match, for a split of several rules."""
    rules: tuple[tuple[str, bool], ...] = ()
    """Every rule of a split of several rules, with its matches and shares, and whether it is
    the one the sliders show (empty for a split of one rule)."""


NAME_LIMIT = 40
"""Cells a backend name may take in the pending diff."""


def summary(view: EditorView) -> Text:
    """The header line: the rule edited (when there are several), then the diff of a pending
    change, or how to start one."""
    text = summary_of_weights(view)
    if view.rule:
        return Text.assemble(literal(view.rule, "bold", limit=NAME_LIMIT * 2), ("  [ ] rule", "dim"),
                             "   ", text, end="")
    return text


def summary_of_weights(view: EditorView) -> Text:
    """The diff of a pending change, or how to start one."""
    if view.pending != view.live:
        parts = [Text.assemble(literal(name, limit=NAME_LIMIT), f" {before}→{after}%")
                 for name, before, after in zip(view.names, view.live, view.pending, strict=False)
                 if before != after]
        return Text.assemble(("pending", "bold"), " ", Text(" · ").join(parts), "   ",
                             ("a apply · esc discard", "dim"), end="")
    if view.unavailable:
        return Text.assemble(("weights", "bold"), " ",
                             (f"({visible(view.unavailable, MESSAGE_LIMIT)})", "dim"), end="")
    return Text.assemble(("weights", "bold"), " ",
                         ("+/- shift · = set · 0 canary to 0% · click the track", "dim"), end="")


class WeightEditor(Vertical):
    """Sliders of the chosen rule's backends; the screen feeds it an `EditorView`."""

    DEFAULT_CSS = """
    WeightEditor {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        & > #editor-header { height: 1; }
        /* One line per backend: a split of 64 backends scrolls here, not off the screen. */
        & > #editor-sliders { height: auto; max-height: 8; overflow-y: auto; }
        & > #editor-note { height: auto; color: $warning; }
        & > #editor-rules { height: auto; max-height: 6; overflow-y: auto; color: $text-muted; }
        &.-pending > #editor-header { color: $warning; }
    }
    """

    def compose(self) -> ComposeResult:
        """A header line, the sliders (mounted per split) and a note line."""
        yield Static("", id="editor-header")
        rules = Static("", id="editor-rules")
        rules.display = False
        yield rules
        yield Vertical(id="editor-sliders")
        yield Static("", id="editor-note")

    def show(self, view: EditorView | None) -> None:
        """Show one split's live and pending weights (None hides the editor's content)."""
        sliders_box = self.query_one("#editor-sliders", Vertical)
        rules = self.query_one("#editor-rules", Static)
        rules.display = bool(view and view.rules)
        if view is not None and view.rules:
            update_text(rules, Text("\n").join(
                Text.assemble(("▸ " if chosen else "  "), literal(line, "bold" if chosen else "",
                                                                   limit=MESSAGE_LIMIT))
                for line, chosen in view.rules))
        if view is None:
            sliders_box.remove_children()
            update_text(self.query_one("#editor-header", Static), "")
            update_text(self.query_one("#editor-note", Static), "")
            return
        sliders = list(self.query(WeightSlider))
        names = [s.backend for s in sliders]
        # A slider in use (focused, dragged) is not handed to another backend under the user.
        if len(names) != len(view.names) or (
                names != list(view.names) and any(s.in_use for s in sliders)):
            sliders_box.remove_children()
            sliders = [WeightSlider(name, i, live=live) for i, (name, live)
                       in enumerate(zip(view.names, view.live, strict=False))]
            sliders_box.mount_all(sliders)
        else:
            # As many backends as before: the sliders are relabelled in place, since mounting
            # new ones lays the whole screen out again (twice: removal, then mount).
            for slider, name in zip(sliders, view.names, strict=True):
                slider.rename(name)
        for slider, live, pending in zip(sliders, view.live, view.pending, strict=False):
            slider.live = live
            slider.pending = pending
            slider.selected = slider.index == view.selected
        self.set_class(view.pending != view.live, "-pending")
        update_text(self.query_one("#editor-header", Static), summary(view))
        note = self.query_one("#editor-note", Static)
        update_text(note, literal(view.note, limit=MESSAGE_LIMIT))
        note.display = bool(view.note)

    @property
    def sliders(self) -> Sequence[WeightSlider]:
        """The sliders shown, in backend order."""
        return list(self.query(WeightSlider))
