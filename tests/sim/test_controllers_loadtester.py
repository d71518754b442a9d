"""The stand-in Flagger load tester answers its gate API exactly as documented, directly and proxied."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from meshtui.sim.apiserver import ADMIN_TOKEN
from meshtui.sim.controllers import LoadTester
from meshtui.sim.mesh import SimulatedMesh

PODINFO = {"name": "podinfo", "namespace": "test"}


@pytest.fixture
def tester() -> Iterator[LoadTester]:
    """A load tester on a free loopback port."""
    server = LoadTester().start()
    try:
        yield server
    finally:
        server.stop()


def post(url: str, body: object = PODINFO, token: str | None = None) -> tuple[int, str]:
    """POST JSON (or raw bytes) and return `(status, body text)`, HTTP errors included."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=data, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_promotion_gate_is_closed_until_opened(tester: LoadTester) -> None:
    assert post(tester.url + "/gate/check") == (403, "Forbidden")
    assert post(tester.url + "/gate/open") == (202, "Accepted")
    assert tester.gate_open("podinfo", "test")
    assert post(tester.url + "/gate/check") == (200, "Approved")
    # Gates are per canary: another name in the same namespace is still closed.
    assert post(tester.url + "/gate/check", {"name": "other", "namespace": "test"})[0] == 403
    assert post(tester.url + "/gate/close") == (202, "Accepted")
    assert post(tester.url + "/gate/check") == (403, "Forbidden")


def test_rollback_gate_is_separate_from_the_promotion_gate(tester: LoadTester) -> None:
    assert post(tester.url + "/rollback/check")[0] == 403
    assert post(tester.url + "/gate/open")[0] == 202
    assert post(tester.url + "/rollback/check")[0] == 403
    assert post(tester.url + "/rollback/open") == (202, "Accepted")
    assert tester.rollback_open("podinfo", "test")
    assert post(tester.url + "/rollback/check") == (200, "Approved")
    assert post(tester.url + "/rollback/close")[0] == 202
    assert post(tester.url + "/rollback/check")[0] == 403


@pytest.mark.parametrize(("path", "expected"), [("/gate/approve", 200), ("/gate/halt", 403), ("/nope", 404)])
def test_fixed_answers(tester: LoadTester, path: str, expected: int) -> None:
    assert post(tester.url + path)[0] == expected


@pytest.mark.parametrize("body", [b"not json", b"[]", {"name": "podinfo"}, {"name": 3, "namespace": "test"}])
def test_bad_payload_is_400(tester: LoadTester, body: object) -> None:
    assert post(tester.url + "/gate/open", body)[0] == 400
    assert not tester.gate_open("podinfo", "test")


def test_namespace_authorizer() -> None:
    tester = LoadTester(namespace_pattern="test|prod").start()
    try:
        assert post(tester.url + "/gate/open")[0] == 202
        assert post(tester.url + "/gate/open", {"name": "podinfo", "namespace": "testing"}) == (403, "Forbidden")
        assert not tester.gate_open("podinfo", "testing")
    finally:
        tester.stop()


def test_gates_through_the_api_server_service_proxy() -> None:
    with SimulatedMesh(realtime=False) as mesh:
        assert mesh.controllers is not None
        base = mesh.api_url + "/api/v1/namespaces/test/services/flagger-loadtester:80/proxy"
        assert post(base + "/gate/check", token=ADMIN_TOKEN)[0] == 403
        assert post(base + "/gate/open", token=ADMIN_TOKEN) == (202, "Accepted")
        assert mesh.controllers.loadtester.gate_open("podinfo", "test")
        assert post(base + "/gate/check", token=ADMIN_TOKEN) == (200, "Approved")
        assert post(base + "/rollback/open", token=ADMIN_TOKEN)[0] == 202
        assert mesh.controllers.loadtester.rollback_open("podinfo", "test")
