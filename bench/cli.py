"""``bench/run [--quick|--smoke] [-o table|json] [--out FILE]``: parse, run, print."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence

from bench.harness import run
from bench.machine import describe
from bench.profiles import PROFILES
from bench.report import MEASURE_IDS, REFERENCE_IDS, to_json, to_table


def build_parser() -> argparse.ArgumentParser:
    """The harness's command line."""
    parser = argparse.ArgumentParser(prog="bench/run", description=(
        "Measure meshtui against kubectl on the simulated mesh's scale scenario."))
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="the goal sizes, few samples (< 60 s)")
    size.add_argument("--smoke", action="store_true",
                      help="tiny sizes: checks the harness runs (numbers mean nothing)")
    parser.add_argument("-o", "--output", choices=("table", "json"), default="table")
    parser.add_argument("--out", metavar="FILE", help="also write the output to FILE")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the harness; exit 0 when every measure was taken (met or not), 1 otherwise."""
    args = build_parser().parse_args(argv)
    profile = PROFILES["smoke" if args.smoke else "quick" if args.quick else "full"]
    started = time.monotonic()

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.monotonic() - started:5.1f}s] {message}", file=sys.stderr, flush=True)

    result = run(profile, log)
    order = {name: i for i, name in enumerate(MEASURE_IDS + REFERENCE_IDS)}
    measures = sorted(result.measures, key=lambda m: order.get(m.id, len(order)))
    if args.output == "json":
        document = to_json(measures, describe(), profile.name, result.errors)
        document["seconds"] = round(time.monotonic() - started, 1)
        text = json.dumps(document, indent=2) + "\n"
    else:
        text = to_table(measures, result.errors)
    sys.stdout.write(text)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as out:
            out.write(text)
    log("done")
    return 0 if not result.errors else 1
