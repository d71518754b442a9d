"""The emulator's HTTP surface at the wire level: auth, discovery, tables, proxy, lifecycle."""

from __future__ import annotations

import http.client
import json
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from collections.abc import Iterator
from typing import Any

import pytest

from meshtui.sim.apiserver import ADMIN_TOKEN, READONLY_TOKEN, ApiServer, Store
from meshtui.sim.apiserver.tlsdata import CA_CERT_PEM
from tests.plugins.apiserver import RunningApiServer, trafficsplit
from tests.waiting import wait_for

TS_PATH = "/apis/split.smi-spec.io/v1alpha2/namespaces/default/trafficsplits"


def call(server: ApiServer, method: str, path: str, body: Any = None, *,
         token: str | None = ADMIN_TOKEN, headers: dict[str, str] | None = None
         ) -> tuple[int, Any, dict[str, str]]:
    """One request over a fresh plain-HTTP connection; returns status, decoded body, headers."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    all_headers = dict(headers or {})
    if token:
        all_headers["Authorization"] = f"Bearer {token}"
    data = body
    if body is not None and not isinstance(body, bytes):
        data = json.dumps(body).encode()
        all_headers.setdefault("Content-Type", "application/json")
    try:
        conn.request(method, path, body=data, headers=all_headers)
        response = conn.getresponse()
        raw = response.read()
        kind = response.getheader("Content-Type", "")
        decoded = json.loads(raw) if "json" in kind and raw else raw
        return response.status, decoded, dict(response.getheaders())
    finally:
        conn.close()


def test_unauthenticated_and_unknown_tokens_get_401(apiserver: RunningApiServer) -> None:
    status, body, _ = call(apiserver.server, "GET", "/version", token=None)
    assert status == 401 and body["kind"] == "Status" and body["reason"] == "Unauthorized"
    status, _, _ = call(apiserver.server, "GET", TS_PATH, token="guess")
    assert status == 401
    assert [(r.identity, r.status) for r in apiserver.server.requests] == [(None, 401), (None, 401)]


def test_tokens_never_reach_the_log_or_repr(apiserver: RunningApiServer) -> None:
    call(apiserver.server, "GET", "/version")
    text = repr(apiserver.server) + repr(apiserver.server.requests) + repr(apiserver.store)
    assert ADMIN_TOKEN not in text and READONLY_TOKEN not in text


@pytest.mark.parametrize("path", ["/version", "/version/", "/api", "/api/", "/apis", "/apis/"])
def test_discovery_answers_with_and_without_trailing_slash(apiserver: RunningApiServer,
                                                           path: str) -> None:
    status, body, headers = call(apiserver.server, "GET", path)
    assert status == 200 and headers["Content-Type"] == "application/json"
    if path.startswith("/version"):
        assert (body["major"], body["minor"]) == ("1", "32")


def test_resource_lists_and_groups(apiserver: RunningApiServer) -> None:
    _, core, _ = call(apiserver.server, "GET", "/api/v1")
    assert core["groupVersion"] == "v1"
    assert {"services", "namespaces", "pods", "endpoints", "events"} <= {
        r["name"] for r in core["resources"]}
    _, group, _ = call(apiserver.server, "GET", "/apis/split.smi-spec.io")
    assert [v["version"] for v in group["versions"]] == ["v1alpha4", "v1alpha3", "v1alpha2",
                                                         "v1alpha1"]
    _, canaries, _ = call(apiserver.server, "GET", "/apis/flagger.app/v1beta1")
    names = {r["name"]: r for r in canaries["resources"]}
    assert names["canaries/status"]["verbs"] == ["get", "patch", "update"]
    assert {"watch", "patch", "update"} <= set(names["canaries"]["verbs"])
    _, routes, _ = call(apiserver.server, "GET", "/apis/gateway.networking.k8s.io/v1beta1")
    assert "httproutes/status" in {r["name"] for r in routes["resources"]}
    status, missing, _ = call(apiserver.server, "GET", "/apis/nothing.example.com/v1")
    assert status == 404 and missing["kind"] == "Status"


def test_openapi_v3_index_and_document(apiserver: RunningApiServer) -> None:
    _, index, _ = call(apiserver.server, "GET", "/openapi/v3")
    url = index["paths"]["apis/split.smi-spec.io/v1alpha2"]["serverRelativeURL"]
    _, doc, _ = call(apiserver.server, "GET", url)
    item = doc["paths"][TS_PATH.replace("default", "{namespace}") + "/{name}"]
    assert "fieldValidation" in {p["name"] for p in item["patch"]["parameters"]}
    assert item["patch"]["x-kubernetes-group-version-kind"]["kind"] == "TrafficSplit"


def test_status_errors_for_bad_writes(apiserver: RunningApiServer) -> None:
    other = trafficsplit("a", "elsewhere")
    status, body, _ = call(apiserver.server, "POST", TS_PATH, other)
    assert status == 400 and body["reason"] == "BadRequest"
    missing = TS_PATH.replace("default", "nowhere")
    status, body, _ = call(apiserver.server, "POST", missing, trafficsplit("a", "nowhere"))
    assert status == 404 and body["message"] == 'namespaces "nowhere" not found'
    status, body, _ = call(apiserver.server, "GET", TS_PATH + "/ghost")
    assert status == 404
    assert body["message"] == 'trafficsplits.split.smi-spec.io "ghost" not found'
    assert body["details"] == {"name": "ghost", "group": "split.smi-spec.io",
                               "kind": "trafficsplits"}


def test_create_without_content_type_defaults_to_json(apiserver: RunningApiServer) -> None:
    status, body, _ = call(apiserver.server, "POST", TS_PATH,
                           json.dumps(trafficsplit("a")).encode())
    assert status == 201 and body["metadata"]["name"] == "a"
    assert apiserver.server.requests[-1].content_type is None


def test_table_output_has_printer_columns(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("a", service="web"))
    accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"
    _, table, _ = call(apiserver.server, "GET", TS_PATH, headers={"Accept": accept})
    assert table["kind"] == "Table"
    assert [c["name"] for c in table["columnDefinitions"]] == ["Name", "Service", "Age"]
    assert table["rows"][0]["cells"][:2] == ["a", "web"]
    assert table["rows"][0]["object"]["metadata"]["name"] == "a"


def test_list_of_thousands_is_complete_and_ordered(apiserver: RunningApiServer) -> None:
    store = apiserver.store
    store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "zz"}})
    for index in range(2000):
        store.create(trafficsplit(f"ts-{index:04d}", "zz" if index % 2 else "default"))
    status, body, _ = call(apiserver.server, "GET",
                           "/apis/split.smi-spec.io/v1alpha2/trafficsplits")
    assert status == 200 and len(body["items"]) == 2000
    keys = [(i["metadata"]["namespace"], i["metadata"]["name"]) for i in body["items"]]
    assert keys == sorted(keys)
    assert body["metadata"]["resourceVersion"] == str(store.resource_version)


@pytest.fixture
def upstream() -> Iterator[tuple[str, list[tuple[str, str, bytes]]]]:
    """A tiny loopback HTTP server that echoes what it received."""
    seen: list[tuple[str, str, bytes]] = []

    class Echo(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            seen.append((self.command, self.path, body))
            data = json.dumps({"path": self.path, "body": body.decode()}).encode()
            self.send_response(202 if self.command == "POST" else 200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer  # noqa: N815 - http.server's method names

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Echo)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


def test_service_proxy_forwards_and_enforces_identity(
        apiserver: RunningApiServer, upstream: tuple[str, list[tuple[str, str, bytes]]]) -> None:
    url, seen = upstream
    apiserver.server.proxy("test", "flagger-loadtester", 80, url)
    base = "/api/v1/namespaces/test/services"
    status, body, _ = call(apiserver.server, "POST",
                           f"{base}/flagger-loadtester:80/proxy/gate/open",
                           {"name": "podinfo", "namespace": "test"})
    assert status == 202 and body["path"] == "/gate/open"
    status, body, _ = call(apiserver.server, "GET",
                           f"{base}/http:flagger-loadtester:80/proxy/gate/check?x=1",
                           token=READONLY_TOKEN)
    assert status == 200 and body["path"] == "/gate/check?x=1"
    status, body, _ = call(apiserver.server, "GET", f"{base}/flagger-loadtester/proxy/healthz")
    assert status == 200
    status, body, _ = call(apiserver.server, "POST",
                           f"{base}/flagger-loadtester:80/proxy/gate/close", {},
                           token=READONLY_TOKEN)
    assert status == 403 and 'cannot create resource "services/proxy"' in body["message"]
    status, body, _ = call(apiserver.server, "GET", f"{base}/unknown:80/proxy/")
    assert status == 503 and body["kind"] == "Status"
    assert [(m, p) for m, p, _ in seen] == [("POST", "/gate/open"), ("GET", "/gate/check?x=1"),
                                            ("GET", "/healthz")]
    assert json.loads(seen[0][2]) == {"name": "podinfo", "namespace": "test"}


def test_tls_and_plain_http_on_one_port(apiserver: RunningApiServer) -> None:
    context = ssl.create_default_context(cadata=CA_CERT_PEM)
    conn = http.client.HTTPSConnection("127.0.0.1", apiserver.server.port, context=context,
                                       timeout=10)
    try:
        conn.request("GET", "/version", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert conn.getresponse().status == 200
    finally:
        conn.close()
    assert call(apiserver.server, "GET", "/version")[0] == 200


def _open_watch(server: ApiServer, query: str) -> tuple[http.client.HTTPConnection,
                                                        http.client.HTTPResponse]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    conn.request("GET", f"{TS_PATH}?watch=1&{query}",
                 headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    return conn, conn.getresponse()


def test_stop_ends_open_watches_cleanly_and_restart_keeps_port_and_store() -> None:
    store = Store()
    server = ApiServer(store).start()
    port = server.port
    try:
        store.create(trafficsplit("a"))
        conn, response = _open_watch(server, "")
        assert response.getheader("Transfer-Encoding") == "chunked"
        first = json.loads(response.readline())
        assert (first["type"], first["object"]["metadata"]["name"]) == ("ADDED", "a")
        server.stop()
        # The terminating chunk arrives: reading to the end raises nothing.
        assert response.read() == b""
        conn.close()
        server.start()
        assert server.port == port
        status, body, _ = call(server, "GET", TS_PATH)
        assert status == 200 and [i["metadata"]["name"] for i in body["items"]] == ["a"]
    finally:
        server.stop()


def test_watch_as_table_and_in_stream_410(apiserver: RunningApiServer) -> None:
    apiserver.store.create(trafficsplit("a"))
    rv = apiserver.store.resource_version
    apiserver.store.patch("split.smi-spec.io/v1alpha2", "TrafficSplit", "default", "a",
                          {"spec": {"service": "b"}})
    apiserver.store.compact()
    conn, response = _open_watch(apiserver.server, f"resourceVersion={rv}")
    try:
        assert response.status == 200
        event = json.loads(response.readline())
        assert event["type"] == "ERROR"
        assert event["object"]["code"] == 410 and event["object"]["reason"] == "Expired"
        assert response.read() == b""
    finally:
        conn.close()
    conn = http.client.HTTPConnection("127.0.0.1", apiserver.server.port, timeout=10)
    try:
        conn.request("GET", f"{TS_PATH}?watch=1&timeoutSeconds=1", headers={
            "Authorization": f"Bearer {ADMIN_TOKEN}",
            "Accept": "application/json;as=Table;v=v1;g=meta.k8s.io"})
        response = conn.getresponse()
        event = json.loads(response.readline())
        assert event["type"] == "ADDED" and event["object"]["kind"] == "Table"
        assert event["object"]["rows"][0]["cells"][:2] == ["a", "b"]
    finally:
        conn.close()


def test_watch_fans_out_to_many_streams(apiserver: RunningApiServer) -> None:
    rv = apiserver.store.resource_version
    streams = [_open_watch(apiserver.server, f"resourceVersion={rv}") for _ in range(3)]
    try:
        wait_for(lambda: len(apiserver.store.watchers()) == 3, message="three watches")
        apiserver.store.create(trafficsplit("a"))
        for _, response in streams:
            event = json.loads(response.readline())
            assert (event["type"], event["object"]["metadata"]["name"]) == ("ADDED", "a")
    finally:
        for conn, _ in streams:
            conn.close()


def test_concurrent_writers_reach_a_watch_in_order_without_gaps(
        apiserver: RunningApiServer) -> None:
    store = apiserver.store
    rv = store.resource_version
    conn = http.client.HTTPConnection("127.0.0.1", apiserver.server.port, timeout=10)
    conn.request("GET", f"/apis/split.smi-spec.io/v1alpha2/trafficsplits?watch=1"
                 f"&resourceVersion={rv}", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    response = conn.getresponse()

    def writer(worker: int) -> None:
        for index in range(25):
            store.create(trafficsplit(f"w{worker}-{index}"))
            store.patch("split.smi-spec.io/v1alpha2", "TrafficSplit", "default",
                        f"w{worker}-{index}", {"spec": {"service": "moved"}})

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    try:
        versions = [int(json.loads(response.readline())["object"]["metadata"]["resourceVersion"])
                    for _ in range(200)]
    finally:
        conn.close()
    assert versions == list(range(rv + 1, rv + 201))


def test_apply_patch_creates_then_merges(apiserver: RunningApiServer) -> None:
    manifest = ("apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n"
                "  name: a\nspec:\n  service: web\n  backends: []\n")
    headers = {"Content-Type": "application/apply-patch+yaml"}
    path = f"{TS_PATH}/a?fieldManager=test"
    status, body, _ = call(apiserver.server, "PATCH", path, manifest.encode(), headers=headers)
    assert status == 201
    assert body["spec"] == {"service": "web", "backends": []}
    status, body, _ = call(apiserver.server, "PATCH", path,
                           manifest.replace("web", "api").encode(), headers=headers)
    assert status == 200 and body["spec"]["service"] == "api"
    assert body["metadata"]["generation"] == 2


def test_status_subresource_over_http(apiserver: RunningApiServer) -> None:
    path = "/apis/flagger.app/v1beta1/namespaces/default/canaries"
    canary = {"apiVersion": "flagger.app/v1beta1", "kind": "Canary",
              "metadata": {"name": "podinfo"}, "spec": {"suspend": False},
              "status": {"phase": "Succeeded"}}
    status, created, _ = call(apiserver.server, "POST", path, canary)
    assert status == 201 and "status" not in created
    status, body, _ = call(apiserver.server, "PATCH", f"{path}/podinfo/status",
                           {"status": {"phase": "Progressing"}, "spec": {"suspend": True}},
                           headers={"Content-Type": "application/merge-patch+json"})
    assert status == 200
    assert body["status"] == {"phase": "Progressing"} and body["spec"]["suspend"] is False
    status, body, _ = call(apiserver.server, "GET", f"{path}/podinfo/status")
    assert status == 200 and body["status"]["phase"] == "Progressing"
    status, _, _ = call(apiserver.server, "GET", f"{TS_PATH}/x/status")
    assert status == 404


def test_binds_to_loopback_only() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ApiServer(Store(), host="0.0.0.0")


def _api_create(api_url: str, path: str, obj: dict) -> tuple[int, dict]:
    import json as _json
    import urllib.error
    import urllib.request

    from meshtui.sim.apiserver import ADMIN_TOKEN

    request = urllib.request.Request(f"{api_url}{path}", data=_json.dumps(obj).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {ADMIN_TOKEN}"})
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, _json.load(resp)
    except urllib.error.HTTPError as exc:
        return exc.code, _json.load(exc)


def test_crd_schemas_are_enforced_as_the_real_crds_do(sim_mesh_manual) -> None:
    """A TrafficSplit backend without a weight, an HTTPRoute weight above 1,000,000 or more than 16
    rules are refused with the API server's 422 and field paths; a valid object is accepted."""
    api = sim_mesh_manual.api_url
    ts = {"apiVersion": "split.smi-spec.io/v1alpha2", "kind": "TrafficSplit",
          "metadata": {"name": "no-weight", "namespace": "test"},
          "spec": {"service": "podinfo", "backends": [{"service": "podinfo-primary"}]}}
    code, body = _api_create(api, "/apis/split.smi-spec.io/v1alpha2/namespaces/test/trafficsplits", ts)
    assert code == 422 and body["reason"] == "Invalid"
    assert body["message"] == ('TrafficSplit.split.smi-spec.io "no-weight" is invalid: '
                               "spec.backends[0].weight: Required value")

    def route(name: str, rules: list) -> dict:
        return {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                "metadata": {"name": name, "namespace": "test"},
                "spec": {"parentRefs": [{"name": "podinfo", "kind": "Service", "group": "core"}],
                         "rules": rules}}

    path = "/apis/gateway.networking.k8s.io/v1/namespaces/test/httproutes"
    code, body = _api_create(api, path, route("heavy", [{"backendRefs": [
        {"name": "podinfo-primary", "port": 9898, "weight": 1_000_001}]}]))
    assert code == 422 and "spec.rules[0].backendRefs[0].weight: Invalid value: 1000001" in body["message"]
    assert "less than or equal to 1000000" in body["message"]
    code, body = _api_create(api, path, route("many", [{"backendRefs": []}] * 17))
    assert code == 422 and "spec.rules: Too many: 17: must have at most 16 items" in body["message"]
    refs = [{"name": f"b{i}", "port": 80} for i in range(17)]
    code, body = _api_create(api, path, route("wide", [{"backendRefs": refs}]))
    assert code == 422 and "spec.rules[0].backendRefs: Too many: 17" in body["message"]
    code, _ = _api_create(api, path, route("fine", [{"backendRefs": [
        {"name": "podinfo-primary", "port": 9898, "weight": 1_000_000}]}]))
    assert code == 201
