"""The benchmark harness runs end to end and emits every measure, with no timing asserted.

`bench/run --smoke -o json` runs the real app against the emulator, kubectl and a real
Prometheus at tiny sizes. The numbers mean nothing at those sizes: only the shape is checked.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.report import MEASURE_IDS, REFERENCE_IDS, to_table
from bench.stats import Measure, percentile

REPO = Path(__file__).resolve().parents[2]
RUN = REPO / "bench" / "run"


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """The JSON document of one smoke run (shared by the tests of this module)."""
    if shutil.which("kubectl") is None:
        pytest.skip("kubectl not installed: the harness compares against it")
    if shutil.which("prometheus") is None and not os.access("/usr/bin/prometheus", os.X_OK):
        pytest.skip("prometheus not installed: the metrics measures need it")
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    done = subprocess.run([sys.executable, str(RUN), "--smoke", "-o", "json", "--out", str(out), "-q"],
                          capture_output=True, text=True, timeout=110, cwd=REPO,
                          stdin=subprocess.DEVNULL, check=False)
    assert done.returncode == 0, f"bench/run failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    document = json.loads(done.stdout)
    assert json.loads(out.read_text()) == document, "--out must hold what was printed"
    return document


@pytest.mark.timeout(120)
def test_smoke_run_emits_every_measure(smoke_report: dict) -> None:
    """Every id of the issue's table is present with median, p95 and a sample count."""
    measures = smoke_report["measures"]
    assert smoke_report["errors"] == {}
    assert set(measures) == set(MEASURE_IDS) | set(REFERENCE_IDS)
    for name, entry in measures.items():
        assert {"median", "p95", "samples"} <= set(entry), name
        assert isinstance(entry["samples"], int) and entry["samples"] >= 1, name
        assert isinstance(entry["median"], float | int) and isinstance(entry["p95"], float | int), name
        assert entry["met"] in ((None,) if name in REFERENCE_IDS else (True, False)), name


@pytest.mark.timeout(120)
def test_first_frame_comes_before_the_splits_are_listed(smoke_report: dict) -> None:
    """``first_frame_ms`` has one sample per launch, each well under the launch-to-listed time."""
    measures = smoke_report["measures"]
    frame, ratio = measures["first_frame_ms"], measures["list_vs_kubectl_ratio"]
    assert frame["unit"] == "ms" and frame["goal"] == "median <= 350"
    assert frame["samples"] == ratio["samples"]
    assert all(value > 0 for value in frame["values"])


@pytest.mark.timeout(120)
def test_peak_rss_reports_the_larger_scenario(smoke_report: dict) -> None:
    """``peak_rss_mb`` has ``by_size``: the scale scenario's splits and the larger one's, in MB."""
    by_size = smoke_report["measures"]["peak_rss_mb"]["by_size"]
    assert sorted(int(size) for size in by_size) == [40, 80]
    assert all(isinstance(mb, float | int) and mb > 0 for mb in by_size.values())


@pytest.mark.timeout(120)
def test_queries_per_refresh_has_one_count_per_size(smoke_report: dict) -> None:
    """``queries_per_refresh`` maps each backend count measured to a query count."""
    by_size = smoke_report["measures"]["queries_per_refresh"]["by_size"]
    assert sorted(int(size) for size in by_size) == [1, 10, 100]
    assert all(isinstance(count, int) and count > 0 for count in by_size.values())


@pytest.mark.timeout(120)
def test_key_to_write_says_what_it_measured(smoke_report: dict) -> None:
    """Until the UI has weight keys, the write measure says it timed the writer call path."""
    entry = smoke_report["measures"]["key_to_write_ms"]
    assert entry["note"], "the key_to_write_ms entry must say which path it measured"


@pytest.mark.timeout(120)
def test_key_to_frame_has_every_prometheus_mode(smoke_report: dict) -> None:
    """``key_to_frame_ms`` gives each Prometheus mode its own median, p95 and sample count, and
    the status bar saw the failing modes (a slow answer is fresh for a moment when it lands)."""
    entry = smoke_report["measures"]["key_to_frame_ms"]
    by_fault = entry["by_fault"]
    assert list(by_fault) == ["healthy", "erroring", "slow", "garbage"]
    for mode, figures in by_fault.items():
        assert figures["samples"] >= 1, mode
        assert isinstance(figures["median"], float | int) and isinstance(figures["p95"], float | int), mode
        assert figures["met"] in (True, False), mode
    assert by_fault["healthy"]["metrics_state"] == "ok"
    assert all(by_fault[mode]["metrics_state"] != "ok" for mode in ("erroring", "garbage"))
    assert entry["met"] == all(figures["met"] for figures in by_fault.values())


@pytest.mark.timeout(120)
def test_machine_is_described(smoke_report: dict) -> None:
    """The output names the machine: cores, CPU, memory, Python and Textual versions."""
    machine = smoke_report["machine"]
    assert machine["nproc"] >= 1
    assert {"cpu", "memory_gib", "python", "textual", "date"} <= set(machine)


def test_percentile_is_nearest_rank() -> None:
    """p95 of 1..20 is 19 (nearest rank), of one value is that value, of none is None."""
    assert percentile([float(v) for v in range(20, 0, -1)], 95) == 19.0
    assert percentile([4.0], 95) == 4.0
    assert percentile([], 95) is None


def test_table_marks_misses_and_lists_errors() -> None:
    """The table shows a missed goal as MISSED and names a measure that could not be taken."""
    measures = [Measure("key_to_write_ms", (10.0, 40.0), "ms", "p95 <= 30", False, note="writer path"),
                Measure("queries_per_refresh", (4.0, 4.0), "queries", "same", True,
                        by_size={"1": 4, "10": 4})]
    measures.append(Measure("key_to_frame_ms", (20.0, 70.0), "ms", "p95 <= 50 in every mode", False,
                            by_fault={"healthy": {"median": 20.0, "p95": 20.0, "samples": 1, "met": True},
                                      "garbage": {"median": 70.0, "p95": 70.0, "samples": 1, "met": False}}))
    table = to_table(measures, {"peak_rss_mb": "LaunchError: boom"})
    assert "  healthy" in table and "  garbage" in table
    assert "MISSED" in table and "1:4, 10:4" in table
    assert "! peak_rss_mb: LaunchError: boom" in table
    assert "- key_to_write_ms: writer path" in table
