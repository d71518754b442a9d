"""Command palette entries: every dashboard action, plus "open split" and "scope" commands.

Titles follow ``"category: Verb object"`` so typing a category narrows the list. Each entry runs
the same action its key binding runs; nothing here fakes a key press.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content

from meshtui.model.windows import WINDOWS
from meshtui.ui.literal import literal_content, visible

NAME_LIMIT = 120
"""Characters of a split or namespace name listed in the palette."""


@dataclass(frozen=True)
class PaletteCommand:
    """One palette entry bound to an action of the dashboard screen."""

    title: str
    """What the palette lists, e.g. "view: Toggle needs-attention"."""
    help: str
    """One line shown under the title."""
    action: str
    """Action run on the dashboard screen (``app.`` prefix for app actions)."""


COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("view: Toggle needs-attention", "Show only splits that need attention (!)",
                   "toggle_attention"),
    PaletteCommand("view: Filter splits", "Filter by namespace, name, service or owner (/)", "filter"),
    PaletteCommand("view: Clear filter", "Show every split again (escape)", "clear_filter"),
    PaletteCommand("view: Choose namespace scope", "Pick the namespace shown (n)", "pick_namespace"),
    PaletteCommand("view: Cycle metrics window", f"Next of {', '.join(WINDOWS)} (w)", "cycle_window"),
    PaletteCommand("data: Refresh metrics now", "Fetch signals and history now (r)", "refresh"),
    PaletteCommand("traffic: Shift selected backend up", "Pending: one step more (+)",
                   "shift_weight(1)"),
    PaletteCommand("traffic: Shift selected backend down", "Pending: one step less (-)",
                   "shift_weight(-1)"),
    PaletteCommand("traffic: Set exact percentage", "Pending: type a share for the selected backend (=)",
                   "set_exact"),
    PaletteCommand("traffic: Select next backend", "The backend the weight keys act on (b)",
                   "next_backend"),
    PaletteCommand("traffic: Apply pending weights", "Write them after a confirmation (a)",
                   "apply_weights"),
    PaletteCommand("traffic: Discard pending weights", "Nothing is written (escape)", "discard"),
    PaletteCommand("traffic: Undo last change", "Write the weights before it (u)", "undo"),
    PaletteCommand("traffic: Send canary to 0%", "Incident button: stable gets 100% (0)",
                   "canary_to_zero"),
    PaletteCommand("traffic: Mark backend as stable", "Recorded in meshtui.io/stable (s)",
                   "mark_stable"),
    PaletteCommand("split: Pause or resume", "Through Flagger or Argo Rollouts (p)", "pause_resume"),
    PaletteCommand("split: Promote canary", "Through the owner, or all traffic to it (P)", "promote"),
    PaletteCommand("split: Abort canary", "Through the owner, or all traffic to stable (A)", "abort"),
    PaletteCommand("shift: End shift", "Delete the selected split; its service gets its traffic "
                   "back (E)", "end_shift"),
    PaletteCommand("plan: Start plan…", "Run a progressive plan on the selected split (R)",
                   "start_plan"),
    PaletteCommand("plan: Approve", "Let the plan past its pause-until-approved step (v)",
                   "approve_plan"),
    PaletteCommand("app: Toggle help", "Keys of the focused pane (?)", "app.toggle_help"),
    PaletteCommand("app: Quit", "Leave meshtui (q)", "app.quit"),
)
"""The static commands, in discovery order."""


def _runner(screen: object, action: str) -> object:
    """Run `action` on the screen; control actions say why when they are unavailable."""
    run_control = getattr(screen, "run_control", None)
    if run_control is not None and not action.startswith("app."):
        return partial(run_control, action)
    return partial(screen.run_action, action)  # type: ignore[attr-defined]


class DashboardCommands(Provider):
    """Dashboard actions, one "split: Show …" per split and one "scope: …" per namespace."""

    def _entries(self) -> Iterator[tuple[str, str, object]]:
        screen = self.screen
        for command in COMMANDS:
            yield command.title, command.help, _runner(screen, command.action)
        state = getattr(screen, "state", None)
        if state is None:
            return
        # Names are escaped here, so what is matched is what is shown.
        for split in state.splits():
            yield (f"split: Show {visible(f'{split.namespace}/{split.name}', NAME_LIMIT)}",
                   f"{split.kind} → {visible(split.service, NAME_LIMIT)}",
                   partial(screen.select_split, split.ref))
        split_services = {(split.namespace, split.service) for split in state.splits()}
        for service in state.services():
            if (service.namespace, service.name) in split_services:
                continue
            shown = visible(f"{service.namespace}/{service.name}", NAME_LIMIT)
            yield (f"shift: Shift {shown}…", "Move its traffic onto fallbacks (a new split)",
                   partial(screen.action_shift_service, service.namespace, service.name))
        yield "scope: All namespaces", "Show every namespace", partial(screen.set_scope, None)
        for namespace in sorted(state.namespaces()):
            shown = visible(namespace, NAME_LIMIT)
            yield (f"scope: Namespace {shown}", f"Show only {shown}",
                   partial(screen.set_scope, namespace))

    async def discover(self) -> Hits:
        """List the static commands when the palette opens."""
        for command in COMMANDS:
            yield DiscoveryHit(literal_content(command.title), _runner(self.screen, command.action),
                               text=command.title, help=command.help)

    async def search(self, query: str) -> Hits:
        """Fuzzy-match every entry against what the user typed.

        Entries name splits and namespaces, and the palette parses a string prompt or help as
        markup: the prompt is built as `Content`, and the help (always parsed) goes with it.
        """
        matcher = self.matcher(query)
        for title, help_text, runnable in self._entries():
            score = matcher.match(title)
            if score > 0:
                prompt = Content("\n").join([highlight(matcher, title),
                                              Content(help_text).stylize("dim")])
                yield Hit(score, prompt, runnable, text=title)  # type: ignore[arg-type]


def highlight(matcher: Matcher, title: str) -> Content:
    """`Matcher.highlight` without its markup parsing: the matched letters of a literal title."""
    content = Content(title)
    _, offsets = matcher.fuzzy_search.match(matcher.query, title)
    for offset in offsets:
        if not title[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    return content
