"""Cluster strings with terminal escape sequences are printed escaped by every text output.

An object with escape sequences in its backend names, a plan message or a Rollout's status
message must not clear the screen, set the title or blink text when its splits, weights or plan
status are printed: no control character other than the newline reaches stdout or stderr.
"""

from __future__ import annotations

import json
import re
import threading
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given

from meshtui.kube.audit import default_audit_path
from meshtui.model.plan_state import ANNOTATION
from meshtui.model.text import visible
from meshtui.output import ERROR_LIMIT
from tests.cli.helpers import run_main
from tests.control.conftest import owner_ref, rollout
from tests.model.hostile import Drawn, check_parse, hostile_splits
from tests.model.hypothesis_settings import FUZZ
from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.reliability import figures

SWEPT: Counter[str] = Counter()
"""Command runs and examples that passed below, and the widest line printed, for the report."""


def teardown_module() -> None:
    """Record what was swept."""
    figures.record("hostile_text", **SWEPT)


HOSTILE = ("\x1b]0;owned\x07\x1b[2J\x1b[5mROLLOUT HEALTHY - SAFE TO PROMOTE\x9b31m\x7f"
           "\u202eelbats\u202c\u200b")
SHOWN = "\\x1b]0;owned\\x07\\x1b[2J"
# Bidi overrides and zero-width characters too: "\u202eelbats" is drawn as "stable".
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")


def _hostile_split(name: str, **kwargs) -> dict:
    obj = trafficsplit(name, **kwargs)
    obj["spec"]["service"] = f"svc{HOSTILE}"
    obj["spec"]["backends"][1]["service"] = f"canary{HOSTILE}"
    return obj


def _planned(apiserver: RunningApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str],
             message: str) -> dict:
    """Split `planned` with a plan started by the CLI, its stored message then set to `message`;
    returns the plan state stored."""
    apiserver.store.create(trafficsplit("planned"))
    plan = tmp_path / "plan.yaml"
    plan.write_text("steps:\n  - pause: {untilApproved: true}\n  - setWeight: 50\n")
    started = run_main(["rollout", "start", "ts/planned", "--plan", str(plan),
                        "--kubeconfig", str(apiserver.kubeconfig)], capsys)
    assert started.returncode == 0, started.stderr
    obj = apiserver.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "planned")
    state = json.loads(obj["metadata"]["annotations"][ANNOTATION])
    state["message"] = message
    obj["metadata"]["annotations"][ANNOTATION] = json.dumps(state)
    apiserver.store.update(obj)
    return state


@pytest.fixture
def hostile(apiserver: RunningApiServer, tmp_path: Path,
            capsys: pytest.CaptureFixture[str]) -> RunningApiServer:
    """Splits, a plan and a Rollout whose strings carry escape sequences."""
    apiserver.store.create(_hostile_split("evil", weights=(90, 10)))
    _planned(apiserver, tmp_path, capsys, HOSTILE)
    books = _hostile_split("books", service="books", weights=(80, 20))
    books["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(books)
    argo = rollout()
    argo["status"]["message"] = HOSTILE
    argo["status"]["conditions"] = [{"type": "Progressing", "status": "True",
                                     "reason": HOSTILE, "message": HOSTILE}]
    apiserver.store.create(argo)
    return apiserver


@pytest.mark.parametrize("argv", [
    ["get", "splits"], ["get", "splits", "-A"],
    ["weight", "ts/evil", "podinfo-primary=50"],
    ["weight", "ts/evil", "nope=50"],
    ["weight", "ts/evil", "podinfo-primary=50", "--dry-run"],
    ["rollout", "status"], ["rollout", "status", "ts/planned"],
    ["rollout", "pause", "ts/planned"],
    ["promote", "ts/books", "--dry-run"], ["abort", "ts/books", "--dry-run"],
    ["pause", "ts/books", "--dry-run"], ["resume", "ts/books"],
    ["audit"],
], ids=" ".join)
def test_no_control_character_reaches_the_terminal(hostile: RunningApiServer, argv: list[str],
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    kube = [] if argv[0] == "audit" else ["--kubeconfig", str(hostile.kubeconfig)]
    result = run_main([*argv, *kube], capsys)
    for stream in (result.stdout, result.stderr):
        assert not CONTROL.search(stream), (argv, stream)
    assert "Traceback" not in result.stderr
    if argv[0] in ("get", "weight"):
        assert SHOWN in result.stdout + result.stderr, (argv, result)
    SWEPT["escape runs"] += 1


def test_the_runner_error_line_is_escaped_like_every_other() -> None:
    from meshtui.kube.errors import KubeError
    from meshtui.rollout.runner import Runner

    class Failing:
        def list_splits(self, namespace: str | None) -> list:
            raise KubeError(f"cannot list splits: {HOSTILE}")

    lines: list[str] = []
    Runner(Failing(), None, identity="r", log=lines.append).run(threading.Event(), 0, max_ticks=2)
    assert len(lines) == 2 and all(line.startswith("error: cannot list splits: ") for line in lines)
    assert not CONTROL.search("".join(lines)) and SHOWN in lines[0], lines


@FUZZ
@given(hostile_splits())
def test_the_text_formatters_escape_and_bound_any_split(drawn: Drawn) -> None:
    """The formatters of ``get splits`` and ``rollout status`` on hostile splits (any names,
    weights of any size, up to 64 backends and 16 rules, fuzzed plan annotations)."""
    from meshtui.cli.get import splits_table
    from meshtui.cli.rollout import _status_lines
    from meshtui.rollout.status import plan_status

    split = check_parse(drawn)
    status = plan_status(split)
    lines = splits_table([split], with_namespace=True).splitlines() + (
        _status_lines(status) if status is not None else [])
    for line in lines:
        assert not CONTROL.search(line) and len(line) <= LINE_LIMIT, (len(line), line[:300])
    SWEPT["formatter examples"] += 1


def test_json_output_keeps_the_exact_strings(hostile: RunningApiServer,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(["rollout", "status", "-o", "json", "--kubeconfig",
                       str(hostile.kubeconfig)], capsys)
    assert not CONTROL.search(result.stdout)
    assert [s["message"] for s in json.loads(result.stdout)] == [HOSTILE]
    splits = run_main(["get", "splits", "-o", "json", "--kubeconfig",
                       str(hostile.kubeconfig)], capsys)
    assert not CONTROL.search(splits.stdout)
    assert f"svc{HOSTILE}" in [s.get("service") for s in json.loads(splits.stdout)]


LONG = 100_000
"""Characters in each oversized name and message: far more than any terminal line."""
LINE_LIMIT = len("error: ") + ERROR_LIMIT
"""The widest text line any command may print: the longest ``error:`` line."""


def _long(prefix: str) -> str:
    return (prefix + HOSTILE + "[/]" + prefix * LONG)[:LONG]


@pytest.fixture
def oversized(apiserver: RunningApiServer, tmp_path: Path,
              capsys: pytest.CaptureFixture[str]) -> RunningApiServer:
    """Splits with 100,000-character names, a 5,000-digit weight and 64 backends, a plan whose
    message is 100,000 characters, an unreadable plan, and a Rollout with such a message."""
    wide = trafficsplit("wide", version="v1alpha1")
    wide["spec"]["service"] = _long("s")
    wide["spec"]["backends"] = [{"service": _long("p"), "weight": "9" * 5000},
                                {"service": _long("c"), "weight": "10"}] + [
        {"service": f"b{i}{'x' * 200}", "weight": str(i)} for i in range(62)]
    apiserver.store.create(wide)
    long = trafficsplit("long", weights=(90, 10))
    long["spec"]["backends"][0]["service"] = _long("p")
    long["spec"]["backends"][1]["service"] = _long("c")
    apiserver.store.create(long)
    state = _planned(apiserver, tmp_path, capsys, _long("m"))
    broken = trafficsplit("broken")
    broken["metadata"]["annotations"] = {ANNOTATION: json.dumps({**state, "weight": 1e999})}
    apiserver.store.create(broken)
    books = trafficsplit("books", service="books", weights=(80, 20))
    books["spec"]["backends"][1]["service"] = _long("c")
    books["metadata"]["ownerReferences"] = owner_ref("Rollout", "books")
    apiserver.store.create(books)
    argo = rollout()
    argo["status"]["message"] = _long("r")
    argo["status"]["conditions"] = [{"type": "Progressing", "status": "True",
                                     "reason": _long("q"), "message": _long("r")}]
    apiserver.store.create(argo)
    # Records of any shape in the audit log: a file is data too.
    audit = default_audit_path()
    audit.parent.mkdir(parents=True, exist_ok=True)
    audit.write_text("\n".join([
        json.dumps({"time": {"at": 1}, "result": ["ok"], "action": 7, "object": ["x"],
                    "identity": _long("i"), "message": _long("a")}),
        json.dumps({"result": "ok", "object": {"kind": {"k": HOSTILE}, "name": _long("n")},
                    "context": HOSTILE}).replace('"ok"', "9" * 4000, 1),
    ]) + "\n")
    return apiserver


OVERSIZED_VERBS = [
    ["get", "splits"], ["get", "splits", "-A"],
    ["weight", "ts/long", f"{_long('c')}=50"],
    ["weight", "ts/long", "nope=50"],
    ["weight", "ts/long", f"{_long('c')}=50", "--dry-run"],
    ["weight", "ts/wide", "b1" + "x" * 200 + "=50"],
    ["rollout", "status"], ["rollout", "status", "ts/planned"], ["rollout", "status", "ts/broken"],
    ["rollout", "pause", "ts/planned"], ["rollout", "abort", "ts/broken"],
    ["promote", "ts/books", "--dry-run"], ["abort", "ts/books", "--dry-run"],
    ["pause", "ts/books", "--dry-run"], ["resume", "ts/books"],
    ["audit"],
]


@pytest.mark.parametrize("argv", OVERSIZED_VERBS,
                         ids=lambda argv: visible(" ".join(a[:20] for a in argv)))
def test_oversized_names_and_messages_keep_every_line_bounded(
        oversized: RunningApiServer, argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    kube = [] if argv[0] == "audit" else ["--kubeconfig", str(oversized.kubeconfig)]
    result = run_main([*argv, *kube], capsys)
    assert "Traceback" not in result.stderr
    for stream in (result.stdout, result.stderr):
        assert not CONTROL.search(stream), (argv[:2], stream[:300])
        widths = [len(line) for line in stream.splitlines()]
        assert max(widths, default=0) <= LINE_LIMIT, (argv[:2], widths)
    if argv[1:] == ["ts/long", "nope=50"]:
        assert "(backends: p\\x1b]0;owned\\x07" in result.stderr and "…" in result.stderr
        assert len(result.stderr) < 300, result.stderr
    if argv[0] == "audit":
        assert len(result.stdout.splitlines()) == 2, result.stdout
    SWEPT["oversized runs"] += 1
    lines = (result.stdout + result.stderr).splitlines()
    SWEPT["widest line"] = max(SWEPT["widest line"], *map(len, lines))
    if argv[0] == "get":
        wide = next(line for line in result.stdout.splitlines() if " wide " in line)
        assert "s\\x1b]0;owned\\x07" in wide and "…" in wide and "+56 more" in wide, wide[:500]


def test_a_plan_is_not_started_on_a_backend_that_is_not_a_name(
        hostile: RunningApiServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # rollout start wrote a plan whose canary held an escape sequence; the plan state reader then
    # refused it, so the split carried an Invalid plan that no runner drives.
    plan = tmp_path / "evil.yaml"
    plan.write_text("steps:\n  - setWeight: 50\n")
    result = run_main(["rollout", "start", "ts/evil", "--plan", str(plan),
                       "--kubeconfig", str(hostile.kubeconfig)], capsys)
    assert result.returncode == 1
    assert "not a name Kubernetes accepts" in result.stderr
    assert not CONTROL.search(result.stderr) and result.stderr.count("\n") == 1
    obj = hostile.store.get("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "evil")
    assert ANNOTATION not in (obj["metadata"].get("annotations") or {})
