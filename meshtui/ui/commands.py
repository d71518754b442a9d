"""Command palette entries: every dashboard action, plus "open split" and "scope" commands.

Titles follow ``"category: Verb object"`` so typing a category narrows the list. Each entry runs
the same action its key binding runs; nothing here fakes a key press. The keys shown with each
entry are read from the bindings with the user's keymap applied, so they are the keys that work.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any

from textual.binding import Binding, BindingsMap, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Matcher, Provider
from textual.content import Content
from textual.screen import Screen

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
    """One line shown under the title (the keys that run it are added)."""
    action: str
    """Action run on the dashboard screen (``app.`` prefix for app actions)."""


COMMANDS: tuple[PaletteCommand, ...] = (
    PaletteCommand("view: Toggle needs-attention", "Show only splits that need attention",
                   "toggle_attention"),
    PaletteCommand("view: Filter splits", "Filter by namespace, name, service or owner", "filter"),
    PaletteCommand("view: Clear filter", "Show every split again", "clear_filter"),
    PaletteCommand("view: Back to the split list", "Narrow terminals show one pane at a time",
                   "back"),
    PaletteCommand("view: Choose namespace scope", "Pick the namespace shown", "pick_namespace"),
    PaletteCommand("view: Sort splits by the next column",
                   "Canary success, RPS, p99, verdict, name, or as listed", "cycle_sort"),
    PaletteCommand("view: Toggle wide mode", "The stable backend's figures in the fleet table",
                   "toggle_wide"),
    PaletteCommand("view: Command mode", ":svc services, :splits, :ns NAME, :ctx NAME, :q",
                   "command_mode"),
    PaletteCommand("view: Cycle metrics window", f"Next of {', '.join(WINDOWS)}", "cycle_window"),
    PaletteCommand("data: Refresh metrics now", "Fetch signals and history now", "refresh"),
    PaletteCommand("traffic: Shift selected backend up", "Pending: one step more",
                   "shift_weight(1)"),
    PaletteCommand("traffic: Shift selected backend down", "Pending: one step less",
                   "shift_weight(-1)"),
    PaletteCommand("traffic: Set exact percentage", "Pending: type a share for the selected backend",
                   "set_exact"),
    PaletteCommand("traffic: Select next backend", "The backend the weight keys act on",
                   "next_backend"),
    PaletteCommand("traffic: Next rule", "The rule of the split the weight keys act on",
                   "choose_rule(1)"),
    PaletteCommand("traffic: Previous rule", "The rule of the split the weight keys act on",
                   "choose_rule(-1)"),
    PaletteCommand("traffic: Apply pending weights", "Write them after a confirmation",
                   "apply_weights"),
    PaletteCommand("traffic: Discard pending weights", "Nothing is written", "discard"),
    PaletteCommand("traffic: Undo last change", "Write the weights before it", "undo"),
    PaletteCommand("traffic: Send canary to 0%", "Incident button: stable gets 100%",
                   "canary_to_zero"),
    PaletteCommand("traffic: Mark backend as stable", "Recorded in meshtui.io/stable",
                   "mark_stable"),
    PaletteCommand("split: Pause or resume", "Through Flagger or Argo Rollouts", "pause_resume"),
    PaletteCommand("split: Promote canary", "Through the owner, or all traffic to it", "promote"),
    PaletteCommand("split: Abort canary", "Through the owner, or all traffic to stable", "abort"),
    PaletteCommand("shift: End shift", "Delete the selected split; its service gets its traffic "
                   "back", "end_shift"),
    PaletteCommand("shift: Shift highlighted service…", "Services view: move the highlighted "
                   "service's traffic onto fallbacks", "shift_highlighted"),
    PaletteCommand("plan: Start plan…", "Run a progressive plan on the selected split",
                   "start_plan"),
    PaletteCommand("plan: Approve", "Let the plan past its pause-until-approved step",
                   "approve_plan"),
    PaletteCommand("app: Toggle help", "Keys of the focused pane", "app.toggle_help"),
    PaletteCommand("app: Quit", "Leave meshtui", "app.quit"),
)
"""The static commands, in discovery order."""


def key_hints(bindings: Iterable[BindingType], keymap: Mapping[str, str],
              display: Callable[[Binding], str], prefix: str = "") -> dict[str, str]:
    """Action → the keys that run it, as the footer writes them, after `keymap`.

    Args:
        bindings: The bindings of one node (a screen's or the app's ``BINDINGS``).
        keymap: Binding id → keys, as given to `App.set_keymap`.
        display: How a key is written (`App.get_key_display`).
        prefix: Put before each action (``"app."`` for the app's).
    """
    bound = BindingsMap(bindings)
    bound.apply_keymap(keymap)
    keys: dict[str, list[str]] = {}
    for key_bindings in bound.key_to_bindings.values():
        for binding in key_bindings:
            keys.setdefault(prefix + binding.action, []).append(display(binding))
    return {action: ", ".join(dict.fromkeys(shown)) for action, shown in keys.items()}


def with_keys(command: PaletteCommand, hints: Mapping[str, str]) -> str:
    """The command's help line, with the keys that run it when it has any."""
    keys = hints.get(command.action)
    return f"{command.help} ({keys})" if keys else command.help


def _runner(screen: Screen[Any], action: str) -> Callable[[], object]:
    """Run `action` on the screen; control actions say why when they are unavailable."""
    run_control = getattr(screen, "run_control", None)
    if run_control is not None and not action.startswith("app."):
        return partial(run_control, action)
    return partial(screen.run_action, action)


class DashboardCommands(Provider):
    """Dashboard actions, one "split: Show …" per split and one "scope: …" per namespace."""

    def key_hints(self) -> dict[str, str]:
        """Action → its keys, for the screen's and the app's bindings under the user's keymap."""
        settings = getattr(self.screen, "settings", None)
        keymap = dict(getattr(settings, "keymap", {}))
        display = self.app.get_key_display
        return {**key_hints(type(self.app).BINDINGS, keymap, display, prefix="app."),
                **key_hints(type(self.screen).BINDINGS, keymap, display)}

    def _entries(self) -> Iterator[tuple[str, str, Callable[[], object]]]:
        screen = self.screen
        hints = self.key_hints()
        for command in COMMANDS:
            yield command.title, with_keys(command, hints), _runner(screen, command.action)
        state = getattr(screen, "state", None)
        if state is None:
            return
        # Names are escaped here, so what is matched is what is shown.
        for split in state.splits():
            yield (f"split: Show {visible(f'{split.namespace}/{split.name}', NAME_LIMIT)}",
                   f"{split.kind} → {visible(split.service, NAME_LIMIT)}",
                   partial(screen.select_split, split.ref))  # type: ignore[attr-defined]
        split_services = {(split.namespace, split.service) for split in state.splits()}
        for service in state.services():
            if (service.namespace, service.name) in split_services:
                continue
            shown = visible(f"{service.namespace}/{service.name}", NAME_LIMIT)
            yield (f"shift: Shift {shown}…", "Move its traffic onto fallbacks (a new split)",
                   partial(screen.action_shift_service,  # type: ignore[attr-defined]
                           service.namespace, service.name))
        yield ("scope: All namespaces", "Show every namespace",
               partial(screen.set_scope, None))  # type: ignore[attr-defined]
        for namespace in sorted(state.namespaces()):
            shown = visible(namespace, NAME_LIMIT)
            yield (f"scope: Namespace {shown}", f"Show only {shown}",
                   partial(screen.set_scope, namespace))  # type: ignore[attr-defined]

    async def discover(self) -> Hits:
        """List the static commands when the palette opens."""
        hints = self.key_hints()
        for command in COMMANDS:
            yield DiscoveryHit(literal_content(command.title), _runner(self.screen, command.action),
                               text=command.title, help=with_keys(command, hints))

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
