"""The console chat end to end, as a user runs it: a subprocess reading lines from a pipe."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from deltalake import DeltaTable


def _chat(data: Path, script: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "ORCHESTRATOR_STORAGE_URL": str(data)}
    return subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "alice", "--tz", "UTC", *args],
        input=script,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_piped_chat_creates_and_lists_tasks_in_delta_tables(tmp_path: Path) -> None:
    data = tmp_path / "data"
    script = (
        "project add Launch\n"
        "add Draft post due 2020-01-03 p1 #Launch\n"
        "add Book venue tomorrow\n"  # a trailing date phrase is the due date
        "list\n"
        "add\n"
        "delete T-2\n"
        "yes\n"
        "undo\n"
        "show T-2\n"
    )
    result = _chat(data, script)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Created project Launch (P-1)" in out
    assert "Created T-1." in out
    assert "T-1  Draft post · #Launch · OVERDUE" in out
    assert "!critical" in out
    assert "A task needs a title" in out and "Usage:" in out
    assert "Delete T-2? Reply `yes`" in out
    assert "Deleted T-2." in out
    assert "Traceback" not in out + result.stderr

    tasks = DeltaTable(str(data / "orchestrator" / "tasks")).to_pyarrow_table().to_pylist()
    titles = sorted(row["title"] for row in tasks)
    assert titles == ["Book venue", "Draft post"]
    assert all(row["due_date"] is not None for row in tasks)
    assert all(row["workspace_id"] == "local" for row in tasks)
    audit = DeltaTable(str(data / "orchestrator" / "audit_events")).to_pyarrow_table().to_pylist()
    assert {row["action"] for row in audit} >= {"create", "delete", "undo"}

    # A second run sees the same data: the state lives in the tables, not in the process.
    again = _chat(data, "list all\n")
    assert "T-2  Book venue · due tomorrow" in again.stdout


def test_workspace_option_isolates_data(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _chat(data, "add Only in A\n", "--workspace", "a")
    other = _chat(data, "list\nshow T-1\n", "--workspace", "b")
    assert "Only in A" not in other.stdout
    assert "T-1 doesn't exist" in other.stdout


def test_bad_timezone_is_a_clear_error(tmp_path: Path) -> None:
    result = _chat(tmp_path / "data", "list\n", "--tz", "Mars/Olympus")
    assert result.returncode == 2
    assert "Mars/Olympus" in result.stderr
    assert "Traceback" not in result.stderr
