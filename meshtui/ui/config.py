"""Typed settings for the dashboard, loaded from ``meshtui/config.toml`` in the XDG config dir.

Every key is optional; a missing file gives the defaults. A bad value raises `ConfigError` whose
message names the offending key and the file, so the CLI can print it as is.
"""

from __future__ import annotations

import math
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

import platformdirs

from meshtui.metrics.source import MAX_BODY_MIB, QUERY_TIMEOUT
from meshtui.model.findings import HealthPolicy
from meshtui.model.windows import WINDOWS

_POLICY = HealthPolicy()
"""The model's default thresholds: the defaults of the matching settings."""

REFRESH_RANGE: tuple[float, float] = (0.5, 3600.0)
"""Seconds between two metrics fetches: the least and the most ``refresh`` (and ``--refresh``)
may say."""


class ConfigError(ValueError):
    """The config file cannot be read or holds a value of the wrong type or range."""


@dataclass(frozen=True)
class Settings:
    """What the user can tune; every field has a default so an empty file is valid."""

    refresh: float = 2.0
    """Seconds between two metrics fetches."""
    window: str = "1m"
    """Initial metrics window, one of `WINDOWS`."""
    theme: str = "meshtui"
    """Name of a registered Textual theme."""
    namespace: str | None = None
    """Initial namespace scope; None shows every namespace."""
    keymap: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    """Binding id to keys (e.g. ``{"app.quit": "ctrl+q"}``), applied with `App.set_keymap`."""
    stale_after: float | None = None
    """Seconds after which data on screen is marked stale; None means two refresh intervals."""
    mismatch_points: float = _POLICY.mismatch_points
    """Configured vs observed share difference (percentage points) that raises a flag."""
    mismatch_min_rps: float = _POLICY.mismatch_min_rps
    """Total requests per second a split needs before shares are compared at all."""
    success_warn: float = _POLICY.success_warn
    """A backend success rate below this is marked "warn"."""
    success_bad: float = _POLICY.success_bad
    """A backend success rate below this is marked "bad"."""
    success_drop_points: float = _POLICY.success_drop_points
    """A backend whose success rate is this many points below its stable backend's is failing."""
    min_requests: int = _POLICY.min_requests
    """Requests a backend needs in the window before its success rate is judged."""
    latency_ratio: float = _POLICY.latency_ratio
    """A p99 this many times the stable backend's is failing."""
    latency_floor_ms: float = _POLICY.latency_floor_ms
    """A p99 below this many milliseconds is never failing."""
    latency_min_requests: int = _POLICY.latency_min_requests
    """Requests a backend needs in the window before its p99 is judged."""
    confidence_z: float = _POLICY.confidence_z
    """Standard errors a success-rate gap must span to be a finding rather than noise."""
    step: int = 5
    """Percentage points `+`/`-` move the selected backend by."""
    production_context: str = "prod"
    """Regular expression (searched) on the kube context name; every change in a matching context
    needs the split's name typed to confirm."""
    read_only: bool = False
    """Never write to the cluster (like ``--read-only``)."""
    prometheus_timeout: float = QUERY_TIMEOUT
    """Seconds one Prometheus query may take in all (like ``--prometheus-timeout``); a slower or
    dripping answer fails and metrics are shown as unavailable."""
    prometheus_max_body_mib: float = MAX_BODY_MIB
    """Largest Prometheus answer read, in MiB (like ``--prometheus-max-body-mib``)."""

    @property
    def stale_seconds(self) -> float:
        """Age in seconds beyond which data is no longer shown as fresh."""
        return self.stale_after if self.stale_after is not None else 2 * self.refresh


def config_path() -> Path:
    """Where the config file lives: ``$XDG_CONFIG_HOME/meshtui/config.toml`` on Linux."""
    return platformdirs.user_config_path("meshtui") / "config.toml"


def _number(data: Mapping[str, Any], key: str, default: float, *, low: float, high: float = math.inf,
            where: str) -> float:
    value = data.get(key, default)
    # bool is an int subclass; `refresh = true` is a mistake, not 1 second.
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        raise ConfigError(f"{where}: {key!r} must be a number, got {value!r}")
    if not low <= value <= high:
        bound = f"between {low:g} and {high:g}" if high != math.inf else f"at least {low:g}"
        raise ConfigError(f"{where}: {key!r} must be {bound}, got {value!r}")
    return float(value)


def _text(data: Mapping[str, Any], key: str, default: str | None, *, where: str) -> str | None:
    value = data.get(key, default)
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise ConfigError(f"{where}: {key!r} must be a non-empty string, got {value!r}")
    return value


def _keymap(data: Mapping[str, Any], *, where: str) -> Mapping[str, str]:
    raw = data.get("keymap", {})
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: 'keymap' must be a table of binding id = \"keys\"")
    keymap: dict[str, str] = {}
    for binding_id, keys in raw.items():
        if not isinstance(keys, str) or not keys.strip():
            raise ConfigError(f"{where}: 'keymap.{binding_id}' must be a non-empty key string, got {keys!r}")
        keymap[str(binding_id)] = keys
    return MappingProxyType(keymap)


KNOWN_KEYS = frozenset({"refresh", "window", "theme", "namespace", "keymap", "stale_after",
                        "mismatch_points", "mismatch_min_rps", "success_warn", "success_bad",
                        "success_drop_points", "min_requests", "latency_ratio", "latency_floor_ms",
                        "latency_min_requests", "confidence_z",
                        "step", "production_context", "read_only", "prometheus_timeout",
                        "prometheus_max_body_mib"})
"""Top-level keys the file may hold; anything else is reported rather than silently ignored."""


def settings_from_mapping(data: Mapping[str, Any], *, where: str = "config") -> Settings:
    """Validate a parsed TOML document into `Settings`.

    Args:
        data: The parsed document.
        where: How to name the source in error messages (usually the file path).

    Returns:
        The settings, defaults filled in.

    Raises:
        ConfigError: A key is unknown or holds a bad value; the message names it.
    """
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key {unknown[0]!r} (known: {', '.join(sorted(KNOWN_KEYS))})")
    window = _text(data, "window", "1m", where=where)
    if window not in WINDOWS:
        raise ConfigError(f"{where}: 'window' must be one of {', '.join(WINDOWS)}, got {window!r}")
    refresh = _number(data, "refresh", 2.0, low=REFRESH_RANGE[0], high=REFRESH_RANGE[1],
                      where=where)
    stale_after = data.get("stale_after")
    if stale_after is not None:
        stale_after = _number(data, "stale_after", 0, low=0.5, where=where)
    success_warn = _number(data, "success_warn", _POLICY.success_warn, low=0, high=1, where=where)
    success_bad = _number(data, "success_bad", _POLICY.success_bad, low=0, high=1, where=where)
    if success_bad > success_warn:
        raise ConfigError(f"{where}: 'success_bad' ({success_bad:g}) must not exceed 'success_warn' "
                          f"({success_warn:g})")
    return Settings(
        refresh=refresh,
        window=window,
        theme=_text(data, "theme", "meshtui", where=where) or "meshtui",
        namespace=_text(data, "namespace", None, where=where),
        keymap=_keymap(data, where=where),
        stale_after=stale_after,
        mismatch_points=_number(data, "mismatch_points", _POLICY.mismatch_points, low=0, high=100,
                                where=where),
        mismatch_min_rps=_number(data, "mismatch_min_rps", _POLICY.mismatch_min_rps, low=0,
                                 where=where),
        success_warn=success_warn,
        success_bad=success_bad,
        success_drop_points=_number(data, "success_drop_points", _POLICY.success_drop_points,
                                    low=0, high=100, where=where),
        min_requests=_whole(data, "min_requests", _POLICY.min_requests, where=where),
        latency_ratio=_number(data, "latency_ratio", _POLICY.latency_ratio, low=1, where=where),
        latency_floor_ms=_number(data, "latency_floor_ms", _POLICY.latency_floor_ms, low=0,
                                 where=where),
        latency_min_requests=_whole(data, "latency_min_requests", _POLICY.latency_min_requests,
                                    where=where),
        confidence_z=_number(data, "confidence_z", _POLICY.confidence_z, low=0, high=10,
                             where=where),
        step=_step(data, where=where),
        production_context=_regex(data, "production_context", "prod", where=where),
        read_only=_flag(data, "read_only", where=where),
        prometheus_timeout=_number(data, "prometheus_timeout", QUERY_TIMEOUT, low=0.1, high=600,
                                   where=where),
        prometheus_max_body_mib=_number(data, "prometheus_max_body_mib", MAX_BODY_MIB, low=1,
                                        high=4096, where=where),
    )


def _step(data: Mapping[str, Any], *, where: str) -> int:
    value = _number(data, "step", 5, low=1, high=100, where=where)
    if value != int(value):
        raise ConfigError(f"{where}: 'step' must be a whole number of points, got {data['step']!r}")
    return int(value)


def _whole(data: Mapping[str, Any], key: str, default: int, *, where: str) -> int:
    value = _number(data, key, default, low=1, high=1_000_000, where=where)
    if value != int(value):
        raise ConfigError(f"{where}: {key!r} must be a whole number, got {data[key]!r}")
    return int(value)


def _regex(data: Mapping[str, Any], key: str, default: str, *, where: str) -> str:
    value = data.get(key, default)
    if not isinstance(value, str):
        raise ConfigError(f"{where}: {key!r} must be a regular expression string, got {value!r}")
    try:
        re.compile(value)
    except re.error as error:
        raise ConfigError(f"{where}: {key!r} is not a valid regular expression: {error}") from None
    return value


def _flag(data: Mapping[str, Any], key: str, *, where: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise ConfigError(f"{where}: {key!r} must be true or false, got {value!r}")
    return value


def load_settings(path: Path | None = None) -> Settings:
    """Read the settings file, or return the defaults when it does not exist.

    Args:
        path: The file to read; defaults to `config_path()`.

    Returns:
        The validated settings.

    Raises:
        ConfigError: The file is unreadable, not TOML, or holds a bad value.
    """
    path = path or config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror}") from None
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: not valid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: not valid TOML: nested too deeply") from None
    return settings_from_mapping(data, where=str(path))
