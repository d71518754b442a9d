"""Shared test configuration: fixtures live in tests/plugins/, one module per area."""

from __future__ import annotations

import pytest
from hypothesis import settings

from tests.model.hypothesis_settings import PROFILE

settings.load_profile(PROFILE)

pytest_plugins = [
    "tests.plugins.apiserver",
    "tests.plugins.sim",
    "tests.plugins.prometheus",
    "tests.plugins.prometheus_world",
    "tests.plugins.kube",
]


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's config, state and kubeconfig out of every test."""
    home = tmp_path_factory.mktemp("home")
    for var in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME"):
        monkeypatch.setenv(var, str(home / var.lower()))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("KUBECONFIG", raising=False)
