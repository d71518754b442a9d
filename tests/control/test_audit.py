"""The audit log file: one JSON line per record, private, masked, tolerant of torn lines."""

from __future__ import annotations

import json
import os

import pytest

from meshtui.kube.audit import RESULTS, AuditLog, default_audit_path, read_audit

FIELDS = {"time", "context", "identity", "verb", "object", "action", "before", "after", "result",
          "message"}


def _record(log: AuditLog, result: str = "ok", message: str = "") -> dict:
    return log.record(context="ctx", identity="alice", verb="patch",
                      obj={"kind": "TrafficSplit", "namespace": "ns", "name": "s",
                           "resourceVersion": "7"},
                      action="set-weights", before={"a": 90}, after={"a": 50}, result=result,
                      message=message)


def test_records_are_appended_one_json_line_each_in_the_xdg_state_dir(tmp_path):
    log = AuditLog()
    assert log.path == default_audit_path()
    assert str(log.path).startswith(os.environ["XDG_STATE_HOME"])
    for result in RESULTS:
        _record(log, result)

    lines = log.path.read_text().splitlines()
    assert len(lines) == len(RESULTS)
    assert [json.loads(line)["result"] for line in lines] == list(RESULTS)
    assert all(set(json.loads(line)) == FIELDS for line in lines)
    assert read_audit() == [json.loads(line) for line in lines]
    assert oct(log.path.stat().st_mode & 0o777) == "0o600"


def test_secrets_are_masked_wherever_they_appear(tmp_path):
    log = AuditLog(tmp_path / "a.log", secrets=["s3cr3t-token"])
    log.add_secret("Bearer other-token")
    record = _record(log, "error", "server echoed s3cr3t-token and Bearer other-token")
    text = (tmp_path / "a.log").read_text()
    assert "s3cr3t-token" not in text and "other-token" not in text
    assert record["message"].count("***") == 2


def test_unknown_result_is_refused_and_nothing_written(tmp_path):
    log = AuditLog(tmp_path / "a.log")
    with pytest.raises(ValueError, match="unknown audit result"):
        _record(log, "maybe")
    assert read_audit(tmp_path / "a.log") == []


def test_torn_and_foreign_lines_are_skipped(tmp_path):
    path = tmp_path / "a.log"
    _record(AuditLog(path))
    with path.open("a") as handle:
        handle.write('{"time": "2026-\n[1, 2]\n')
    _record(AuditLog(path), "conflict")
    assert [r["result"] for r in read_audit(path)] == ["ok", "conflict"]
    assert read_audit(tmp_path / "missing.log") == []


@pytest.fixture
def umask_zero():
    """A process umask that takes nothing away from the modes meshtui asks for."""
    previous = os.umask(0)
    try:
        yield
    finally:
        os.umask(previous)


def test_directory_and_log_are_private_whatever_the_umask(umask_zero, tmp_path):
    log = AuditLog()
    _record(log)
    assert oct(log.path.parent.stat().st_mode & 0o777) == "0o700"
    assert oct(log.path.stat().st_mode & 0o777) == "0o600"

    fresh = AuditLog(tmp_path / "new-dir" / "audit.log")
    _record(fresh)
    assert oct(fresh.path.parent.stat().st_mode & 0o777) == "0o700"
    assert oct(fresh.path.stat().st_mode & 0o777) == "0o600"


def test_an_existing_readable_log_and_state_directory_are_made_private(umask_zero):
    path = default_audit_path()
    path.parent.mkdir(parents=True, mode=0o755)
    path.write_text("")
    path.chmod(0o644)
    _record(AuditLog())
    assert oct(path.parent.stat().st_mode & 0o777) == "0o700"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert len(read_audit()) == 1
