"""Validation of custom resources against their CRD's structural schema, as the API server does.

Each write through the API is checked against the schema of the version the request used:
`required` fields, `type` (and `x-kubernetes-int-or-string`), `minimum`/`maximum`, `maxItems`,
`minItems` and `enum`, with the API server's field paths and wording, e.g.
``spec.backends[0].weight: Required value``. A failure is a 422 Invalid naming every field.
Unknown fields are kept rather than pruned (a deviation: nothing meshtui reads depends on it).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from meshtui.sim.apiserver.errors import ApiError
from meshtui.sim.apiserver.registry import ResourceType

MAX_ERRORS = 20
"""Field errors named in one answer; the API server lists them all, a huge object does not need it."""

_TYPES: dict[str, tuple[type, ...]] = {"object": (dict,), "array": (list,), "string": (str,),
                                       "integer": (int,), "number": (int, float), "boolean": (bool,)}


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string" if isinstance(value, str) else "null"


def _shown(value: Any) -> str:
    return f'"{value}"' if isinstance(value, str) else str(value)


def schema_errors(schema: Mapping[str, Any], value: Any, path: str = "") -> list[str]:
    """Every way `value` breaks `schema`, one API-server-worded line each (at most `MAX_ERRORS`)."""
    errors: list[str] = []
    _check(schema, value, path, errors)
    return errors[:MAX_ERRORS]


def _check(schema: Mapping[str, Any], value: Any, path: str, errors: list[str]) -> None:
    if len(errors) >= MAX_ERRORS or value is None and schema.get("nullable"):
        return
    if schema.get("x-kubernetes-int-or-string"):
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            errors.append(f'{path}: Invalid value: "{_type_name(value)}": {path} in body must be of '
                          f'type integer,string: "{_type_name(value)}"')
            return
    elif "type" in schema:
        wanted = schema["type"]
        allowed = _TYPES.get(wanted, (object,))
        if isinstance(value, bool) and wanted != "boolean" or not isinstance(value, allowed):
            errors.append(f'{path}: Invalid value: "{_type_name(value)}": {path} in body must be of '
                          f'type {wanted}: "{_type_name(value)}"')
            return
    if "enum" in schema and value not in schema["enum"]:
        supported = ", ".join(_shown(v) for v in schema["enum"])
        errors.append(f"{path}: Unsupported value: {_shown(value)}: supported values: {supported}")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: Invalid value: {value}: {path} in body should be greater than "
                          f"or equal to {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: Invalid value: {value}: {path} in body should be less than or "
                          f"equal to {schema['maximum']}")
    if isinstance(value, list):
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: Too many: {len(value)}: must have at most {schema['maxItems']} items")
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: Invalid value: {len(value)}: {path} in body should have at least "
                          f"{schema['minItems']} items")
        items = schema.get("items")
        if isinstance(items, Mapping):
            for index, item in enumerate(value):
                _check(items, item, f"{path}[{index}]", errors)
    if isinstance(value, dict):
        for name in schema.get("required") or ():
            if name not in value:
                errors.append(f"{_join(path, name)}: Required value")
        properties = schema.get("properties") or {}
        for name, sub in properties.items():
            if name in value and isinstance(sub, Mapping):
                _check(sub, value[name], _join(path, name), errors)


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def validate(rtype: ResourceType, obj: Mapping[str, Any], api_version: str | None) -> None:
    """Refuse `obj` (422 Invalid) when it breaks the schema of the version it was written at.

    Built-in kinds and versions without a schema are not checked; `metadata` is the server's.
    """
    if rtype.builtin or not rtype.schemas:
        return
    version = (api_version or "").rpartition("/")[2]
    schema = rtype.schemas.get(version) or rtype.schemas.get(rtype.storage_version)
    if not isinstance(schema, Mapping):
        return
    body = {k: v for k, v in obj.items() if k not in ("metadata", "apiVersion", "kind")}
    errors = schema_errors({**schema, "properties": {k: v for k, v in (schema.get("properties") or {}).items()
                                                     if k not in ("metadata", "apiVersion", "kind")}},
                           body)
    if not errors:
        return
    name = (obj.get("metadata") or {}).get("name", "")
    why = errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]"
    raise ApiError(422, f'{rtype.kind}.{rtype.group} "{name}" is invalid: {why}', "Invalid",
                   {"name": name, "group": rtype.group, "kind": rtype.kind,
                    "causes": [{"reason": "FieldValueInvalid", "message": e} for e in errors]})
