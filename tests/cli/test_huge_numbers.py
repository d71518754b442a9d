"""One object with a number too long for `int()` does not take `get splits -A` down."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import run_main, simple_kubeconfig
from tests.metrics.stub_prometheus import StubPrometheus

GROUP = "split.smi-spec.io/v1alpha1"


def _split(name: str, weight: str) -> str:
    # %-format: the JSON's own braces would all have to be doubled for str.format.
    return ('{"metadata": {"name": "%s", "namespace": "shop", "resourceVersion": "1"}, '  # noqa: UP031 - see above
            '"spec": {"service": "web", "backends": [{"service": "web-primary", "weight": %s}, '
            '{"service": "web-canary", "weight": 10}]}}' % (name, weight))


def _answer(path: str, query: dict) -> tuple[int, str]:
    if path == "/apis":
        return 200, json.dumps({"kind": "APIGroupList", "groups": [{
            "name": "split.smi-spec.io", "versions": [{"groupVersion": GROUP,
                                                       "version": "v1alpha1"}],
            "preferredVersion": {"groupVersion": GROUP, "version": "v1alpha1"}}]})
    if path == f"/apis/{GROUP}":
        return 200, json.dumps({"kind": "APIResourceList", "groupVersion": GROUP, "resources": [{
            "name": "trafficsplits", "namespaced": True, "kind": "TrafficSplit",
            "verbs": ["get", "list", "watch", "patch"]}]})
    if path == f"/apis/{GROUP}/trafficsplits":
        items = ", ".join([_split("huge", "9" * 5000), _split("plain", "90"),
                           _split("quoted", '"%s"' % ("9" * 5000))])
        return 200, '{"kind": "TrafficSplitList", "metadata": {"resourceVersion": "5"}, ' \
                    f'"items": [{items}]}}'
    return 404, json.dumps({"kind": "Status", "code": 404, "message": "not found"})


def test_a_5000_digit_weight_is_one_split_with_a_problem(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    server = StubPrometheus(_answer).start()
    try:
        kubeconfig = simple_kubeconfig(tmp_path / "k", server.url)
        table = run_main(["get", "splits", "-A", "--kubeconfig", str(kubeconfig)], capsys)
        as_json = run_main(["get", "splits", "-A", "-o", "json", "--kubeconfig",
                            str(kubeconfig)], capsys)
    finally:
        server.stop()
    assert table.returncode == 0, table.stderr
    names = [line.split()[2] for line in table.stdout.splitlines()[1:]]
    assert names == ["huge", "plain", "quoted"]
    # The quoted weight is shown cut: the problem says how long it is.
    assert max(len(line) for line in table.stdout.splitlines()) < 300, table.stdout
    assert "web-primary=99999999999999999999…" not in table.stdout
    assert "web-primary=9999999999999999999…(0%)" in table.stdout
    assert as_json.returncode == 0, as_json.stderr
    listed = json.loads(as_json.stdout)
    assert [s["name"] for s in listed] == ["huge", "plain", "quoted"]
    assert any("5,000 characters" in p for p in listed[2]["problems"]), listed[2]
