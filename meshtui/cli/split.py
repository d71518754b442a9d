"""The incident-shift command line: ``meshtui split create`` and ``meshtui split delete``.

Thin wiring: the objects are built in `meshtui.model.shift`, resolved against the cluster in
`meshtui.kube.shift`, and written by the one `ClusterWriter` (read-only, dry run, audit log).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import TYPE_CHECKING, Any

from meshtui.cli.options import add_target, add_write_verb_options, emit, option
from meshtui.model.text import visible
from meshtui.output import MESSAGE_LIMIT, NAME_LIMIT, error

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.writer import ClusterWriter

__all__ = ["COMMANDS", "add_parsers", "run"]

COMMANDS = ("split",)
"""The subcommands this module adds."""


def add_parsers(subparsers: Any) -> None:
    """Add ``split create`` and ``split delete``.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    split = subparsers.add_parser("split", help="create or end an incident shift of a service")
    verbs = split.add_subparsers(dest="split_verb", metavar="VERB", required=True)
    create = verbs.add_parser(
        "create", help="shift a service's traffic onto fallbacks with a new split",
        description="Create a split for SERVICE: BACKEND=PERCENT for each fallback; what they "
                    "leave of 100 stays on SERVICE. The split is labelled "
                    "app.kubernetes.io/managed-by=meshtui and annotated with who, when and why.")
    create.add_argument("service", metavar="SERVICE")
    create.add_argument("assignments", nargs="+", metavar="BACKEND=PERCENT")
    create.add_argument("--kind", choices=("httproute", "trafficsplit"), default=None,
                        help="default: what this cluster's Linkerd reads (policy.linkerd.io "
                             "HTTPRoute, else Gateway API HTTPRoute, else SMI TrafficSplit)")
    create.add_argument("--name", default=None, help="name of the split (default SERVICE-shift)")
    create.add_argument("--reason", default="", help="why (recorded on the split)")
    add_write_verb_options(create)
    delete = verbs.add_parser(
        "delete", help="end a shift: delete a split meshtui created",
        description="Delete a split meshtui created (label app.kubernetes.io/managed-by=meshtui); "
                    "any other split is refused unless --force.")
    add_target(delete)
    delete.add_argument("--force", action="store_true",
                        help="delete even a split meshtui did not create")
    add_write_verb_options(delete)


def run(args: argparse.Namespace) -> int:
    """Carry out ``split create`` or ``split delete``; errors print ``error: ...``, return 1."""
    from meshtui.cli.clients import build_writer, cluster_from_args
    from meshtui.kube.errors import KubeError
    from meshtui.kube.targets import parse_target
    from meshtui.model.weights import parse_assignments

    try:
        if args.split_verb == "create":
            assignments = parse_assignments(args.assignments)
            target = None
        else:
            assignments, target = {}, parse_target(args.target)
        cluster = cluster_from_args(args)
        try:
            from meshtui.kube.client import MeshClient

            writer = build_writer(args, cluster, getattr(args, "settings", None))
            client = MeshClient(cluster)
            namespace = option(args, "namespace") or cluster.namespace
            if target is None:
                return _create(args, client, writer, namespace, assignments)
            return _delete(args, client, writer, namespace, target)
        finally:
            cluster.close()
    except BrokenPipeError:
        raise
    except (KubeError, ValueError, OSError) as exc:
        return error(getattr(exc, "message", None) or str(exc) or type(exc).__name__)



def _create(args: argparse.Namespace, client: MeshClient, writer: ClusterWriter, namespace: str,
            assignments: dict[str, str]) -> int:
    from meshtui.kube.shift import plan_shift
    from meshtui.model.kubetime import rfc3339
    from meshtui.model.shift import creator, shift_write

    request = plan_shift(client, namespace, args.service, assignments,
                         created_by=creator(writer.identity, writer.cluster.context),
                         created_at=rfc3339(time.time()), kind=args.kind, name=args.name,
                         reason=args.reason)
    planned = shift_write(request)
    result = writer.write(planned, "shift")
    obj = result.obj or planned.patch
    data = {"object": str(planned.target), "kind": request.kind.kind,
            "apiVersion": obj.get("apiVersion"), "namespace": namespace,
            "name": request.name, "service": request.service, "dryRun": result.dry_run,
            "backends": {b.service: b.percent for b in request.backends},
            "resourceVersion": (obj.get("metadata") or {}).get("resourceVersion"),
            "manifest": obj}
    shown = [visible(b.service, NAME_LIMIT) for b in request.backends]
    width = max(len(n) for n in shown)
    lines = [f"{planned.target} created" + (" (dry run: nothing stored)" if result.dry_run
                                            else "")]
    lines += [f"  {n:<{width}}  {b.percent:>3}%" for n, b in zip(shown, request.backends,
                                                                  strict=True)]
    emit(args, data, lines)
    return 0


def _delete(args: argparse.Namespace, client: MeshClient, writer: ClusterWriter, namespace: str,
            target: tuple[tuple[str, ...], str]) -> int:
    from meshtui.kube.targets import resolve_split
    from meshtui.model.shift import ShiftRefused, end_refusal, end_write, is_meshtui_made

    split = resolve_split(client, namespace, *target)
    refusal = end_refusal(split, force=args.force)
    if refusal is not None:
        raise ShiftRefused(refusal)
    if not is_meshtui_made(split.obj):
        print(f"warning: {visible(split.ref, MESSAGE_LIMIT)} was not created by meshtui; "
              "deleting it because of --force", file=sys.stderr)
    planned = end_write(split)
    result = writer.write(planned, "end-shift")
    data = {"object": str(split.ref), "kind": split.kind, "apiVersion": split.api_version,
            "namespace": split.namespace, "name": split.name, "service": split.service,
            "deleted": not result.dry_run, "dryRun": result.dry_run}
    emit(args, data, [f"{split.ref} deleted" + (" (dry run: nothing deleted)"
                                                 if result.dry_run else "")])
    return 0
