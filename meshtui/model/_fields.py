"""Provides tolerant readers for fields of Kubernetes objects that may be missing or mistyped.

Objects come from a cluster (or a hand-written YAML file) that nobody validated for us, so every
read says what it expects and falls back to an empty value instead of raising.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_dict(value: Any) -> dict[str, Any]:
    """Return `value` if it is a mapping with string keys, else an empty dict."""
    if type(value) is dict:
        # Decoded JSON only ever has string keys: a plain copy, unless a key proves otherwise.
        for key in value:
            if type(key) is not str:
                break
        else:
            return value.copy()
    if isinstance(value, Mapping):
        return {key: item for key, item in value.items() if isinstance(key, str)}
    return {}


def as_list(value: Any) -> list[Any]:
    """Return `value` if it is a list or tuple, else an empty list."""
    if isinstance(value, (list, tuple)):
        return list(value)
    return []


def as_str(value: Any, default: str = "") -> str:
    """Return `value` if it is a string, else `default`."""
    return value if isinstance(value, str) else default


_MAX_INT = 2**63 - 1
"""Kubernetes stores integer fields as int64: a larger value is no count or index (1e300 as a
Canary's failedChecks was drawn as a 301-digit number)."""


def as_int(value: Any, default: int | None = None) -> int | None:
    """Return `value` as an int if it is an int (not a bool) or an integral float within int64,
    else `default`."""
    if isinstance(value, bool):
        return default
    if isinstance(value, float) and value.is_integer() and abs(value) <= _MAX_INT:
        value = int(value)
    if isinstance(value, int) and -_MAX_INT - 1 <= value <= _MAX_INT:
        return value
    return default


def as_bool(value: Any) -> bool:
    """Return True only for a real boolean True (a string "true" in a spec is not honoured by servers)."""
    return value is True


def split_api_version(api_version: str) -> tuple[str, str]:
    """Split `group/version` into its parts; the core group (`v1`) has group `""`."""
    if "/" in api_version:
        group, _, version = api_version.partition("/")
        return group, version
    return "", api_version


def metadata(obj: Mapping[str, Any]) -> dict[str, Any]:
    """Return the object's metadata mapping (empty when absent or malformed)."""
    return as_dict(obj.get("metadata"))


def string_map(value: Any) -> dict[str, str]:
    """Return a labels/annotations mapping keeping only string keys and string values."""
    return {key: item for key, item in as_dict(value).items() if isinstance(item, str)}
