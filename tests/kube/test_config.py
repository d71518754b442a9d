"""Kubeconfig loading: kubectl's merge rules, contexts, namespaces and secret hygiene."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from meshtui.kube.config import load_cluster
from meshtui.kube.errors import ConfigError

TOKEN = "s3cr3t-token-value"


def _kubeconfig(path: Path, *, server: str, context: str, user: str = "u", token: str | None = None,
                namespace: str | None = None, current: bool = True, cluster: str | None = None) -> Path:
    ctx: dict = {"cluster": cluster or context, "user": user}
    if namespace:
        ctx["namespace"] = namespace
    data = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster or context, "cluster": {"server": server}}],
        "users": [{"name": user, "user": {"token": token} if token else {}}],
        "contexts": [{"name": context, "context": ctx}],
    }
    if current:
        data["current-context"] = context
    path.write_text(yaml.safe_dump(data))
    return path


def test_explicit_file_and_context_namespace(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a", namespace="test")
    cluster = load_cluster(str(path))
    assert (cluster.context, cluster.namespace, cluster.server) == ("a", "test", "http://127.0.0.1:1")


def test_default_namespace_is_default(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a")
    assert load_cluster(str(path)).namespace == "default"


def test_multi_file_kubeconfig_merges_like_kubectl(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    first = _kubeconfig(tmp_path / "first", server="http://127.0.0.1:1", context="one",
                        user="one-user")
    second = _kubeconfig(tmp_path / "second", server="http://127.0.0.1:2", context="two",
                         user="two-user", namespace="ns2")
    missing = tmp_path / "does-not-exist"
    monkeypatch.setenv("KUBECONFIG", f"{first}:{missing}:{second}")
    # The first file's current-context wins, as with kubectl.
    assert load_cluster().context == "one"
    two = load_cluster(context="two")
    assert (two.server, two.namespace, two.user) == ("http://127.0.0.1:2", "ns2", "two-user")
    assert two.sources == (str(first), str(second))


def test_first_definition_of_a_name_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = _kubeconfig(tmp_path / "first", server="http://127.0.0.1:1", context="same")
    second = _kubeconfig(tmp_path / "second", server="http://127.0.0.1:2", context="same")
    monkeypatch.setenv("KUBECONFIG", f"{first}:{second}")
    assert load_cluster().server == "http://127.0.0.1:1"


def test_unknown_context_names_the_available_ones(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a")
    with pytest.raises(ConfigError, match=r"context 'nope' not found.*available: a"):
        load_cluster(str(path), "nope")


@pytest.mark.parametrize("text", ["clusters: [oops\n", "- just\n- a list\n",
                                  "contexts: 5\n", "contexts:\n- context: {}\n"])
def test_malformed_kubeconfig_is_a_config_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad"
    path.write_text(text)
    with pytest.raises(ConfigError, match="bad"):
        load_cluster(str(path))


def test_missing_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_cluster(str(tmp_path / "nope"))
    monkeypatch.setenv("KUBECONFIG", str(tmp_path / "nope"))
    with pytest.raises(ConfigError, match="no kubeconfig found"):
        load_cluster()


def test_context_without_server(tmp_path: Path) -> None:
    path = tmp_path / "k"
    path.write_text(yaml.safe_dump({
        "clusters": [{"name": "c", "cluster": {}}], "users": [],
        "contexts": [{"name": "x", "context": {"cluster": "c"}}], "current-context": "x"}))
    with pytest.raises(ConfigError, match="no server"):
        load_cluster(str(path))


def test_no_current_context(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a", current=False)
    with pytest.raises(ConfigError, match="no current-context"):
        load_cluster(str(path))
    assert load_cluster(str(path), "a").context == "a"


def test_token_feeds_auth_headers_but_never_repr(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a", token=TOKEN)
    cluster = load_cluster(str(path))
    assert cluster.auth_headers() == {"Authorization": f"Bearer {TOKEN}"}
    assert TOKEN not in repr(cluster)
    assert TOKEN not in str(cluster)


def test_no_credentials_means_no_headers(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="http://127.0.0.1:1", context="a")
    assert load_cluster(str(path)).auth_headers() == {}


def test_service_proxy_url_validates_names(tmp_path: Path) -> None:
    path = _kubeconfig(tmp_path / "a", server="https://127.0.0.1:6443", context="a")
    cluster = load_cluster(str(path))
    assert cluster.service_proxy_url("linkerd-viz", "prometheus", 9090) == (
        "https://127.0.0.1:6443/api/v1/namespaces/linkerd-viz/services/prometheus:9090/proxy")
    for bad in ("../x", "a/b", "UPPER", ""):
        with pytest.raises(ValueError, match="invalid"):
            cluster.service_proxy_url(bad, "prometheus", 9090)
