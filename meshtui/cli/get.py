"""``meshtui get splits``: every split as a kubectl-style table or as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

from meshtui.cli.options import add_kube_options, add_output_option
from meshtui.model.windows import WINDOWS


def add_parsers(subparsers: Any) -> None:
    """Add ``get`` (``get splits``, ``get services``) to a parser's subparsers."""
    get = subparsers.add_parser("get", help="print resources")
    get_sub = get.add_subparsers(dest="what", metavar="WHAT", required=True)
    splits = get_sub.add_parser("splits", aliases=["split", "ts"],
                                help="TrafficSplits and HTTPRoutes with their weights")
    add_kube_options(splits)
    add_output_option(splits)
    splits.add_argument("--signals", action="store_true",
                        help="each backend's golden signals over the window and each split's "
                             "findings, from Prometheus (like `linkerd viz stat`)")
    # SUPPRESS: `meshtui --window 5m get splits --signals` keeps the top-level value.
    splits.add_argument("--window", choices=WINDOWS, default=argparse.SUPPRESS,
                        help="metrics window of --signals (default 1m)")
    splits.add_argument("--prometheus-url", metavar="URL", default=argparse.SUPPRESS,
                        help="Prometheus of --signals (default: linkerd-viz's via the API proxy)")
    from meshtui.cli.get_services import add_parser

    add_parser(get_sub)


def _namespace(args: argparse.Namespace, default: str) -> str | None:
    """The namespace to read: None for all namespaces."""
    if args.all_namespaces:
        return None
    return args.namespace or default


def cmd_get_splits(args: argparse.Namespace) -> int:
    """``meshtui get splits``: print every split as a table or as JSON."""
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import load_cluster
    from meshtui.metrics.source import MetricsError
    from meshtui.output import error, say

    cluster = load_cluster(args.kubeconfig, args.context, request_timeout=args.request_timeout)
    try:
        client = MeshClient(cluster)
        splits = client.list_splits(_namespace(args, cluster.namespace))
        report = _signals_report(args, client, cluster, splits) if args.signals else None
    except MetricsError as exc:
        return error(exc)
    finally:
        cluster.close()
    if args.output == "json":
        json.dump(report if report is not None else [s.to_json() for s in splits], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not splits:
        where = "any namespace" if args.all_namespaces else f"namespace {args.namespace or cluster.namespace}"
        say(f"No splits found in {where}.", file=sys.stderr)
        return 0
    if report is not None:
        say(signals_table(report, with_namespace=bool(args.all_namespaces)))
        return 0
    sys.stdout.write(splits_table(splits, with_namespace=bool(args.all_namespaces)))
    return 0


def _signals_report(args: argparse.Namespace, client: Any, cluster: Any,
                    splits: Sequence[Any]) -> list[dict[str, Any]]:
    """`meshtui.metrics.report.fetch_report` over the Prometheus the dashboard would read."""
    from meshtui.kube.targets import owner_state
    from meshtui.launch import prometheus_from_args
    from meshtui.metrics.report import fetch_report
    from meshtui.metrics.source import MetricsError

    source = prometheus_from_args(args, cluster, getattr(args, "settings", None))
    if source is None:
        raise MetricsError("--signals: no Prometheus answered (linkerd-viz's through the API "
                           "server); give one with --prometheus-url")
    try:
        return fetch_report(splits, source, args.window or "1m",
                            lambda split: owner_state(client, split))
    finally:
        source.close()


def signals_table(report: Sequence[dict[str, Any]], *, with_namespace: bool) -> list[str]:
    """`--signals` as columns, one row per backend, then each finding on a line of its own.

    Every name and message is made `visible` and bounded, as in `splits_table`.
    """
    from meshtui.model.text import visible
    from meshtui.output import MESSAGE_LIMIT, NAME_LIMIT

    def figure(value: float | None, fmt: str) -> str:
        return "-" if value is None else format(value, fmt)

    header = (["NAMESPACE"] if with_namespace else []) + [
        "SPLIT", "BACKEND", "WEIGHT", "SUCCESS", "RPS", "P50", "P95", "P99", "WINDOW"]
    rows, findings = [header], []
    for split in report:
        for backend in split["backends"]:
            sig = backend["signals"]
            rows.append(([visible(split["namespace"], NAME_LIMIT)] if with_namespace else []) + [
                f"{split['kind']}/{visible(split['name'], NAME_LIMIT)}",
                visible(backend["name"], NAME_LIMIT), f"{backend['percent']:.0f}%",
                figure(sig["success_rate"], ".2f") + ("%" if sig["success_rate"] is not None else ""),
                figure(sig["rps"], ".1f"), figure(sig["p50_ms"], ".0f"),
                figure(sig["p95_ms"], ".0f"), figure(sig["p99_ms"], ".0f"), sig["window"]])
        findings += [f"{split['kind']}/{visible(split['name'], NAME_LIMIT)}: {f['severity']}: "
                     f"{visible(f['message'], MESSAGE_LIMIT)}" for f in split["findings"]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = ["   ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return lines + findings


PROBLEMS_SHOWN = 2
"""Problems listed in one row of the table; the rest are counted (``-o json`` lists them all)."""
WEIGHT_WIDTH = 20
"""Widest raw weight in the table: a weight of thousands of digits is cut, not printed."""


def splits_table(splits: Sequence[Any], *, with_namespace: bool) -> str:
    """Render splits as kubectl-style columns (one row per split), every cell made `visible`.

    Every cell is bounded, so one object's 100,000-character name or 5,000-digit weight makes
    neither a row nor a column wider than a few hundred characters.
    """
    from meshtui.model.text import MAX_NAME_LENGTH, visible
    from meshtui.output import BACKENDS_SHOWN, MESSAGE_LIMIT, NAME_LIMIT, listed

    header = (["NAMESPACE"] if with_namespace else []) + [
        "KIND", "NAME", "SERVICE", "BACKENDS", "OWNER", "PROBLEMS"]
    rows = [header]
    for split in splits:
        backends = listed([f"{visible(b.name, NAME_LIMIT)}={_weight(b.raw_weight)}"
                           f"({b.percent:.0f}%)" for b in split.backends[:BACKENDS_SHOWN]],
                          len(split.backends)) or "-"
        owner = (f"{visible(split.owner.kind, NAME_LIMIT)}/{visible(split.owner.name, NAME_LIMIT)}"
                 if split.owner else "-")
        problems = listed([visible(p, MESSAGE_LIMIT) for p in split.problems[:PROBLEMS_SHOWN]],
                          len(split.problems), "; ") or "-"
        # A split's own name is one the API server accepted (at most 253 characters): kept whole,
        # so it can be copied into the next command.
        rows.append(([visible(split.namespace, NAME_LIMIT)] if with_namespace else []) + [
            split.kind, visible(split.name, MAX_NAME_LENGTH),
            visible(split.service, NAME_LIMIT) or "-", backends, owner, problems])
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["   ".join([c.ljust(w) for c, w in zip(row, widths)] + [row[-1]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _weight(raw: Any) -> str:
    """A backend's weight as the object has it, at most `WEIGHT_WIDTH` characters."""
    from meshtui.model.text import short_repr, visible

    if raw is None:
        return "?"
    if isinstance(raw, str):
        return visible(raw, WEIGHT_WIDTH)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 64:
        # str() of a 5,000-digit int raises (the interpreter's digit limit); none is a weight.
        return visible(f"({'-' if raw < 0 else ''}{raw.bit_length()}-bit number)", WEIGHT_WIDTH)
    return short_repr(raw, WEIGHT_WIDTH)
