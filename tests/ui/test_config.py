"""Settings load from the XDG config file; bad values name their key."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from meshtui.model.findings import HealthPolicy
from meshtui.ui.config import ConfigError, Settings, config_path, load_settings, settings_from_mapping


def write_config(text: str) -> Path:
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_config_path_follows_xdg_config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The file lives at $XDG_CONFIG_HOME/meshtui/config.toml."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert config_path() == tmp_path / "meshtui" / "config.toml"


def test_missing_file_gives_defaults() -> None:
    """No file is not an error: every setting has a default."""
    assert load_settings() == Settings()
    assert Settings().refresh == 2.0
    assert Settings().stale_seconds == 4.0


def test_values_are_read_and_typed() -> None:
    """Every documented key is read, with the keymap as a binding-id table."""
    write_config('refresh = 2\nwindow = "15m"\ntheme = "textual-light"\nnamespace = "shop"\n'
                 'stale_after = 30\nmismatch_points = 5\n[keymap]\n"app.quit" = "ctrl+q"\n')
    settings = load_settings()
    assert settings.refresh == 2.0
    assert settings.window == "15m"
    assert settings.theme == "textual-light"
    assert settings.namespace == "shop"
    assert settings.stale_seconds == 30.0
    assert settings.mismatch_points == 5.0
    assert dict(settings.keymap) == {"app.quit": "ctrl+q"}


def test_finding_thresholds_are_read() -> None:
    """The verdicts' thresholds come from the file, defaults as documented."""
    assert (Settings().success_drop_points, Settings().min_requests, Settings().latency_ratio) == (1.0, 20, 2.0)
    settings = settings_from_mapping({"success_drop_points": 2, "min_requests": 50, "latency_ratio": 3,
                                      "latency_floor_ms": 25, "latency_min_requests": 200,
                                      "confidence_z": 3})
    assert (settings.success_drop_points, settings.min_requests, settings.latency_ratio,
            settings.latency_floor_ms, settings.latency_min_requests, settings.confidence_z) == \
        (2.0, 50, 3.0, 25.0, 200, 3.0)


def test_stale_threshold_defaults_to_two_refresh_intervals() -> None:
    """Without stale_after, data goes stale after two refresh intervals."""
    assert settings_from_mapping({"refresh": 3}).stale_seconds == 6.0


@pytest.mark.parametrize(("data", "key"), [
    ({"refresh": "fast"}, "'refresh'"),
    ({"refresh": True}, "'refresh'"),
    ({"refresh": 0}, "'refresh'"),
    ({"window": "2m"}, "'window'"),
    ({"theme": 3}, "'theme'"),
    ({"keymap": {"app.quit": 7}}, "'keymap.app.quit'"),
    ({"keymap": "q"}, "'keymap'"),
    ({"success_bad": 0.999}, "'success_bad'"),
    ({"mismatch_points": 150}, "'mismatch_points'"),
    ({"min_requests": 2.5}, "'min_requests'"),
    ({"latency_ratio": 0.5}, "'latency_ratio'"),
    ({"confidence_z": "high"}, "'confidence_z'"),
    ({"refrsh": 5}, "'refrsh'"),
])
def test_bad_values_name_the_key(data: dict, key: str) -> None:
    """A wrong type, range or unknown key raises ConfigError naming it."""
    with pytest.raises(ConfigError, match=key):
        settings_from_mapping(data)


def test_bad_toml_names_the_file() -> None:
    """Unparsable TOML is reported with the file path."""
    path = write_config("refresh = \n")
    with pytest.raises(ConfigError, match="not valid TOML") as caught:
        load_settings()
    assert str(path) in str(caught.value)


def test_file_errors_carry_the_path() -> None:
    """A value error from the file names both file and key."""
    path = write_config('window = "3h"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(path) in str(caught.value) and "'window'" in str(caught.value)


def test_threshold_defaults_are_the_models() -> None:
    """An empty file judges exactly as the model's default policy: one source for each default."""
    policy = HealthPolicy()
    for settings in (Settings(), settings_from_mapping({})):
        assert {f.name: getattr(settings, f.name) for f in fields(HealthPolicy)} == \
            {f.name: getattr(policy, f.name) for f in fields(HealthPolicy)}
