"""``meshtui get services``: every Service with its mesh state, pods, splits and mirror.

The listing and the model are the dashboard's (`MeshClient.list_services`,
`meshtui.model.meshed`); the signals the services view's (`meshtui.metrics.services`). This
module only reads the options and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from typing import Any

from meshtui.cli.options import add_kube_options, add_output_option

WORDS = ("services", "service", "svc")
"""What ``meshtui get`` takes for services."""

SPLITS_SHOWN = 3
"""Splits listed in one row of the table; the rest are counted (``-o json`` lists them all)."""


def add_parser(get_sub: Any) -> None:
    """Add ``get services`` to the ``get`` subparsers."""
    services = get_sub.add_parser(WORDS[0], aliases=list(WORDS[1:]),
                                  help="Services: meshed, pods, splits, multicluster mirror")
    add_kube_options(services)
    add_output_option(services)
    services.add_argument("--signals", action="store_true",
                          help="add success rate, RPS and latency from Prometheus (--window)")


def cmd_get_services(args: argparse.Namespace) -> int:
    """``meshtui get services``: print every service as a table or as JSON."""
    from meshtui.cli.clients import cluster_from_args
    from meshtui.kube.client import MeshClient
    from meshtui.output import say

    cluster = cluster_from_args(args)
    try:
        namespace = None if args.all_namespaces else (args.namespace or cluster.namespace)
        services = MeshClient(cluster).list_services(namespace)
        signals = _signals(args, cluster, services) if args.signals else {}
    finally:
        cluster.close()
    if args.output == "json":
        json.dump([s.to_json(signals.get(s.key), with_signals=args.signals) for s in services],
                  sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not services:
        where = "any namespace" if namespace is None else f"namespace {namespace}"
        say(f"No services found in {where}.", file=sys.stderr)
        return 0
    sys.stdout.write(services_table(services, signals if args.signals else None,
                                    with_namespace=namespace is None))
    return 0


def _signals(args: argparse.Namespace, cluster: Any, services: Sequence[Any]) -> dict[Any, Any]:
    """Every service's signals over ``--window`` in one batched fetch.

    Raises:
        UsageError: When no Prometheus answers (``--signals`` asked for figures).
    """
    from meshtui.cli.options import UsageError
    from meshtui.launch import prometheus_from_args
    from meshtui.metrics.services import fetch_service_signals
    from meshtui.metrics.source import MetricsError

    source = prometheus_from_args(args, cluster, getattr(args, "settings", None))
    if source is None:
        raise UsageError("--signals: no Prometheus answers (linkerd-viz's, or --prometheus-url)")
    try:
        return dict(fetch_service_signals(source, [s.key for s in services],
                                          args.window or "1m").signals)
    except MetricsError as exc:
        raise UsageError(f"--signals: {exc}") from None
    finally:
        source.close()


def services_table(services: Sequence[Any], signals: Mapping[Any, Any] | None, *,
                   with_namespace: bool) -> str:
    """Render services as kubectl-style columns, every cell made `visible` and bounded."""
    from meshtui.model.figures import format_ms, format_ratio, format_rps
    from meshtui.model.meshed import meshed_label
    from meshtui.model.text import MAX_NAME_LENGTH, visible
    from meshtui.output import NAME_LIMIT, listed

    header = (["NAMESPACE"] if with_namespace else []) + ["NAME", "MESHED", "PROXIES", "SPLITS", "MIRROR"]
    if signals is not None:
        header += ["SUCCESS", "RPS", "P99"]
    rows = [header]
    for service in services:
        splits = listed([visible(part.label, NAME_LIMIT) for part in service.splits[:SPLITS_SHOWN]],
                        len(service.splits)) or "-"
        pods = service.pods
        row = ([visible(service.namespace, NAME_LIMIT)] if with_namespace else []) + [
            visible(service.name, MAX_NAME_LENGTH),
            meshed_label(service.meshed, service.injected_by),
            f"{pods.proxies_ready}/{pods.total}", splits,
            visible(service.mirror_cluster, NAME_LIMIT) if service.mirror_cluster is not None else "-"]
        if signals is not None:
            figures = signals.get(service.key)
            row += [format_ratio(figures.success_rate if figures else None),
                    format_rps(figures.rps if figures else None),
                    format_ms(figures.p99_ms if figures else None)]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
    lines = ["   ".join([c.ljust(w) for c, w in zip(row, widths)] + [row[-1]]) for row in rows]
    return "\n".join(line.rstrip() for line in lines) + "\n"

