"""The console chat end to end, as a user runs it: a subprocess reading lines from a pipe."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
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


@pytest.mark.parametrize("backend", ["delta", "sqlite"])
def test_invalid_utf8_on_the_pipe_is_replaced_and_later_lines_are_answered(
    tmp_path: Path, backend: str
) -> None:
    url = str(tmp_path / "data") if backend == "delta" else f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    # A strict stdin decoder is what used to kill the chat at the bad line: ask for one.
    env = {**os.environ, "ORCHESTRATOR_STORAGE_URL": url, "PYTHONIOENCODING": "utf-8:strict"}
    script = b"add bad \xff\xfe title\nadd nul\x00 and \x1b[31mescape\nlist\n"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "chat", "--user", "alice", "--tz", "UTC"],
        input=script,
        capture_output=True,
        env=env,
        timeout=120,
        check=False,
    )
    out, err = result.stdout.decode(), result.stderr.decode()
    assert result.returncode == 0, err
    assert "Created T-1." in out and "Created T-2." in out
    assert "T-1  bad \ufffd\ufffd title" in out and "T-2  nul and [31mescape" in out
    assert "2 open tasks" in out  # the line after the bad ones was answered too
    for word in ("Traceback", "incident", "surrogates", "codec"):
        assert word not in out + err
    if backend == "delta":
        tasks = DeltaTable(str(tmp_path / "data" / "orchestrator" / "tasks")).to_pyarrow_table()
        titles = sorted(row["title"] for row in tasks.to_pylist())
    else:
        with sqlite3.connect(tmp_path / "db.sqlite") as db:
            titles = sorted(row[0] for row in db.execute("select title from tasks"))
    assert titles == ["bad \ufffd\ufffd title", "nul and [31mescape"]
