"""Provides progressive canary plans: their steps, thresholds and validated parsing from YAML.

A plan file is either a list of steps or a mapping with ``steps`` and, optionally, ``onFailure``
(``rollback``, the default, or ``pause``), ``canary`` and ``stable`` (backend names, when the
split's naming does not tell them apart). Each step is one of::

    - setWeight: 20
    - pause: {duration: 30s}
    - pause: {untilApproved: true}
    - analysis: {window: 1m, interval: 10s, successRate: ">= 99", latencyP99: "<= 300ms",
                 minRequests: 20, failureLimit: 2, count: 3}

Errors name the source, the line and the field: ``plan.yaml:4: steps[1].pause.duration: ...``.
The format is documented in docs/plans.md.

A plan is also read back from an annotation anybody with edit rights on the split may have
written, so every size is bounded: at most `MAX_STEPS` steps, durations from 1ms to
`MAX_DURATION`, latency bounds up to `MAX_LATENCY_MS`, numbers of a few digits.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any, TypeGuard

import yaml

from meshtui.model.durations import format_duration
from meshtui.model.text import short_repr, visible
from meshtui.model.windows import WINDOWS

__all__ = ["MAX_DURATION", "MAX_LATENCY_MS", "MAX_STEPS", "WINDOWS", "Analysis", "Pause", "Plan",
           "PlanError", "SetWeight", "Step", "Threshold", "format_duration", "is_backend_name",
           "parse_duration", "parse_plan"]

ON_FAILURE = ("rollback", "pause")
MAX_STEPS = 100
"""The most steps a plan may have."""
MAX_DURATION = 30 * 24 * 3600.0
"""The longest pause or analysis interval, in seconds (30 days)."""
MIN_DURATION = 0.001
MAX_LATENCY_MS = 3_600_000.0
"""The largest p99 latency bound, in milliseconds (one hour)."""
# libyaml composes ten times faster than the pure-Python loader; a plan read back from an
# annotation is composed on a dashboard refresh.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_SCALAR_LENGTH = 300
"""The longest single value a plan holds (a backend name is at most 253 characters)."""
# ASCII digits, a bounded number of them: `\d` would take any script's digits, and six decimals
# are what `_number_text` writes back exactly.
_DECIMAL = r"[0-9]{1,9}(?:\.[0-9]{1,6})?"
_DURATION = re.compile(rf"({_DECIMAL})(ms|s|m|h)?")
_UNITS = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, None: 1.0}
_THRESHOLD = re.compile(rf"\s*(>=|<=|>|<)\s*({_DECIMAL})\s*(%|ms|s)?\s*")
_NAME = re.compile(r"[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?")


def is_backend_name(value: object) -> TypeGuard[str]:
    """True when `value` is a string Kubernetes accepts as a Service name (DNS-1123 subdomain)."""
    return isinstance(value, str) and _NAME.fullmatch(value) is not None


def _number_text(value: float) -> str:
    """`value` as plain decimal text that reads back to the same text (never an exponent)."""
    text = f"{value:g}"
    if "e" in text:
        text = f"{value:.6f}".rstrip("0").rstrip(".")
    return text


class PlanError(ValueError):
    """A plan that cannot be used; the message names the source, line and field.

    Attributes:
        line: 1-based line of the offending value, when known.
        field: Path of the offending field, e.g. ``steps[2].analysis.window``.
    """

    def __init__(self, message: str, *, line: int | None = None, field: str = "",
                 source: str = "plan") -> None:
        self.line = line
        self.field = field
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {field + ': ' if field else ''}{message}")


def parse_duration(value: Any) -> float:
    """Seconds in ``500ms``, ``30s``, ``1m``, ``1h`` or a bare number of seconds.

    Raises:
        ValueError: For anything else, and durations outside 1ms..30 days.
    """
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"expected a duration such as 30s or 1m, got {short_repr(value)}")
    if isinstance(value, int) and value.bit_length() > 64:
        raise ValueError(f"duration is longer than 30 days: {short_repr(value)}")
    text = value.strip() if isinstance(value, str) else str(value)
    match = _DURATION.fullmatch(text) if len(text) <= 24 else None
    if not match:
        raise ValueError(f"expected a duration such as 30s or 1m, got {short_repr(value)}")
    seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds <= 0:
        raise ValueError(f"duration must be positive, got {short_repr(value)}")
    if seconds < MIN_DURATION:
        raise ValueError(f"duration is shorter than 1ms: {short_repr(value)}")
    if seconds > MAX_DURATION:
        raise ValueError(f"duration is longer than 30 days: {short_repr(value)}")
    return seconds


@dataclass(frozen=True)
class Threshold:
    """A bound a signal must meet, e.g. ``>= 99`` (percent) or ``<= 300ms``."""

    op: str
    """``>=``, ``<=``, ``>`` or ``<``."""
    value: float
    """The bound, in percent for success rates and milliseconds for latencies."""

    def check(self, measured: float) -> bool:
        """True when `measured` (same unit as `value`) meets the bound."""
        return {">=": measured >= self.value, "<=": measured <= self.value,
                ">": measured > self.value, "<": measured < self.value}[self.op]

    def text(self, unit: str) -> str:
        """The bound as written, e.g. ``>= 99%``."""
        return f"{self.op} {_number_text(self.value)}{unit}"


@dataclass(frozen=True)
class SetWeight:
    """Send `weight` percent of the traffic to the canary."""

    weight: int

    def describe(self) -> str:
        """One line for timelines."""
        return f"setWeight {self.weight}%"


@dataclass(frozen=True)
class Pause:
    """Wait `duration` seconds, or until someone approves."""

    duration: float | None = None
    until_approved: bool = False

    def describe(self) -> str:
        """One line for timelines."""
        return "pause until approved" if self.until_approved else \
            f"pause {format_duration(self.duration or 0)}"


@dataclass(frozen=True)
class Analysis:
    """Check the canary's golden signals every `interval` over `window`.

    The step passes after `count` passing checks; it fails when `failure_limit` checks have
    failed. A check with no data or fewer than `min_requests` requests neither passes nor fails:
    the plan holds. So does one while the canary's series are too young to judge, for at most
    a window and an interval in a row (`plan_state.young_wait_limit`); then the step fails.
    """

    window: str
    interval: float
    success_rate: Threshold | None = None
    latency_p99: Threshold | None = None
    min_requests: int = 0
    failure_limit: int = 1
    count: int = 1

    def describe(self) -> str:
        """One line for timelines."""
        bounds = [f"success {self.success_rate.text('%')}" if self.success_rate else "",
                  f"p99 {self.latency_p99.text('ms')}" if self.latency_p99 else ""]
        return f"analysis {self.window} every {format_duration(self.interval)}: " + \
            ", ".join(b for b in bounds if b)


Step = SetWeight | Pause | Analysis


@dataclass(frozen=True)
class Plan:
    """A validated plan."""

    steps: tuple[Step, ...]
    on_failure: str = "rollback"
    canary: str | None = None
    stable: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The plan in its file form (what `parse_plan` reads back to an equal plan)."""
        steps: list[dict[str, Any]] = []
        for step in self.steps:
            if isinstance(step, SetWeight):
                steps.append({"setWeight": step.weight})
            elif isinstance(step, Pause):
                steps.append({"pause": {"untilApproved": True} if step.until_approved
                              else {"duration": f"{_number_text(step.duration or 0)}s"}})
            else:
                body: dict[str, Any] = {"window": step.window,
                                        "interval": f"{_number_text(step.interval)}s",
                                        "minRequests": step.min_requests,
                                        "failureLimit": step.failure_limit, "count": step.count}
                if step.success_rate:
                    body["successRate"] = step.success_rate.text("")
                if step.latency_p99:
                    body["latencyP99"] = step.latency_p99.text("ms")
                steps.append({"analysis": body})
        data: dict[str, Any] = {"onFailure": self.on_failure, "steps": steps}
        if self.canary:
            data["canary"] = self.canary
        if self.stable:
            data["stable"] = self.stable
        return data

    @property
    def hash(self) -> str:
        """A short stable hash of the plan's meaning (not of its file's formatting)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Reader:
    """Walks a composed YAML tree, keeping each value's line for error messages."""

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, node: yaml.Node | None, field: str, message: str) -> PlanError:
        line = node.start_mark.line + 1 if node is not None else None
        return PlanError(message, line=line, field=field, source=self.source)

    def mapping(self, node: yaml.Node, field: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, field, "expected a mapping")
        result: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if not isinstance(name, str) or name in result:
                raise self.fail(key, field, f"duplicate or invalid key {short_repr(name)}")
            result[name] = (key, value)
        return result

    def scalar(self, node: yaml.Node, field: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, field, "expected a single value")
        if len(node.value) > MAX_SCALAR_LENGTH:
            raise self.fail(node, field, f"a value of {len(node.value):,} characters is too long")
        try:
            return yaml.safe_load(yaml.serialize(node))
        except (yaml.YAMLError, ValueError, OverflowError) as exc:
            # An int too long to convert, a malformed timestamp: a bad value, never a crash.
            raise self.fail(node, field, f"unreadable value ({type(exc).__name__})") from None

    def only(self, fields: dict[str, Any], allowed: tuple[str, ...], field: str) -> None:
        for name, (key, _) in fields.items():
            if name not in allowed:
                name = visible(name, 60)
                raise self.fail(key, f"{field}.{name}" if field else name,
                                f"unknown field (allowed: {', '.join(allowed)})")


def parse_plan(text: str, source: str = "plan") -> Plan:
    """Parse and validate a plan from YAML text.

    Args:
        text: The YAML.
        source: Name shown in errors (usually the file's path).

    Raises:
        PlanError: Naming the line and field of the first problem.
    """
    reader = _Reader(source)
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise PlanError(f"not valid YAML: {getattr(exc, 'problem', None) or exc}",
                        line=mark.line + 1 if mark else None, source=source) from None
    if root is None:
        raise PlanError("the plan is empty", source=source)
    on_failure, canary, stable = "rollback", None, None
    if isinstance(root, yaml.SequenceNode):
        steps_node: yaml.Node = root
    else:
        fields = reader.mapping(root, "")
        reader.only(fields, ("steps", "onFailure", "canary", "stable"), "")
        if "steps" not in fields:
            raise reader.fail(root, "steps", "missing: a plan needs a list of steps")
        steps_node = fields["steps"][1]
        if "onFailure" in fields:
            on_failure = reader.scalar(fields["onFailure"][1], "onFailure")
            if on_failure not in ON_FAILURE:
                raise reader.fail(fields["onFailure"][1], "onFailure",
                                  f"expected rollback or pause, got {short_repr(on_failure)}")
        names = {}
        for role in ("canary", "stable"):
            if role in fields:
                value = reader.scalar(fields[role][1], role)
                if not is_backend_name(value):
                    raise reader.fail(fields[role][1], role,
                                      f"not a backend name: {short_repr(value, 60)}")
                names[role] = value
        canary, stable = names.get("canary"), names.get("stable")
    if not isinstance(steps_node, yaml.SequenceNode) or not steps_node.value:
        raise reader.fail(steps_node, "steps", "expected a non-empty list of steps")
    if len(steps_node.value) > MAX_STEPS:
        raise reader.fail(steps_node, "steps", f"{len(steps_node.value):,} steps: a plan has at "
                          f"most {MAX_STEPS}")
    steps = tuple(_read_step(reader, node, f"steps[{i}]") for i, node in enumerate(steps_node.value))
    weights = [s.weight for s in steps if isinstance(s, SetWeight)]
    if not weights:
        raise reader.fail(steps_node, "steps", "a plan needs at least one setWeight step")
    for i, node in enumerate(steps_node.value):
        step = steps[i]
        if isinstance(step, SetWeight):
            earlier = [s.weight for s in steps[:i] if isinstance(s, SetWeight)]
            if earlier and step.weight < max(earlier):
                raise reader.fail(node, f"steps[{i}].setWeight",
                                  f"{step.weight} is lower than an earlier step's "
                                  f"{max(earlier)}: weights only go up (abort rolls back)")
    return Plan(steps=steps, on_failure=on_failure, canary=canary, stable=stable)


def _number(reader: _Reader, fields: dict[str, Any], name: str, field: str, default: int,
            low: int, high: int) -> int:
    if name not in fields:
        return default
    node = fields[name][1]
    value = reader.scalar(node, f"{field}.{name}")
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise reader.fail(node, f"{field}.{name}", f"expected a whole number from {low} to "
                          f"{high}, got {short_repr(value)}")
    return value


def _duration(reader: _Reader, node: yaml.Node, field: str) -> float:
    value = reader.scalar(node, field)
    try:
        return parse_duration(value)
    except ValueError as exc:
        raise reader.fail(node, field, str(exc)) from None


def _threshold(reader: _Reader, node: yaml.Node, field: str, unit: str) -> Threshold:
    value = reader.scalar(node, field)
    match = _THRESHOLD.fullmatch(value) if isinstance(value, str) else None
    if not match or (unit == "%" and match.group(3) not in (None, "%")) or \
            (unit == "ms" and match.group(3) not in ("ms", "s")):
        example = '">= 99"' if unit == "%" else '"<= 300ms"'
        raise reader.fail(node, field, f"expected a bound such as {example}, got "
                          f"{short_repr(value)}")
    number = float(match.group(2)) * (1000.0 if match.group(3) == "s" else 1.0)
    if unit == "%" and number > 100:
        raise reader.fail(node, field, f"a success rate is at most 100%, got {value!r}")
    if unit == "ms" and number > MAX_LATENCY_MS:
        raise reader.fail(node, field, f"a latency bound is at most 1h, got {value!r}")
    return Threshold(match.group(1), number)


def _read_step(reader: _Reader, node: yaml.Node, field: str) -> Step:
    fields = reader.mapping(node, field)
    if len(fields) != 1:
        raise reader.fail(node, field, "each step is exactly one of setWeight, pause, analysis")
    name, (key, body) = next(iter(fields.items()))
    where = f"{field}.{name}"
    if name == "setWeight":
        value = reader.scalar(body, where)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
            raise reader.fail(body, where,
                              f"expected a whole percentage 0..100, got {short_repr(value)}")
        return SetWeight(value)
    if name == "pause":
        spec = reader.mapping(body, where)
        reader.only(spec, ("duration", "untilApproved"), where)
        if ("duration" in spec) == ("untilApproved" in spec):
            raise reader.fail(body, where, "give exactly one of duration or untilApproved")
        if "duration" in spec:
            return Pause(duration=_duration(reader, spec["duration"][1], f"{where}.duration"))
        if reader.scalar(spec["untilApproved"][1], f"{where}.untilApproved") is not True:
            raise reader.fail(spec["untilApproved"][1], f"{where}.untilApproved",
                              "must be true (use duration for a timed pause)")
        return Pause(until_approved=True)
    if name == "analysis":
        return _read_analysis(reader, body, where)
    raise reader.fail(key, f"{field}.{visible(name, 60)}",
                      "unknown step (expected setWeight, pause or analysis)")


def _read_analysis(reader: _Reader, body: yaml.Node, where: str) -> Analysis:
    spec = reader.mapping(body, where)
    reader.only(spec, ("window", "interval", "successRate", "latencyP99", "minRequests",
                       "failureLimit", "count"), where)
    for required in ("window", "interval"):
        if required not in spec:
            raise reader.fail(body, f"{where}.{required}", "missing")
    window = reader.scalar(spec["window"][1], f"{where}.window")
    if window not in WINDOWS:
        raise reader.fail(spec["window"][1], f"{where}.window",
                          f"expected one of {', '.join(WINDOWS)}, got {short_repr(window)}")
    interval = _duration(reader, spec["interval"][1], f"{where}.interval")
    success = (_threshold(reader, spec["successRate"][1], f"{where}.successRate", "%")
               if "successRate" in spec else None)
    latency = (_threshold(reader, spec["latencyP99"][1], f"{where}.latencyP99", "ms")
               if "latencyP99" in spec else None)
    if success is None and latency is None:
        raise reader.fail(body, where, "give successRate, latencyP99 or both")
    return Analysis(window=window, interval=interval, success_rate=success, latency_p99=latency,
                    min_requests=_number(reader, spec, "minRequests", where, 0, 0, 10**9),
                    failure_limit=_number(reader, spec, "failureLimit", where, 1, 1, 1000),
                    count=_number(reader, spec, "count", where, 1, 1, 1000))
