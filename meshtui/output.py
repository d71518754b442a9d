"""Provides the command line's text output: every line a terminal prints as it is.

Names, messages and errors in the text output come from cluster objects, server answers and
files; a terminal acts on the control characters they may carry (clearing the screen, setting
the title, blinking fake text). Every text line of every command goes through `say` or `error`,
which escape them visibly with `meshtui.model.text.visible`. JSON output needs none of this:
`json.dump` escapes control characters itself.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from typing import TextIO

from meshtui.model.text import BACKENDS_SHOWN, NAME_LIMIT, listed, visible

__all__ = ["BACKENDS_SHOWN", "ERROR_LIMIT", "MESSAGE_LIMIT", "NAME_LIMIT", "entry_point", "error",
           "error_text", "listed", "say"]

ERROR_LIMIT = 2000
"""Longest ``error:`` line: a server or file can put anything in a message, one line stays one."""
MESSAGE_LIMIT = 300
"""Widest status message, plan message or problem in a text line (JSON output has it whole)."""


def say(*lines: str | Iterable[str], file: TextIO | None = None, flush: bool = False) -> None:
    """Print each line (or each line of an iterable) with control characters escaped."""
    out = file if file is not None else sys.stdout
    for item in lines:
        for line in ([item] if isinstance(item, str) else item):
            out.write(visible(line) + "\n")
    if flush:
        out.flush()


def error_text(message: object) -> str:
    """The one ``error: ...`` line for `message`: whitespace runs joined, controls escaped."""
    text = message if isinstance(message, str) else str(message)
    return "error: " + visible(" ".join(text.split()), ERROR_LIMIT)


def error(message: object) -> int:
    """Print `message` as one ``error: ...`` line on stderr and return the exit status 1."""
    sys.stderr.write(error_text(message) + "\n")
    return 1


def entry_point(command: Callable[[], int]) -> int:
    """Run a whole command line and return its exit status, the way other tools end.

    A reader that stopped reading (``meshtui rollout status -o json | head -c 10``) ends the
    command quietly; Ctrl-C ends it with status 130; neither prints a traceback.
    """
    try:
        code = command()
        # Flushed here, not at interpreter exit, so a closed pipe is seen while it can be handled.
        sys.stdout.flush()
        return code
    except BrokenPipeError:
        # Later writes (the interpreter's own flush at exit) go nowhere instead of raising again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except KeyboardInterrupt:
        return 130
    except RecursionError:
        return error("input nested too deeply to read")
