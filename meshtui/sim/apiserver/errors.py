"""Kubernetes `Status` errors raised by the store and rendered by the HTTP server."""

from __future__ import annotations

from typing import Any

_REASONS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    406: "NotAcceptable",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    500: "InternalError",
    503: "ServiceUnavailable",
}

CONFLICT_MESSAGE = (
    "the object has been modified; please apply your changes to the latest version and try again"
)


class ApiError(Exception):
    """An API failure carrying everything a Kubernetes `Status` body needs.

    Attributes:
        code: HTTP status code.
        reason: The `Status.reason` string, e.g. ``NotFound``.
        message: Human-readable message, worded like the real API server.
        details: Optional `Status.details` (name, group, kind).
    """

    def __init__(self, code: int, message: str, reason: str | None = None,
                 details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason or _REASONS.get(code, "Unknown")
        self.message = message
        self.details = details

    def __repr__(self) -> str:
        return f"ApiError({self.code}, {self.reason!r}, {self.message!r})"

    def to_status(self) -> dict[str, Any]:
        """Return the error as a `Status` object."""
        return status_body(self.code, self.message, self.reason, self.details)


def status_body(code: int, message: str, reason: str, details: dict[str, Any] | None = None
                ) -> dict[str, Any]:
    """Build a failure `Status` object."""
    body: dict[str, Any] = {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    }
    if details:
        body["details"] = details
    return body


def qualified(plural: str, group: str) -> str:
    """Return the `resource.group` form used in messages (`services` for the core group)."""
    return f"{plural}.{group}" if group else plural


def _details(plural: str, group: str, name: str | None) -> dict[str, Any]:
    details: dict[str, Any] = {"kind": plural}
    if group:
        details["group"] = group
    if name:
        details["name"] = name
    return details


def not_found(plural: str, group: str, name: str) -> ApiError:
    """The object does not exist."""
    return ApiError(404, f'{qualified(plural, group)} "{name}" not found', "NotFound",
                    _details(plural, group, name))


def already_exists(plural: str, group: str, name: str) -> ApiError:
    """A create collided with an existing object."""
    return ApiError(409, f'{qualified(plural, group)} "{name}" already exists', "AlreadyExists",
                    _details(plural, group, name))


def conflict(plural: str, group: str, name: str) -> ApiError:
    """A write carried a stale resourceVersion."""
    return ApiError(
        409,
        f'Operation cannot be fulfilled on {qualified(plural, group)} "{name}": {CONFLICT_MESSAGE}',
        "Conflict", _details(plural, group, name))


def invalid(plural: str, group: str, name: str, why: str) -> ApiError:
    """The object (or patch) is not acceptable."""
    return ApiError(422, f'{qualified(plural, group)} "{name}" is invalid: {why}', "Invalid",
                    _details(plural, group, name))


def forbidden(user: str, verb: str, plural: str, group: str, name: str | None,
              namespace: str | None) -> ApiError:
    """The identity may not perform `verb`; worded like the real RBAC denial."""
    what = f'{qualified(plural.split("/")[0], group)} "{name}"' if name else qualified(
        plural.split("/")[0], group)
    where = f' in the namespace "{namespace}"' if namespace else " at the cluster scope"
    message = (f'{what} is forbidden: User "{user}" cannot {verb} resource "{plural}" '
               f'in API group "{group}"{where}')
    return ApiError(403, message, "Forbidden", _details(plural.split("/")[0], group, name))


def expired(requested: int, current: int) -> ApiError:
    """A watch asked for history that has been compacted away."""
    return ApiError(410, f"too old resource version: {requested} ({current})", "Expired")
