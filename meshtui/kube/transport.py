"""Raw JSON requests and watch streams over a `kubernetes.client.ApiClient`.

meshtui reads every resource type the same way, as plain dicts, so it talks to collection URLs
directly instead of through the typed API classes. Authentication, TLS and proxies still come
from the client's configuration. Callers translate exceptions with `meshtui.kube.errors.translate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any

CONNECT_TIMEOUT = 5.0


def open_response(api_client: Any, method: str, path: str, query: Mapping[str, str] | None = None,
                  *, timeout: tuple[float, float] | float | None = None,
                  body: Any = None, content_type: str | None = None) -> Any:
    """Send a request and return the unread urllib3 response (status 2xx only).

    Args:
        api_client: The cluster's client.
        method: HTTP method.
        path: URL path beginning with ``/``.
        query: Query parameters.
        timeout: ``(connect, read)`` seconds, or seconds in all; None means the cluster's
            request timeout (``--request-timeout``, see `meshtui.kube.config.load_cluster`).
        body: A JSON-serialisable body.
        content_type: The body's content type (JSON by default).

    Raises:
        kubernetes.client.exceptions.ApiException: For a non-2xx answer (its body is the Status).
        urllib3.exceptions.HTTPError: For network failures.
    """
    from kubernetes.client.exceptions import ApiException

    headers = {"Accept": "application/json"}
    if content_type:
        headers["Content-Type"] = content_type
    request = api_client.param_serialize(
        method=method, resource_path=path, query_params=list((query or {}).items()),
        header_params=headers, body=body, auth_settings=["BearerToken"])
    response = api_client.call_api(*request, _request_timeout=timeout)
    if not 200 <= response.status <= 299:
        response.read()
        text = (response.data or b"").decode("utf-8", "replace")
        response.response.release_conn()
        raise ApiException(status=response.status, reason=response.reason, body=text)
    return response.response


def request_json(api_client: Any, method: str, path: str, query: Mapping[str, str] | None = None,
                 **kwargs: Any) -> dict[str, Any]:
    """Send a request and return its decoded JSON body (see `open_response` for arguments).

    Raises:
        ValueError: When the body is not a JSON object.
    """
    raw = open_response(api_client, method, path, query, **kwargs)
    try:
        data = raw.data
    finally:
        raw.release_conn()
    return decode_object(data or b"{}")


MAX_INT_DIGITS = 64
"""Longer integers in an answer are read as floats (infinite past about 308 digits)."""


def _int(text: str) -> int | float:
    # int() of more than 4,300 digits raises, so one object with a 5,000-digit weight would fail
    # the whole list; as a float it is still a number, and plainly not a valid one.
    return float(text) if len(text) > MAX_INT_DIGITS else int(text)


def decode_object(data: bytes | str) -> dict[str, Any]:
    """Decode a JSON object from the API server, whatever numbers it holds.

    Raises:
        ValueError: When `data` is not JSON or not an object.
    """
    value = json.loads(data, parse_int=_int)
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    return value


def iter_lines(raw: Any) -> Iterator[str]:
    """Yield the non-empty lines of a streaming response as they arrive (one watch event each)."""
    buffer = bytearray()
    for segment in raw.stream(amt=None, decode_content=False):
        buffer.extend(segment)
        while (newline := buffer.find(b"\n")) != -1:
            line = buffer[:newline].decode("utf-8", "replace").strip()
            del buffer[: newline + 1]
            if line:
                yield line
    tail = buffer.decode("utf-8", "replace").strip()
    if tail:
        yield tail


def with_type(obj: dict[str, Any], kind: str, api_version: str) -> dict[str, Any]:
    """Fill in ``kind``/``apiVersion`` that list items omit (the real API server leaves them out)."""
    if isinstance(obj, dict):
        obj.setdefault("kind", kind)
        obj.setdefault("apiVersion", api_version)
    return obj
