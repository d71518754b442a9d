"""The traffic-control command line: ``meshtui weight``, ``pause``, ``resume``, ``promote``,
``abort`` and ``audit``.

`add_parsers` adds the subcommands to ``meshtui``'s parser and `run` carries one out; ``python -m
meshtui.cli.control`` runs them on their own. Every write goes through `ClusterWriter`, so
``--read-only`` refuses it before any request and ``--dry-run`` sends it with ``dryRun=All``.
Failures print one ``error: ...`` line on stderr and exit with status 1.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from meshtui.cli.options import (
    Parser,
    add_output_option,
    add_target,
    add_write_verb_options,
    emit,
    option,
)
from meshtui.model.text import MAX_NAME_LENGTH, visible
from meshtui.output import MESSAGE_LIMIT, NAME_LIMIT, entry_point, error, say

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.split import Split
    from meshtui.model.write_descriptions import WeightPlan

__all__ = ["COMMANDS", "add_parsers", "main", "run"]

COMMANDS = ("weight", "pause", "resume", "promote", "abort", "audit")
"""The subcommands this module adds."""


class ControlError(Exception):
    """A request the command line refuses: a bad option value, or an owner the write would fight."""


def add_parsers(subparsers: Any) -> None:
    """Add ``weight``, ``pause``, ``resume``, ``promote``, ``abort`` and ``audit``.

    Args:
        subparsers: What ``ArgumentParser.add_subparsers()`` returned.
    """
    weight = subparsers.add_parser(
        "weight", help="set the weights of a TrafficSplit or HTTPRoute",
        description="Set percentages: BACKEND=PERCENT for each backend named; backends not "
                    "named share the rest in proportion to their current shares.")
    add_target(weight)
    weight.add_argument("assignments", nargs="+", metavar="BACKEND=PERCENT")
    weight.add_argument("--rule", type=int, default=1, help="HTTPRoute rule, from 1 (default 1)")
    weight.add_argument("--force", action="store_true",
                        help="write even though Flagger or Argo Rollouts owns the split (it sets "
                             "the weights back)")
    add_write_verb_options(weight)
    weight.set_defaults(control="weight")
    for name, text in (("pause", "pause the canary's progressive plan"),
                       ("resume", "resume a paused canary"),
                       ("promote", "promote the canary (a step, or --full)"),
                       ("abort", "abort the canary: all traffic back to stable")):
        action = subparsers.add_parser(name, help=text)
        add_target(action)
        if name == "promote":
            action.add_argument("--full", action="store_true",
                                help="skip every remaining step (Argo Rollouts)")
        add_write_verb_options(action)
        action.set_defaults(control=name)
    audit = subparsers.add_parser("audit", help="print the audit log of writes")
    audit.add_argument("--tail", type=int, default=None, metavar="N", help="only the last N")
    add_output_option(audit)
    audit.set_defaults(control="audit")


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed control command; errors print ``error: ...`` and return 1."""
    from meshtui.kube.errors import KubeError

    command = getattr(args, "control", None) or getattr(args, "command", None)
    try:
        if command == "audit":
            return _cmd_audit(args)
        if command == "weight":
            return _with_cluster(args, _cmd_weight)
        if command in ("pause", "resume", "promote", "abort"):
            return _with_cluster(args, _cmd_action)
        raise ControlError(f"unknown command {command!r}")
    except BrokenPipeError:
        raise
    except (KubeError, ControlError, ValueError, OSError) as exc:
        return error(getattr(exc, "message", None) or str(exc) or type(exc).__name__)


def _with_cluster(args: argparse.Namespace, command: Any) -> int:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.targets import parse_target, resolve_split
    from meshtui.model.weights import parse_assignments
    from meshtui.cli.clients import build_writer, cluster_from_args

    target = parse_target(args.target)
    if getattr(args, "control", "") == "weight":
        # Everything that needs no cluster is checked before the first request.
        if args.rule < 1:
            raise ControlError("--rule counts from 1")
        assignments = parse_assignments(args.assignments)
    cluster = cluster_from_args(args)
    try:
        writer = build_writer(args, cluster)
        namespace = option(args, "namespace") or cluster.namespace
        split = resolve_split(MeshClient(cluster), namespace, *target)
        if getattr(args, "control", "") == "weight":
            return command(args, split, writer, assignments, MeshClient(cluster))
        return command(args, split, writer, MeshClient(cluster))
    finally:
        cluster.close()



def _cmd_weight(args: argparse.Namespace, split: Split, writer: ClusterWriter,
                assignments: dict[str, str], client: MeshClient) -> int:
    from meshtui.kube.targets import owner_state
    from meshtui.model.actions import manual_weights_warning, weights_reset
    from meshtui.model.split import parse_split
    from meshtui.model.weight_writes import rule_percents, weights_from_assignments

    rule = args.rule - 1
    plan = weights_from_assignments(split, assignments, rule)
    if plan.before == plan.after:
        return _unchanged(args, split, rule, plan)
    owner = split.owner
    # The owner's state decides: a suspended Flagger Canary leaves its weights alone; a paused
    # Rollout and linkerd-failover (once it has a primary) do not.
    if owner is not None and weights_reset(owner, owner_state(client, split)):
        warning = manual_weights_warning(owner, pause_hint=f"(meshtui pause {args.target})",
                                         move_hint=f"(meshtui promote / abort {args.target})")
        if not getattr(args, "force", False):
            raise ControlError(f"{warning} Nothing written; --force writes anyway.")
        print(f"warning: {warning}", file=sys.stderr)
    result = writer.set_weights(split, list(plan.after), rule)
    written = parse_split(result.obj) if result.obj else split
    after = rule_percents(written, rule)
    names = list(plan.names)
    data = {
        "object": str(split.ref), "kind": split.kind, "apiVersion": split.api_version,
        "namespace": split.namespace, "name": split.name, "rule": rule + 1,
        "dryRun": result.dry_run,
        "before": dict(zip(names, plan.before, strict=True)),
        "after": dict(zip(names, after, strict=True)),
        "resourceVersion": written.resource_version,
    }
    shown = [visible(n, NAME_LIMIT) for n in names]
    width = max(len(n) for n in shown)
    lines = [f"{split.ref}{' (dry run: nothing stored)' if result.dry_run else ''}"]
    lines += [f"  {n:<{width}}  {b:>3}% -> {a:>3}%"
              for n, b, a in zip(shown, plan.before, after, strict=True)]
    emit(args, data, lines)
    return 0


def _unchanged(args: argparse.Namespace, split: Split, rule: int, plan: WeightPlan) -> int:
    """Weights already as asked: say so and write nothing (no request, no audit record)."""
    names = list(plan.names)
    emit(args, {"object": str(split.ref), "rule": rule + 1, "changed": False,
                 "weights": dict(zip(names, plan.after, strict=True)),
                 "resourceVersion": split.resource_version},
          [f"{split.ref}: unchanged, nothing written",
           *(f"  {n}  {p:>3}%" for n, p in zip(names, plan.after, strict=True))])
    return 0


def _cmd_action(args: argparse.Namespace, split: Split, writer: ClusterWriter,
                client: MeshClient) -> int:
    from meshtui.kube.targets import owner_state
    from meshtui.model.actions import Unavailable, plan_action

    action = "promote-full" if getattr(args, "full", False) else args.control
    plan = plan_action(split, owner_state(client, split), action)
    if isinstance(plan, Unavailable):
        raise ControlError(f"cannot {action} {split.ref}: {plan.reason}")
    results = writer.apply(plan)
    dry = any(r.dry_run for r in results)
    writes = []
    lines = [visible(plan.summary, MESSAGE_LIMIT) + (" (dry run: nothing changed)" if dry else "")]
    for planned, result in zip(plan.writes, results, strict=True):
        sub = f"/{planned.subresource}" if planned.subresource else ""
        writes.append({"target": f"{planned.target}{sub}", "patchType": planned.patch_type,
                       "patch": planned.patch, "description": planned.description,
                       "result": result.audit_record.get("result")})
        lines.append(f"  {result.audit_record.get('result')}: "
                     f"{visible(planned.description, MESSAGE_LIMIT)}")
    lines += [f"  note: {visible(note, MESSAGE_LIMIT)}" for note in plan.notes]
    emit(args, {"action": action, "object": str(split.ref), "controller": plan.controller,
                 "summary": plan.summary, "dryRun": dry, "writes": writes,
                 "notes": list(plan.notes)}, lines)
    return 0


def _cmd_audit(args: argparse.Namespace) -> int:
    from meshtui.kube.audit import default_audit_path, read_audit

    tail = getattr(args, "tail", None)
    if tail is not None and tail < 0:
        raise ControlError("--tail must be 0 or more")
    records = read_audit()
    if tail is not None:
        records = records[-tail:] if tail else []
    if option(args, "output") == "json":
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not records:
        say(f"no writes recorded ({default_audit_path()})")
        return 0
    say(_audit_line(rec) for rec in records)
    return 0


def _audit_line(rec: dict[str, Any]) -> str:
    """One audit record as a line; any field of the file may hold anything, or be missing."""
    obj = rec.get("object")
    obj = obj if isinstance(obj, dict) else {}
    what = "/".join([_field(obj.get("kind"), NAME_LIMIT).lower(),
                     _field(obj.get("namespace"), NAME_LIMIT),
                     _field(obj.get("name"), MAX_NAME_LENGTH)])
    message = f"  {_field(rec.get('message'), MESSAGE_LIMIT)}" if rec.get("message") else ""
    return (f"{_field(rec.get('time'), 40)}  {_field(rec.get('result'), 20):<9} "
            f"{_field(rec.get('action'), 40):<12} {what}  "
            f"{_field(rec.get('identity'), NAME_LIMIT) or '-'}@"
            f"{_field(rec.get('context'), NAME_LIMIT) or '-'}{message}")


def _field(value: Any, limit: int) -> str:
    return "" if value is None else visible(value, limit)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the control commands on their own (``python -m meshtui.cli.control``)."""
    parser = Parser(prog="meshtui", description="meshtui traffic control")
    add_parsers(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    return entry_point(lambda: run(parser.parse_args(argv)))


if __name__ == "__main__":
    sys.exit(main())
