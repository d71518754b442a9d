"""Translating client exceptions into meshtui's one-line errors."""

from __future__ import annotations

import json

import pytest
import urllib3
from kubernetes.client.exceptions import ApiException

from meshtui.kube.errors import (Conflict, Forbidden, Invalid, KubeError, NotFound, Unreachable,
                                 translate)


def _api(status: int, message: str | None = None) -> ApiException:
    body = json.dumps({"kind": "Status", "code": status, "message": message}) if message else None
    return ApiException(status=status, reason="Reason", body=body)


@pytest.mark.parametrize(("status", "cls"), [(403, Forbidden), (401, Forbidden), (404, NotFound),
                                             (409, Conflict), (422, Invalid), (415, Invalid),
                                             (400, Invalid), (503, Unreachable), (500, KubeError)])
def test_status_codes_map_to_classes(status: int, cls: type) -> None:
    error = translate(_api(status, "the server says no"), verb="patch", resource="trafficsplits",
                      name="podinfo")
    assert type(error) is cls
    assert "the server says no" in error.message


def test_unauthorized_says_so() -> None:
    error = translate(_api(401, "Unauthorized"))
    assert isinstance(error, Forbidden)
    assert error.message == "unauthorized: the API server refused the credentials"


def test_forbidden_without_status_names_the_request() -> None:
    error = translate(_api(403), verb="patch", resource="trafficsplits", name="podinfo")
    assert isinstance(error, Forbidden)
    assert (error.verb, error.resource, error.name) == ("patch", "trafficsplits", "podinfo")
    assert "patch trafficsplits/podinfo" in error.message


def test_network_errors_are_unreachable_one_liners() -> None:
    inner = urllib3.exceptions.NewConnectionError(None, "Failed to establish a new connection: "
                                                  "[Errno 111] Connection refused")
    exc = urllib3.exceptions.MaxRetryError(None, "/apis", inner)
    error = translate(exc, server="http://127.0.0.1:9")
    assert isinstance(error, Unreachable)
    assert "127.0.0.1:9" in error.message and "refused" in error.message
    assert "\n" not in error.message


def test_messages_hide_credentials() -> None:
    error = translate(_api(401, "bad header Authorization: Bearer abcdef123 token=xyz789\nmore"))
    assert "abcdef123" not in error.message
    assert "xyz789" not in error.message
    assert "\n" not in error.message
    assert "abcdef123" not in repr(error)


def test_kube_errors_pass_through() -> None:
    original = NotFound("gone")
    assert translate(original) is original
