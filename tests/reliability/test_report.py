"""The figures report: it renders with no figures at all and with every scenario measured."""

from __future__ import annotations

from tests.reliability import figures
from tests.reliability.report_text import ROLES, render


def test_render_without_figures_says_not_measured() -> None:
    text = render({}, {})
    assert "not measured" in text
    for number in range(1, 21):
        assert f"| {number}. " in text
    assert "kind: ClusterRole" in ROLES and "meshtui-read-only" in ROLES


def test_render_with_figures_shows_them(tmp_path) -> None:
    measured = {"restarts": {"restarts": 20, "survived": 20, "recovery_max_s": 1.5},
                "fuzz_splits": {"splits.valid": 7}, "fuzz_owners": {"owners.canary": 5}}
    text = render(measured, {"summary": "3 passed", "seconds": 1.0})
    assert "restarts survived: 20/20" in text and "max 1.5 s" in text
    assert "12 generated cases" in text
    assert "`3 passed`" in text


def test_render_of_the_hostile_input_rows() -> None:
    measured = {"hostile_strings": {"examples trafficsplit": 3, "payload markup": 2,
                                    "max backends": 64},
                "oversized_inputs": {"huge_weight_digits": 5000},
                "cli_bad_input": {"config binary: get": "x", "config binary: pause": "x",
                                  "prometheus url 'http://': dashboard": "x"}}
    text = render(measured, {})
    assert "3 TrafficSplit" in text and "(markup 2)" in text and "up to 64 backends" in text
    assert "5,000 digits" in text
    assert "config files 1 kinds x 2 commands = 2 runs" in text
    assert "Prometheus URLs 1 x 1 commands = 1 runs" in text


def test_figures_merge_and_summary(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(figures, "FIGURES_DIR", tmp_path)
    figures.record("x", a=1)
    figures.record("x", b=2)
    assert figures.load_all(tmp_path) == {"x": {"a": 1, "b": 2}}
    assert figures.summary([1.0, 3.0, 2.0]) == {"max_s": 3.0, "median_s": 2.0, "count": 3}
