"""Decode the protobuf bodies kubectl sends for the built-in kinds it creates itself.

kubectl's typed generators (`create namespace`, `create deployment`, `create service`) send
`application/vnd.kubernetes.protobuf`, and client-go never falls back to JSON for protobuf, so
the emulator must read it. The body is the magic ``k8s\\0`` followed by a `runtime.Unknown`
(typeMeta=1, raw=2) whose raw bytes are the typed object. Only the fields below are read (the
ones these generators fill, plus what a reader of the object could care about); other fields are
skipped, never guessed. Every other kind answers 415 so the client's JSON path is the way to
send it.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any

from meshtui.sim.apiserver.errors import ApiError

CONTENT_TYPE = "application/vnd.kubernetes.protobuf"
_MAGIC = b"k8s\x00"
_MAX_DEPTH = 32

# message -> field number -> (JSON name, type, repeated). A type is a message name, a scalar
# ("string", "int", "int!" (a pointer: zero is kept), "bool", "bytes") or "map:<value type>".
_Fields = dict[int, tuple[str, str, bool]]
_SCHEMA: dict[str, _Fields] = {
    "Unknown": {1: ("typeMeta", "TypeMeta", False), 2: ("raw", "rawbytes", False)},
    "TypeMeta": {1: ("apiVersion", "string", False), 2: ("kind", "string", False)},
    "ObjectMeta": {
        1: ("name", "string", False), 2: ("generateName", "string", False),
        3: ("namespace", "string", False), 5: ("uid", "string", False),
        6: ("resourceVersion", "string", False), 7: ("generation", "int", False),
        8: ("creationTimestamp", "Time", False), 11: ("labels", "map:string", False),
        12: ("annotations", "map:string", False),
        13: ("ownerReferences", "OwnerReference", True), 14: ("finalizers", "string", True)},
    "OwnerReference": {
        1: ("kind", "string", False), 3: ("name", "string", False), 4: ("uid", "string", False),
        5: ("apiVersion", "string", False), 6: ("controller", "bool", False),
        7: ("blockOwnerDeletion", "bool", False)},
    "Time": {1: ("seconds", "int", False), 2: ("nanos", "int", False)},
    "LabelSelector": {1: ("matchLabels", "map:string", False),
                      2: ("matchExpressions", "LabelSelectorRequirement", True)},
    "LabelSelectorRequirement": {1: ("key", "string", False), 2: ("operator", "string", False),
                                 3: ("values", "string", True)},
    "IntOrString": {1: ("type", "int", False), 2: ("intVal", "int", False),
                    3: ("strVal", "string", False)},
    "Quantity": {1: ("string", "string", False)},
    "DeleteOptions": {1: ("gracePeriodSeconds", "int!", False),
                      2: ("preconditions", "Preconditions", False),
                      4: ("propagationPolicy", "string", False), 5: ("dryRun", "string", True)},
    "Preconditions": {1: ("uid", "string", False), 2: ("resourceVersion", "string", False)},
    "Namespace": {1: ("metadata", "ObjectMeta", False), 2: ("spec", "NamespaceSpec", False),
                  3: ("status", "Empty", False)},
    "NamespaceSpec": {1: ("finalizers", "string", True)},
    "Empty": {},
    "Service": {1: ("metadata", "ObjectMeta", False), 2: ("spec", "ServiceSpec", False),
                3: ("status", "Empty", False)},
    "ServiceSpec": {
        1: ("ports", "ServicePort", True), 2: ("selector", "map:string", False),
        3: ("clusterIP", "string", False), 4: ("type", "string", False),
        5: ("externalIPs", "string", True), 7: ("sessionAffinity", "string", False),
        10: ("externalName", "string", False)},
    "ServicePort": {1: ("name", "string", False), 2: ("protocol", "string", False),
                    3: ("port", "int", False), 4: ("targetPort", "IntOrString", False),
                    5: ("nodePort", "int", False), 6: ("appProtocol", "string", False)},
    "Deployment": {1: ("metadata", "ObjectMeta", False), 2: ("spec", "DeploymentSpec", False),
                   3: ("status", "Empty", False)},
    "DeploymentSpec": {
        1: ("replicas", "int!", False), 2: ("selector", "LabelSelector", False),
        3: ("template", "PodTemplateSpec", False), 4: ("strategy", "DeploymentStrategy", False),
        5: ("minReadySeconds", "int", False), 6: ("revisionHistoryLimit", "int!", False),
        7: ("paused", "bool", False), 9: ("progressDeadlineSeconds", "int!", False)},
    "DeploymentStrategy": {1: ("type", "string", False)},
    "PodTemplateSpec": {1: ("metadata", "ObjectMeta", False), 2: ("spec", "PodSpec", False)},
    "PodSpec": {2: ("containers", "Container", True), 3: ("restartPolicy", "string", False),
                6: ("dnsPolicy", "string", False), 7: ("nodeSelector", "map:string", False),
                8: ("serviceAccountName", "string", False),
                20: ("initContainers", "Container", True)},
    "Container": {1: ("name", "string", False), 2: ("image", "string", False),
                  3: ("command", "string", True), 4: ("args", "string", True),
                  5: ("workingDir", "string", False), 6: ("ports", "ContainerPort", True),
                  7: ("env", "EnvVar", True), 8: ("resources", "ResourceRequirements", False),
                  14: ("imagePullPolicy", "string", False)},
    "ContainerPort": {1: ("name", "string", False), 3: ("containerPort", "int", False),
                      4: ("protocol", "string", False)},
    "EnvVar": {1: ("name", "string", False), 2: ("value", "string", False)},
    "ResourceRequirements": {1: ("limits", "map:Quantity", False),
                             2: ("requests", "map:Quantity", False)},
}

# (apiVersion, kind) of a body -> its top-level message.
KINDS: dict[tuple[str, str], str] = {
    ("v1", "Namespace"): "Namespace",
    ("v1", "Service"): "Service",
    ("apps/v1", "Deployment"): "Deployment",
    ("v1", "DeleteOptions"): "DeleteOptions",
    ("meta.k8s.io/v1", "DeleteOptions"): "DeleteOptions",
}


class _Malformed(ValueError):
    """The bytes are not a well-formed protobuf message."""


def is_protobuf(content_type: str | None) -> bool:
    """Whether a Content-Type names Kubernetes protobuf."""
    return (content_type or "").split(";")[0].strip().lower() == CONTENT_TYPE


def decode(body: bytes) -> dict[str, Any]:
    """The JSON form of a protobuf request body.

    Raises:
        ApiError: 400 for a malformed body, 415 for a kind this emulator does not decode.
    """
    if not body.startswith(_MAGIC):
        raise ApiError(400, "the request body could not be decoded: missing protobuf magic",
                       "BadRequest")
    try:
        unknown = _message(body[len(_MAGIC):], "Unknown", 0)
        type_meta = unknown.get("typeMeta") or {}
        api_version, kind = type_meta.get("apiVersion", ""), type_meta.get("kind", "")
        message = KINDS.get((api_version, kind))
        if message is None:
            raise ApiError(415, f"the emulator does not decode protobuf for {kind or 'an object'} "
                                f"({api_version or 'no apiVersion'}); send it as JSON",
                           "UnsupportedMediaType")
        obj = _message(unknown.get("raw", b""), message, 0)
    except _Malformed as exc:
        raise ApiError(400, f"the request body could not be decoded: {exc}",
                       "BadRequest") from exc
    return {"apiVersion": api_version, "kind": kind, **obj}


def _varint(data: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if pos >= len(data) or shift > 63:
            raise _Malformed("truncated varint")
        byte = data[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, pos
        shift += 7


def _fields(data: bytes) -> list[tuple[int, int, Any]]:
    """(field number, wire type, raw value) for each field, in order."""
    out: list[tuple[int, int, Any]] = []
    pos = 0
    while pos < len(data):
        key, pos = _varint(data, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(data, pos)
            out.append((number, wire, value))
        elif wire == 2:
            length, pos = _varint(data, pos)
            if pos + length > len(data):
                raise _Malformed("truncated field")
            out.append((number, wire, data[pos:pos + length]))
            pos += length
        elif wire in (1, 5):
            pos += 8 if wire == 1 else 4
            if pos > len(data):
                raise _Malformed("truncated fixed-width field")
        else:
            raise _Malformed(f"unsupported wire type {wire}")
    return out


def _scalar(kind: str, wire: int, raw: Any) -> Any:
    if kind in ("string", "bytes", "rawbytes"):
        if wire != 2:
            raise _Malformed(f"expected bytes, got wire type {wire}")
        if kind == "string":
            try:
                return raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise _Malformed("a string is not UTF-8") from exc
        return raw if kind == "rawbytes" else base64.b64encode(raw).decode("ascii")
    if wire != 0:
        raise _Malformed(f"expected a varint, got wire type {wire}")
    if kind == "bool":
        return bool(raw)
    return raw - (1 << 64) if raw >= 1 << 63 else raw


def _value(kind: str, wire: int, raw: Any, depth: int) -> Any:
    if kind in _SCHEMA:
        if wire != 2:
            raise _Malformed(f"expected a message, got wire type {wire}")
        return _special(kind, _message(raw, kind, depth + 1))
    return _scalar(kind.rstrip("!"), wire, raw)


def _special(kind: str, value: dict[str, Any]) -> Any:
    """The JSON form of messages that are not objects in JSON."""
    if kind == "Time":
        seconds = value.get("seconds", 0)
        if not seconds:
            return None
        return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "IntOrString":
        return value.get("strVal", "") if value.get("type") == 1 else value.get("intVal", 0)
    if kind == "Quantity":
        return value.get("string", "")
    return value


def _message(data: bytes, name: str, depth: int) -> dict[str, Any]:
    if depth > _MAX_DEPTH:
        raise _Malformed("nested too deeply")
    schema = _SCHEMA[name]
    out: dict[str, Any] = {}
    for number, wire, raw in _fields(data):
        spec = schema.get(number)
        if spec is None:
            continue
        key, kind, repeated = spec
        if kind.startswith("map:"):
            entry = {n: (w, r) for n, w, r in _fields(raw if wire == 2 else b"")}
            if 1 not in entry:
                continue
            map_key = _scalar("string", *entry[1])
            value_kind = kind[4:]
            value = _value(value_kind, *entry[2], depth) if 2 in entry else (
                {} if value_kind in _SCHEMA else _zero(value_kind))
            out.setdefault(key, {})[map_key] = value
            continue
        value = _value(kind, wire, raw, depth)
        if repeated:
            out.setdefault(key, []).append(value)
        elif value is None or (not kind.endswith("!") and kind not in _SCHEMA
                               and value in ("", 0, False)):
            # gogo-protobuf writes every non-pointer field; JSON omits the empty ones.
            continue
        else:
            out[key] = value
    return out


def _zero(kind: str) -> Any:
    return "" if kind in ("string", "bytes") else 0
