"""The command line starts without the heavy libraries: each verb imports what it needs itself."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("textual", "rich", "kubernetes")

_PROBE = """
import json, sys
import meshtui.cli
from meshtui.cli.entry import build_parser
build_parser().parse_args(["get", "splits"])
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules})))
"""


def test_importing_the_cli_and_parsing_loads_no_ui_and_no_kubernetes_client() -> None:
    # A fresh interpreter: this test process has imported everything already.
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                            timeout=60, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    loaded = set(json.loads(result.stdout))
    assert "meshtui" in loaded
    assert not loaded & set(HEAVY), sorted(loaded & set(HEAVY))
