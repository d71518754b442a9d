"""The timeline of a split's progressive plan: steps done, current and next, checks, countdown."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import RenderResult
from textual.reactive import reactive
from textual.widget import Widget

from meshtui.model.durations import format_duration
from meshtui.ui.literal import MESSAGE_LIMIT, literal, visible
from meshtui.ui.widgets._styles import component_fg

if TYPE_CHECKING:
    from meshtui.rollout.status import PlanStatus

STEP_GLYPHS = {"done": "✓", "current": "▶", "pending": "·", "skipped": "–", "failed": "✗"}
"""Glyph per step state."""
CHECK_GLYPHS = {"pass": "✓", "fail": "✗", "inconclusive": "?"}
"""Glyph per analysis check outcome."""
PHASE_STATES = {"Progressing": "ok", "Succeeded": "ok", "Promoted": "ok", "Paused": "warn",
                "RolledBack": "bad", "Aborted": "bad", "Invalid": "bad"}
"""Colour role of each plan phase."""
SHOWN_CHECKS = 3
"""Latest analysis checks listed under the steps."""


def clock_time(at: float) -> str:
    """``HH:MM:SS`` (UTC) of an epoch time, as the audit log and the runner record it."""
    return time.strftime("%H:%M:%S", time.gmtime(at))


class PlanTimeline(Widget):
    """Where a plan is: phase, who drives it, each step, the countdown and the latest checks."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "plan-timeline--title", "plan-timeline--muted", "plan-timeline--ok",
        "plan-timeline--warn", "plan-timeline--bad", "plan-timeline--current",
    }
    """
    | Class | Description |
    | :- | :- |
    | `plan-timeline--title` | The plan line. |
    | `plan-timeline--muted` | Pending and skipped steps, times, the runner line. |
    | `plan-timeline--ok/warn/bad` | Phases and check outcomes. |
    | `plan-timeline--current` | The current step. |
    """

    DEFAULT_CSS = """
    PlanTimeline {
        height: auto;
        padding: 0 1;
        border-left: outer $accent;
        margin-bottom: 1;
        & > .plan-timeline--title { color: $text; text-style: bold; }
        & > .plan-timeline--muted { color: $foreground-muted; }
        & > .plan-timeline--ok { color: $success; }
        & > .plan-timeline--warn { color: $warning; text-style: bold; }
        & > .plan-timeline--bad { color: $error; text-style: bold; }
        & > .plan-timeline--current { color: $accent; text-style: bold; }
    }
    PlanTimeline.-none { display: none; }
    """

    now: reactive[float] = reactive(0.0)
    """The time countdowns are measured from (epoch seconds); a tick repaints, never reflows."""

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        """Create an empty (hidden) timeline."""
        super().__init__(name=name, id=id, classes=classes)
        self.status: PlanStatus | None = None
        """The plan shown, or None (hidden)."""
        self.runner = ""
        """Who drives it, as read from the plan's Lease (empty until read)."""
        self.add_class("-none")

    def show(self, status: PlanStatus | None, *, now: float, runner: str = "") -> None:
        """Show a plan (None hides the timeline).

        Args:
            status: The plan's status (`meshtui.rollout.status.plan_status`).
            now: The time countdowns are measured from.
            runner: Who drives the plan, as read from its Lease.
        """
        # Every metrics answer re-shows the detail: reflow the screen only for a new plan state.
        changed = (status, runner) != (self.status, self.runner)
        self.status, self.runner = status, runner
        self.set_class(status is None, "-none")
        if status is not None:
            self.now = now  # a hidden timeline has no countdown to repaint
        if changed:
            self.refresh(layout=True)

    def _style(self, name: str) -> Style:
        return component_fg(self, f"plan-timeline--{name}")

    def render(self) -> RenderResult:
        """The plan line, the runner, one line per step, approval, checks and the message."""
        status = self.status
        if status is None:
            return Text("")
        text = Text(no_wrap=False, end="")
        text.append(f"Plan {visible(status.plan_hash[:8])}", self._style("title"))
        text.append("  ")
        text.append_text(literal(status.phase, self._style(PHASE_STATES.get(status.phase, "muted")),
                                 limit=MESSAGE_LIMIT))
        if status.total:
            text.append(f"  step {status.step_number}/{status.total}"
                        f"  canary {status.weight}%")
            if status.observed is not None and status.observed != status.weight:
                text.append(f" (split {status.observed}%)", self._style("warn"))
        runner = self.runner or "runner unknown (its Lease is not read yet)"
        text.append(f"\n{visible(runner, MESSAGE_LIMIT)}", self._style("muted"))
        for step in status.steps:
            style = {"current": "current", "done": "ok", "failed": "bad"}.get(step.state, "muted")
            text.append(f"\n {STEP_GLYPHS.get(step.state, '·')} {step.index + 1}. "
                        f"{visible(step.description, MESSAGE_LIMIT)}", self._style(style))
            if step.finished_at is not None:
                text.append(f"  {clock_time(step.finished_at)}", self._style("muted"))
            if step.state == "current":
                text.append_text(self._current_tail(status))
        if status.awaiting_approval:
            text.append("\n ⏸ awaiting approval: press v to approve", self._style("warn"))
        for entry in [h for h in status.history if h.kind == "check"][-SHOWN_CHECKS:]:
            outcome = {"pass": "ok", "fail": "bad"}.get(entry.result, "warn")
            text.append(f"\n   {CHECK_GLYPHS.get(entry.result, '?')} {visible(entry.result, 40)}",
                        self._style(outcome))
            text.append(f" {clock_time(entry.at)} step {entry.step + 1}: "
                        f"{visible(entry.detail, MESSAGE_LIMIT)}")
        if status.message:
            text.append(f"\n{visible(status.message, MESSAGE_LIMIT)}",
                        self._style(PHASE_STATES.get(status.phase, "muted")))
        return text

    def _current_tail(self, status: PlanStatus) -> Text:
        """Countdown and check counters after the current step."""
        tail = Text()
        if status.next_at is not None:
            left = status.next_at - self.now
            when = f"in {format_duration(left)}" if left > 0 else "due"
            tail.append(f"  {visible(status.next_what, 80)} {when}",
                        self._style("warn" if left <= 0 else "muted"))
        if status.failure_limit:
            tail.append(f"  passed {status.checks_passed}, failed {status.checks_failed}/"
                        f"{status.failure_limit}", self._style("muted"))
        return tail
