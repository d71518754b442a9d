"""Run the reliability suite and regenerate docs/reliability.md from the figures it measured.

Usage: ``python -m tests.reliability.report`` (runs ``pytest tests/reliability`` and
`HOSTILE_INPUT_TESTS`, then writes the document); ``--no-run`` rewrites the document from the
figures of the last run only.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from tests.reliability.figures import FIGURES_DIR, load_all
from tests.reliability.report_text import ROLES, render

ROOT = Path(__file__).resolve().parents[2]
DOC = ROOT / "docs" / "reliability.md"
HOSTILE_INPUT_TESTS = ("tests/ui/test_hostile_strings.py", "tests/cli/test_hostile_text.py",
                       "tests/cli/test_hostile_objects.py", "tests/cli/test_read_only.py",
                       "tests/cli/test_bad_input.py")
"""Tests outside tests/reliability that record figures for the document (rows 17 to 20)."""


def run_suite() -> tuple[int, str, float]:
    """Run the suite from scratch; return its exit status, summary line and duration (s)."""
    shutil.rmtree(FIGURES_DIR, ignore_errors=True)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pytest", "tests/reliability",
                             *HOSTILE_INPUT_TESTS, "-q",
                             "-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    elapsed = time.monotonic() - started
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    summary = lines[-1].strip("= ") if lines else "no output"
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:])
    return result.returncode, summary, elapsed


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the suite (unless ``--no-run``) and write docs/reliability.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-run", action="store_true",
                        help="regenerate from the last run's figures without running the suite")
    parser.add_argument("-o", "--output", type=Path, default=DOC, help="document to write")
    args = parser.parse_args(argv)
    run: dict[str, Any] = {}
    status = 0
    if not args.no_run:
        status, summary, elapsed = run_suite()
        run = {"summary": summary, "seconds": round(elapsed, 1)}
    figures = load_all()
    args.output.write_text(render(figures, run) + ROLES)
    print(f"wrote {args.output} ({len(figures)} scenarios measured)"
          + (f"; suite: {run['summary']} in {run['seconds']} s" if run else ""))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
