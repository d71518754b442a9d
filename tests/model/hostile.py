"""Hypothesis strategies for hostile cluster data: split-shaped objects whose weights, names and
annotations are what someone with edit rights on one object could write.

Each drawn weight and name says whether it is bad, so tests can assert the parse says so (a
problem) rather than only that it does not crash.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from hypothesis import strategies as st

from meshtui.model.plan import parse_plan
from meshtui.model.plan_state import ANNOTATION
from meshtui.model.split_annotations import STABLE_ANNOTATION
from meshtui.rollout import commands

HUGE_INT = 10**5000
"""More digits than Python turns into text or reads from text (4,300)."""

GOOD_NAMES = st.sampled_from(["web", "web-primary", "web-canary", "podinfo", "a", "n" * 63,
                              "books-v2.shop", "x" * 253])
BAD_NAMES = st.sampled_from([
    "svc[/]", "[/]", "[@click=app.quit]x", "[@click=app.screenshot('v.conf','/tmp')]see[/]",
    "[red]stable[/red]", "[link=http://x]y", "a\x1b[2Jb", "\x1b]0;pwned\x07", "a\nb", "a\rb",
    "\x9b31mred", "del\x7f", "x" * 254, "y" * 100_000, "nul\x00",
]) | st.text(min_size=1, max_size=12).map(lambda t: f"[{t}")
"""Names `meshtui.model.text.name_problem` must flag (brackets, controls or too long)."""
ODD_NAMES = st.sampled_from(["שלום\u200b", "ab\u202ecd", "Web_Service", "é"])
"""Names Kubernetes would refuse but that are safe to show: no problem required."""

_BAD_NAME = re.compile("[\x00-\x1f\x7f-\x9f\\[\\]]")


def is_bad_name(name: str) -> bool:
    """The oracle for `BAD_NAMES`, written independently of the code under test."""
    return bool(_BAD_NAME.search(name)) or len(name) > 253


GOOD_TS_WEIGHTS = st.integers(0, 1000) | st.integers(0, 1000).map(str) | st.sampled_from(
    ["0", "100", "1k", "1e3", "0e0", "+5", "-0", 0.0, -0.0, 100.0, "9223372036854775807"])
"""TrafficSplit weights every version reads as a whole number."""
FRACTIONAL_TS_WEIGHTS = st.sampled_from(["500m", "1.5", "250u", "3n", "1Ki", ".5", "1e-3", 2.5])
"""Quantities v1alpha1/2 read exactly; v1alpha3/4 keep them with a problem."""
GOOD_HR_WEIGHTS = st.integers(0, 1_000_000) | st.sampled_from([0.0, 1e6, 50.0])

_DIGITS = st.integers(1, 6000).map(lambda n: "9" * n)
BAD_TS_WEIGHTS = st.one_of(
    _DIGITS.filter(lambda d: len(d) > 19),
    st.integers(70, 6000).map(lambda n: "0." + "0" * n + "1"),
    st.builds(lambda m, e: f"{m}e{e}", st.integers(1, 10**6), st.integers(31, 10**9)),
    st.builds(lambda e: f"1e-{e}", st.integers(31, 10**9)),
    st.integers(2**63, 10**40) | st.just(HUGE_INT) | st.integers(-10**40, -1) | st.just(-HUGE_INT),
    st.floats(min_value=1e19, allow_infinity=True) | st.floats(max_value=-1e-300) | st.just(math.nan),
    st.sampled_from([True, False, "", " ", "NaN", "Infinity", "1e999", "0x10", "\u0663\u0660",
                     "\uff15", "1_000", "1.5.5", "--1", "5x", "1KiB", "1 k", "-5", "-500m", [],
                     {}, [HUGE_INT], {"value": HUGE_INT}, "9" * 100 + "Ei", "8Ei"]),
)
"""Weights a TrafficSplit must refuse (None with a problem), whatever their size."""
BAD_HR_WEIGHTS = st.one_of(
    st.integers(1_000_001, 10**40) | st.just(HUGE_INT) | st.integers(-10**40, -1)
    | st.just(-HUGE_INT),
    st.floats(allow_nan=True, allow_infinity=True).filter(
        lambda f: not (math.isfinite(f) and f.is_integer() and 0 <= f <= 1_000_000)),
    st.sampled_from([True, False, "50", "", "1e999", [], {}, [HUGE_INT]]),
    _DIGITS,
)
"""Weights an HTTPRoute backendRef must refuse (Gateway API: an int from 0 to 1,000,000)."""


@dataclass
class Drawn:
    """A hostile split object and what the test may expect of its parse."""

    obj: dict[str, Any]
    bad_weights: set[tuple[int, int]] = field(default_factory=set)
    """(rule, position) of backends whose weight must be refused."""
    bad_names: list[str] = field(default_factory=list)
    """Names that must carry a problem."""
    bad_annotation: bool = False
    """The plan annotation does not fit the schema."""


def _name(draw: st.DrawFn, drawn: Drawn) -> str:
    name = draw(GOOD_NAMES | BAD_NAMES | ODD_NAMES)
    if is_bad_name(name):
        drawn.bad_names.append(name)
    return name


def _weight(draw: st.DrawFn, good: st.SearchStrategy[Any], bad: st.SearchStrategy[Any],
            drawn: Drawn, where: tuple[int, int]) -> Any:
    if draw(st.booleans()):
        return draw(good)
    drawn.bad_weights.add(where)
    return draw(bad)


@st.composite
def hostile_splits(draw: st.DrawFn, max_backends: int = 64, max_rules: int = 16) -> Drawn:
    """A TrafficSplit (any SMI version) or HTTPRoute (either group) with hostile parts."""
    drawn = Drawn({})
    meta: dict[str, Any] = {"name": draw(GOOD_NAMES), "namespace": "ns", "resourceVersion": "1"}
    if draw(st.booleans()):
        meta["annotations"] = draw(hostile_annotations(drawn))
    if draw(st.booleans()):
        version = draw(st.sampled_from(["v1alpha1", "v1alpha2", "v1alpha3", "v1alpha4"]))
        good = GOOD_TS_WEIGHTS | FRACTIONAL_TS_WEIGHTS if version in ("v1alpha1", "v1alpha2") \
            else GOOD_TS_WEIGHTS
        count = draw(st.integers(1, max_backends))
        backends = [{"service": _name(draw, drawn),
                     "weight": _weight(draw, good, BAD_TS_WEIGHTS, drawn, (0, i))}
                    for i in range(count)]
        drawn.obj = {"apiVersion": f"split.smi-spec.io/{version}", "kind": "TrafficSplit",
                     "metadata": meta, "spec": {"service": _name(draw, drawn),
                                                "backends": backends}}
        return drawn
    group, version = draw(st.sampled_from([("gateway.networking.k8s.io", "v1"),
                                           ("policy.linkerd.io", "v1beta3")]))
    rules = []
    for rule in range(draw(st.integers(1, max_rules))):
        refs = [{"name": _name(draw, drawn), "port": 80,
                 "weight": _weight(draw, GOOD_HR_WEIGHTS, BAD_HR_WEIGHTS, drawn, (rule, i))}
                for i in range(draw(st.integers(1, max(1, max_backends // max_rules))))]
        rules.append({"backendRefs": refs})
    drawn.obj = {"apiVersion": f"{group}/{version}", "kind": "HTTPRoute", "metadata": meta,
                 "spec": {"parentRefs": [{"kind": "Service", "name": _name(draw, drawn)}],
                          "rules": rules}}
    return drawn


def hostile_annotations(drawn: Drawn) -> st.SearchStrategy[dict[str, str]]:
    """Plan and stable annotations, valid or not (noted on `drawn`)."""

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, str]:
        annotations = {}
        if draw(st.booleans()):
            annotations[STABLE_ANNOTATION] = draw(GOOD_NAMES | BAD_NAMES)
        if draw(st.booleans()):
            text, valid = draw(plan_annotations())
            annotations[ANNOTATION] = text
            drawn.bad_annotation = not valid
        return annotations

    return build()


_PLAN = parse_plan("steps:\n  - setWeight: 10\n  - pause: {duration: 1m}\n"
                   "  - analysis: {window: 1m, interval: 10s, successRate: '>= 99'}\n"
                   "  - setWeight: 100\n")
_VALID = json.loads(commands.start(_PLAN, canary="web-canary", stable="web-primary", weight=0,
                                   now=1_700_000_000.0, by="me").state.to_annotation())
_HUGE = "__HUGE__"
_BAD_VALUES = st.sampled_from([
    _HUGE, "1e999", "-1e999", "NaN", "Infinity", -1, 101, 10**30, 2.5, True, None, "", "x" * 300_000,
    [], {}, [[[[[[[[1]]]]]]]], {"a": _HUGE}, "[/]", "\x1b[2J", 1e308, -0.0,
])
_PATHS = [("weight",), ("step",), ("phase",), ("canary",), ("stable",), ("startedAt",),
          ("stepStartedAt",), ("updatedAt",), ("lastCheckAt",), ("checksPassed",),
          ("checksFailed",), ("approved",), ("history",), ("plan",), ("plan", "steps"),
          ("plan", "onFailure"), ("history", 0, "at"), ("history", 0, "step"),
          ("history", 0, "weight"), ("plan", "steps", 0, "setWeight"),
          ("plan", "steps", 1, "pause", "duration"), ("plan", "steps", 2, "analysis", "interval"),
          ("plan", "steps", 2, "analysis", "successRate"), ("plan", "steps", 2, "analysis", "count")]
_PHASES = {"Progressing", "Paused", "Succeeded", "RolledBack", "Aborted", "Promoted"}
_TIMES = {"startedAt", "stepStartedAt", "updatedAt", "lastCheckAt", "at"}


def _fits(path: tuple[Any, ...], value: Any) -> bool:
    """The schema's answer for one replaced field, written independently of the code under test."""
    if value in (_HUGE, "1e999", "-1e999") and not isinstance(value, bool) or \
            isinstance(value, str) and len(value) > 200_000:
        return False  # not JSON Python reads, or larger than any annotation
    if path[0] == "plan":
        return False  # a different plan no longer matches planHash
    key = path[-1]
    whole = isinstance(value, int) and not isinstance(value, bool)
    number = (whole or isinstance(value, float)) and not isinstance(value, bool)
    if key == "weight" and path[0] == "history" and value is None:
        return True
    if key == "weight":
        return whole and 0 <= value <= 100
    if key == "step":
        return whole and 0 <= value <= len(_PLAN.steps)
    if key in _TIMES:
        return (key == "lastCheckAt" and value is None) or \
            number and math.isfinite(value) and 0 <= value <= 253_402_300_799
    if key in ("checksPassed", "checksFailed"):
        return whole and 0 <= value <= 1_000_000
    if key == "approved":
        return isinstance(value, bool)
    if key == "phase":
        return isinstance(value, str) and value in _PHASES
    if key == "history":
        return value == []
    return False  # canary, stable: no drawn value is a backend name


def _to_text(value: Any) -> str:
    """JSON text of `value`, with `_HUGE` written as a 5,000-digit number and non-finite floats as
    the literals sloppy writers produce."""
    text = json.dumps(value, allow_nan=True)
    return text.replace(f'"{_HUGE}"', "9" * 5000).replace('"1e999"', "1e999").replace(
        '"-1e999"', "-1e999")


@st.composite
def plan_annotations(draw: st.DrawFn) -> tuple[str, bool]:
    """A plan state annotation and whether it is valid: the valid one, one field of it replaced
    by a hostile value, or any text at all."""
    kind = draw(st.sampled_from(["valid", "mutated", "mutated", "mutated", "text", "json"]))
    if kind == "valid":
        return _to_text(_VALID), True
    if kind == "text":
        return draw(st.text(max_size=40) | st.sampled_from(["{", "[" * 50_000, "null", "{}"])), \
            False
    if kind == "json":
        value = draw(st.recursive(st.none() | st.booleans() | st.integers() | st.floats()
                                  | st.text(max_size=5), lambda inner: st.lists(inner, max_size=3)
                                  | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                                  max_leaves=6))
        return json.dumps(value), False
    data = json.loads(json.dumps(_VALID))
    path = draw(st.sampled_from(_PATHS))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = draw(_BAD_VALUES)
    return _to_text(data), _fits(path, target[path[-1]])


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def check_parse(drawn: Drawn) -> Any:
    """Parse a drawn object and assert what any parse of it must give; returns the split.

    Parsing never raises; every weight is None or bounded; a refused weight, a bad name and an
    invalid plan annotation each carry a problem; problems are bounded, visible text.
    """
    from meshtui.model.quantity import MAX_QUANTITY
    from meshtui.model.roles import stable_and_canary
    from meshtui.model.split import MAX_PROBLEMS, parse_split
    from meshtui.model.text import visible
    from meshtui.model.weights import choose_scale, to_percents

    split = parse_split(drawn.obj)
    json.dumps(split.to_json(), allow_nan=False)
    limit = MAX_QUANTITY if split.kind == "TrafficSplit" else 1_000_000
    for backend in split.backends:
        bad = (backend.rule, backend.position) in drawn.bad_weights
        assert (backend.weight is None) == bad, (backend.raw_weight, backend.weight)
        assert backend.weight is None or 0 <= backend.weight <= limit
        assert math.isfinite(backend.percent) and 0.0 <= backend.percent <= 100.0
    for rule in split.rules:
        total = sum(b.percent for b in rule)
        assert total == 0 or abs(total - 100) < 1e-6, total
    weights = [b.weight for b in split.backends]
    to_percents(weights)
    choose_scale(weights)
    stable_and_canary(split)
    problems = split.problems
    assert len(problems) <= MAX_PROBLEMS
    for problem in problems:
        assert isinstance(problem, str) and 0 < len(problem) <= 600, problem
        assert not _CONTROL.search(problem), problem
    if len(problems) == MAX_PROBLEMS:
        return split  # the rest were counted, not listed
    if drawn.bad_weights:
        assert any("weight" in p for p in problems), problems
    for name in drawn.bad_names:
        assert any(visible(name, 60) in p and "not a name Kubernetes accepts" in p
                   for p in problems), (name[:80], problems)
    if drawn.bad_annotation:
        assert any(ANNOTATION in p for p in problems), problems
    return split
