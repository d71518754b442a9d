"""The ``meshtui`` / ``kubectl-meshtui`` command line, one module per group of commands.

`main` runs it. Heavy modules (Textual, the Kubernetes client) are imported inside the commands,
so ``import meshtui.cli`` and ``meshtui -h`` stay fast.
"""

from __future__ import annotations

from meshtui.cli.entry import main

__all__ = ["main"]
