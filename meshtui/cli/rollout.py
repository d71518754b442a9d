"""``meshtui rollout``: start, status, approve, pause, resume, promote, abort and run plans.

`add_parsers` adds the ``rollout`` command to ``meshtui``'s parser and `run` carries it out;
``python -m meshtui.rollout`` runs it on its own. Every write goes through `ClusterWriter`.
Failures print one ``error: ...`` line on stderr and exit with status 1.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from meshtui.cli.options import (
    Parser,
    UsageError,
    add_kube_options,
    add_output_option,
    add_write_options,
    check_url,
    number_in,
    option,
)
from meshtui.model.text import visible
from meshtui.output import MESSAGE_LIMIT, NAME_LIMIT, entry_point, error, say

if TYPE_CHECKING:
    from meshtui.kube.client import MeshClient
    from meshtui.kube.config import Cluster
    from meshtui.kube.writer import ClusterWriter
    from meshtui.model.plan import Plan
    from meshtui.model.plan_state import PlanState, Transition
    from meshtui.model.split import Split
    from meshtui.rollout.status import PlanStatus

__all__ = ["add_parsers", "main", "run"]

ACTIONS = ("approve", "pause", "resume", "promote", "abort")
MAX_RETRIES = 5


def _common(parser: argparse.ArgumentParser, *, all_namespaces: bool = False) -> None:
    add_kube_options(parser, all_namespaces=all_namespaces)
    add_write_options(parser, dry_run=False)
    add_output_option(parser)


def _speed(text: str) -> float:
    """--speed's value, at most what plan states accept (their module is imported only when the
    option is given: every command builds this parser, ``meshtui get`` included)."""
    from meshtui.model.plan_state import MAX_SPEED

    return number_in(0.001, MAX_SPEED)(text)


def add_parsers(subparsers: Any) -> None:
    """Add ``rollout`` with its subcommands to a parser's subparsers."""
    rollout = subparsers.add_parser("rollout", help="progressive canary plans run by meshtui",
                                    description="Progressive canary plans kept on the split.")
    sub = rollout.add_subparsers(dest="rollout_command", metavar="SUBCOMMAND", required=True)
    start = sub.add_parser("start", help="start a plan on a split")
    start.add_argument("target", metavar="KIND/NAME", help="trafficsplit/NAME, httproute/NAME")
    start.add_argument("--plan", required=True, metavar="FILE", help="plan YAML file")
    start.add_argument("--replace", action="store_true", help="replace a running plan")
    _common(start)
    status = sub.add_parser("status", help="show plans and their progress")
    status.add_argument("target", metavar="KIND/NAME", nargs="?", help="one split (default all)")
    _common(status, all_namespaces=True)
    for name, text in (("approve", "approve the pause waiting for approval"),
                       ("pause", "pause the plan"), ("resume", "resume a paused plan"),
                       ("promote", "skip the remaining steps: all traffic to the canary"),
                       ("abort", "stop the plan: all traffic to stable")):
        action = sub.add_parser(name, help=text)
        action.add_argument("target", metavar="KIND/NAME")
        if name in ("abort", "pause"):
            action.add_argument("--reason", default="", help="why (recorded in the history)")
        _common(action)
    runner = sub.add_parser("run", help="drive every plan in scope (headless, e.g. in a pod)")
    _common(runner, all_namespaces=True)
    # SUPPRESS: the value given before `rollout` (the main parser's option) stands when this
    # one is not repeated after `run`.
    runner.add_argument("--prometheus-url", metavar="URL", default=argparse.SUPPRESS,
                        help="Prometheus (default: linkerd-viz through the API server proxy)")
    # Bounded: --interval 1e999 overflowed the wait (a traceback), nan made it spin, a speed over
    # MAX_SPEED wrote plan states their reader refuses, and a Lease longer than int32 is refused.
    runner.add_argument("--interval", type=number_in(0.01, 3600), default=1.0,
                        help="seconds between ticks")
    runner.add_argument("--lease-duration", type=number_in(1, 86400, integer=True), default=15,
                        help="Lease seconds")
    runner.add_argument("--identity", default=None, help="Lease holder identity")
    runner.add_argument("--speed", type=_speed, default=1.0,
                        help="divide pause durations and analysis intervals (testing)")
    runner.add_argument("--max-ticks", type=number_in(1, 10**9, integer=True), default=None,
                        help="stop after N ticks")
    rollout.set_defaults(command="rollout")


def run(args: argparse.Namespace) -> int:
    """Carry out a parsed ``rollout`` command; errors print ``error: ...`` and return 1."""
    from meshtui.kube.errors import KubeError
    from meshtui.model.plan import PlanError
    from meshtui.model.plan_state import PlanStateError
    from meshtui.rollout.store import RolloutError

    from meshtui.ui.config import ConfigError

    try:
        return _dispatch(args)
    except BrokenPipeError:
        raise
    except (KubeError, PlanError, PlanStateError, RolloutError, ConfigError,
            UsageError, OSError, UnicodeDecodeError) as exc:
        return error(getattr(exc, "message", None) or str(exc) or type(exc).__name__)


def _dispatch(args: argparse.Namespace) -> int:
    from meshtui.kube.client import MeshClient
    from meshtui.cli.clients import build_writer, cluster_from_args, config_settings
    from meshtui.model.plan import parse_plan
    from meshtui.rollout.plan_file import read_plan_text

    command = args.rollout_command
    if getattr(args, "prometheus_url", None) is not None:
        check_url(args.prometheus_url, "--prometheus-url")
    plan = None
    if command == "start":
        plan = parse_plan(read_plan_text(args.plan), source=args.plan)
    config_settings(args)
    cluster = cluster_from_args(args)
    try:
        client = MeshClient(cluster)
        namespace = option(args, "namespace") or cluster.namespace
        if option(args, "all_namespaces"):
            namespace = None
        if command == "status":
            return _cmd_status(args, client, namespace)
        writer = build_writer(args, cluster)
        if command == "run":
            return _cmd_run(args, client, writer, namespace, cluster)
        return _cmd_change(args, client, writer, namespace, plan)
    finally:
        cluster.close()


def _split(client: MeshClient, namespace: str, target: str) -> Split:
    from meshtui.kube.targets import parse_target, resolve_split

    return resolve_split(client, namespace, *parse_target(target))


def _cmd_change(args: argparse.Namespace, client: MeshClient, writer: ClusterWriter,
                namespace: str, plan: Plan | None) -> int:
    """start/approve/pause/resume/promote/abort: re-read and retry when the split moved."""
    from meshtui.kube.errors import Conflict
    from meshtui.model.plan_state import PlanStateError
    from meshtui.rollout.status import plan_status
    from meshtui.rollout.store import RolloutError, read_state, write_transition

    command, who = args.rollout_command, writer.identity or "meshtui"
    for attempt in range(MAX_RETRIES):
        split = _split(client, namespace, args.target)
        tracked = read_state(split)
        state, now = tracked.state, time.time()
        if command == "start" and plan is not None:  # start always reads its plan first
            transition = _start(split, state, plan, args.replace, who, now)
            if transition is None:
                return _changed(args, split, split, f"{split.ref}: plan {plan.hash} is already "
                                "running")
        elif state is None:
            raise RolloutError(tracked.error or f"{split.ref} has no meshtui plan "
                               f"(start one with meshtui rollout start)")
        else:
            transition = _action(command, state, split, args, who, now)
        if transition.state is state:
            return _changed(args, split, split, f"{split.ref}: nothing to do "
                            f"({state.phase if state else 'no plan'})")
        try:
            written = write_transition(writer, split, state, transition, f"rollout-{command}")
        except Conflict:
            if attempt == MAX_RETRIES - 1:
                raise
            continue
        status = plan_status(written)
        return _changed(args, split, written, f"{split.ref}: {status.phase if status else '?'}: "
                        f"{visible(status.message, MESSAGE_LIMIT) if status else ''}")
    raise PlanStateError("unreachable")


def _changed(args: argparse.Namespace, before: Split, after: Split, line: str) -> int:
    """Print what a change verb did: `line`, or with ``-o json`` the plan's status after it."""
    from meshtui.rollout.status import plan_status

    if args.output != "json":
        say(line)
        return 0
    status = plan_status(after)
    json.dump({"object": str(after.ref), "action": args.rollout_command,
               "changed": after is not before,
               "status": status.to_json() if status is not None else None},
              sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


def _start(split: Split, state: PlanState | None, plan: Plan, replace: bool, who: str,
           now: float) -> Transition | None:
    from meshtui.rollout import commands
    from meshtui.rollout.store import RolloutError, canary_percent, choose_roles

    if state is not None and not state.done:
        if state.plan_hash == plan.hash:
            return None
        if not replace:
            raise RolloutError(f"{split.ref} already runs plan {state.plan_hash} "
                               f"({state.phase}); pass --replace to replace it")
    canary, stable = choose_roles(split, plan)
    return commands.start(plan, canary=canary, stable=stable,
                          weight=canary_percent(split, canary), now=now, by=who)


def _action(command: str, state: PlanState, split: Split, args: argparse.Namespace, who: str,
            now: float) -> Transition:
    from meshtui.rollout import commands
    from meshtui.rollout.store import canary_percent

    if command == "approve":
        return commands.approve(state, now=now, by=who)
    if command == "pause":
        return commands.pause(state, now=now, by=who, reason=args.reason)
    if command == "resume":
        return commands.resume(state, now=now, by=who,
                               observed=canary_percent(split, state.canary))
    if command == "promote":
        return commands.promote(state, now=now, by=who)
    return commands.abort(state, now=now, by=who, reason=args.reason)


def _cmd_status(args: argparse.Namespace, client: MeshClient, namespace: str | None) -> int:
    from meshtui.rollout.status import plan_status
    from meshtui.rollout.store import RolloutError

    if args.target:
        splits = [_split(client, namespace or "default", args.target)]
    else:
        splits = client.list_splits(namespace)
    found = [s for s in (plan_status(split) for split in splits) if s is not None]
    if args.target and not found:
        raise RolloutError(f"{splits[0].ref} has no meshtui plan")
    if args.output == "json":
        json.dump([s.to_json() for s in found], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    if not found:
        say("no meshtui plans")
    for status in found:
        say(_status_lines(status))
    return 0


def _status_lines(status: PlanStatus) -> list[str]:
    """The text of one plan's status: a summary line, then one line per step."""
    if status.phase == "Invalid":
        # Nothing of the plan can be read: no step, canary or percentage to show, only why.
        return [f"{status.split}  Invalid  —  {visible(status.message, MESSAGE_LIMIT)}"]
    observed = "—" if status.observed is None else status.observed
    lines = [f"{status.split}  {status.phase}  step {status.step_number}/"
             f"{status.total}  {visible(status.canary, NAME_LIMIT)} {observed}%  "
             f"{visible(status.message, MESSAGE_LIMIT)}"]
    for step in status.steps:
        mark = {"done": "x", "current": ">", "pending": " ", "skipped": "-", "failed": "!"}[step.state]
        lines.append(f"  [{mark}] {step.index + 1}. {visible(step.description, MESSAGE_LIMIT)}")
    return lines


def _cmd_run(args: argparse.Namespace, client: MeshClient, writer: ClusterWriter,
             namespace: str | None, cluster: Cluster) -> int:
    from meshtui.kube.writer import ReadOnly
    from meshtui.metrics.prometheus import PrometheusSource
    from meshtui.rollout.runner import Runner

    if writer.read_only:
        # Every tick of a runner is a write (Lease, plan state, weights): refuse it whole rather
        # than start a loop whose every write is refused.
        raise ReadOnly("read-only mode: refused to run plans (every step of a plan writes)")
    if getattr(args, "prometheus_url", None):
        source = PrometheusSource(args.prometheus_url)
    else:
        from meshtui.cli.clients import viz_prometheus

        source = viz_prometheus(cluster)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    runner = Runner(client, writer, source, namespace=namespace, identity=args.identity,
                    lease_duration=args.lease_duration, speed=args.speed,
                    log=lambda line: _log(args.output, line))
    _log(args.output, f"runner {runner.identity} driving plans in {namespace or 'all namespaces'}")
    runner.run(stop, interval=args.interval, max_ticks=args.max_ticks)
    return 0


def _log(output: str, line: str) -> None:
    """One line of the runner's log; with ``-o json`` one JSON object a line, with its time."""
    if output == "json":
        from meshtui.model.kubetime import rfc3339

        sys.stdout.write(json.dumps({"time": rfc3339(time.time()), "message": line}) + "\n")
        sys.stdout.flush()
    else:
        say(line, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``meshtui rollout ...`` on its own (``python -m meshtui.rollout rollout start ...``
    or, without the leading ``rollout``, ``python -m meshtui.rollout start ...``)."""
    parser = Parser(prog="meshtui", description="meshtui rollout plans")
    add_parsers(parser.add_subparsers(dest="command", metavar="COMMAND", required=True))
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "rollout":
        argv = ["rollout", *argv]
    return entry_point(lambda: run(parser.parse_args(argv)))
