"""The protobuf reader: hostile or unsupported bodies become Status errors, never crashes."""

from __future__ import annotations

import pytest

from meshtui.sim.apiserver import protobuf
from meshtui.sim.apiserver.errors import ApiError


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _field(number: int, payload: bytes | int) -> bytes:
    if isinstance(payload, int):
        return _varint(number << 3) + _varint(payload)
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _body(api_version: str, kind: str, raw: bytes) -> bytes:
    type_meta = _field(1, api_version.encode()) + _field(2, kind.encode())
    return b"k8s\x00" + _field(1, type_meta) + _field(2, raw)


def test_a_namespace_decodes_with_empty_fields_omitted() -> None:
    meta = _field(1, b"shop") + _field(2, b"") + _field(7, 0) + _field(8, b"")
    meta += _field(11, _field(1, b"team") + _field(2, b"a"))
    body = _body("v1", "Namespace", _field(1, meta) + _field(2, b"") + _field(99, b"ignored"))
    assert protobuf.decode(body) == {"apiVersion": "v1", "kind": "Namespace",
                                     "metadata": {"name": "shop", "labels": {"team": "a"}},
                                     "spec": {}}


def test_an_unsupported_kind_is_415() -> None:
    with pytest.raises(ApiError) as caught:
        protobuf.decode(_body("v1", "ConfigMap", b""))
    assert caught.value.code == 415
    assert "ConfigMap" in caught.value.message


@pytest.mark.parametrize("body", [
    b"not protobuf",
    b"k8s\x00\x0a\xff",  # a length beyond the body
    b"k8s\x00" + b"\xff" * 12,  # a varint that never ends
    _body("v1", "Namespace", _field(1, _field(1, b"\xff\xfe"))),  # a name that is not UTF-8
    _body("v1", "Namespace", _field(1, _varint(1 << 3 | 3))),  # group wire types
])
def test_malformed_bodies_are_400(body: bytes) -> None:
    with pytest.raises(ApiError) as caught:
        protobuf.decode(body)
    assert caught.value.code == 400


def test_deep_nesting_is_bounded() -> None:
    # Containers nest no messages that recurse, so depth is bounded by the schema; a body that
    # claims a huge nesting through an unknown field is skipped without recursion.
    raw = b""
    for _ in range(200):
        raw = _field(99, raw)
    assert protobuf.decode(_body("v1", "Namespace", raw))["apiVersion"] == "v1"
