"""``python -m meshtui.rollout``: the rollout command line on its own."""

from __future__ import annotations

import sys

from meshtui.cli.rollout import main

if __name__ == "__main__":
    sys.exit(main())
