"""Errors of the cluster layer, and the translation of client exceptions into them.

Every message is a single line meant for a human (the CLI prints it after ``error:``). Messages
come from the server's ``Status.message`` where there is one and never carry credentials: request
headers, which hold bearer tokens, are never part of them.
"""

from __future__ import annotations

import json
import re
from typing import Any

_SECRETISH = re.compile(r"(?i)(bearer|basic|token|password)([\s=:\"']+)[^\s,\"'}]+")


def _one_line(text: str, limit: int = 300) -> str:
    """Collapse whitespace, mask anything that looks like a credential, and cap the length."""
    text = " ".join(str(text).split())
    text = _SECRETISH.sub(r"\1\2***", text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class KubeError(Exception):
    """Base class of every cluster-access error meshtui raises.

    Attributes:
        message: One line, safe to show to the user.
    """

    def __init__(self, message: str) -> None:
        self.message = _one_line(message)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class ConfigError(KubeError):
    """The kubeconfig is missing, unreadable or malformed, or names an unknown context."""


class Unreachable(KubeError):
    """The API server could not be reached (refused, reset, timed out, TLS failure)."""


class Forbidden(KubeError):
    """The API server refused the request for this identity (401 or 403).

    Attributes:
        verb: The Kubernetes verb attempted (``list``, ``watch``, ``patch``...).
        resource: The resource key or plural.
        name: The object's name, or None for collections.
    """

    def __init__(self, verb: str, resource: str, name: str | None = None,
                 message: str | None = None) -> None:
        self.verb = verb
        self.resource = resource
        self.name = name
        if message is None:
            target = f"{resource}/{name}" if name else resource
            message = f"forbidden: cannot {verb} {target}"
        super().__init__(message)


class NotFound(KubeError):
    """The object or resource type does not exist (404)."""


class Conflict(KubeError):
    """The write lost a race (409): the object changed since it was read, or already exists.

    Attributes:
        live: The object as it is now, when the writer read it back (None otherwise).
    """

    def __init__(self, message: str, live: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.live = live


class Invalid(KubeError):
    """The server rejected the request as malformed (400, 415 or 422)."""


def _status_message(body: Any) -> str | None:
    """Return the ``message`` of a Kubernetes ``Status`` body, if the body is one."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            body = json.loads(body)
        except ValueError:
            return None
    if isinstance(body, dict) and body.get("message"):
        return str(body["message"])
    return None


def _describe_network_error(exc: BaseException) -> str:
    """Reduce a urllib3 error (often wrapped in MaxRetryError) to its root cause."""
    reason = getattr(exc, "reason", None)
    root = reason if isinstance(reason, BaseException) else exc
    text = str(root)
    # urllib3 prefixes its connection object's repr ("<...HTTPConnection object at 0x..>: "),
    # which helps nobody at a terminal.
    text = re.sub(r"^<[^>]*>:\s*", "", text)
    text = re.sub(r"^HTTPS?Connection\([^)]*\):\s*", "", text)
    return text or type(root).__name__


def translate(exc: BaseException, *, verb: str = "get", resource: str = "",
              name: str | None = None, server: str | None = None) -> KubeError:
    """Turn an exception from the kubernetes client or urllib3 into a `KubeError`.

    Args:
        exc: The exception caught around a client call.
        verb: The Kubernetes verb attempted, for the message.
        resource: The resource key or plural, for the message.
        name: The object's name, if the call was about one object.
        server: The API server URL, named in "unreachable" messages.

    Returns:
        The matching `KubeError` subclass (the exception itself if it already is one).
    """
    if isinstance(exc, KubeError):
        return exc
    import urllib3.exceptions
    from kubernetes.client.exceptions import ApiException

    target = f"{resource}/{name}" if name else (resource or "the API")
    if isinstance(exc, ApiException):
        status = exc.status or 0
        message = _status_message(exc.body)
        if status == 0:
            return Unreachable(f"cannot reach the API server{_at(server)}: {exc.reason}")
        if status == 401:
            extra = f" ({message})" if message and message.lower() != "unauthorized" else ""
            return Forbidden(verb, resource, name,
                             f"unauthorized: the API server refused the credentials{extra}")
        if status == 403:
            return Forbidden(verb, resource, name, message or f"forbidden: cannot {verb} {target}")
        if status == 404:
            return NotFound(message or f"{target} not found")
        if status == 409:
            return Conflict(message or f"conflict on {target}")
        if status in (400, 415, 422):
            return Invalid(message or f"invalid request for {target}: {exc.reason}")
        if status in (502, 503, 504):
            return Unreachable(message or f"API server unavailable{_at(server)} ({status})")
        return KubeError(message or f"{verb} {target} failed: {status} {exc.reason}")
    if isinstance(exc, urllib3.exceptions.HTTPError | OSError):
        return Unreachable(f"cannot reach the API server{_at(server)}: "
                           f"{_describe_network_error(exc)}")
    return KubeError(f"{verb} {target} failed: {type(exc).__name__}: {exc}")


def _at(server: str | None) -> str:
    return f" at {server}" if server else ""
