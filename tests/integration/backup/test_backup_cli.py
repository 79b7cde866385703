"""``warroom backup`` and ``warroom restore`` as scripts use them, and a backup killed midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.services import build_services
from warroom.storage.database import open_database

RunCli = Any


def _error_line(result: Any, code: int, fragment: str) -> None:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.err


def test_backup_configure_status_and_restore(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("incident", "open", "Checkout outage", "--severity", "2").code == 0
    assert run_cli("log", "add", "1", "rolled back the deploy").code == 0
    _error_line(run_cli("backup"), 1, "no backup folder")
    _error_line(run_cli("backup", "--every", "5"), 2, "--every goes with --configure")

    folder = tmp_path / "stick"
    configured = run_cli("--json", "backup", "--configure", str(folder), "--every", "5")
    assert configured.code == 0, configured.err
    assert configured.json() == {"folder": str(folder), "every_minutes": 5, "keep_last": 48}
    taken = run_cli("--json", "backup")
    assert taken.code == 0, taken.err
    data = taken.json()
    assert data["ok"] and data["incidents"] == 1 and data["entries"] == 2
    backup = Path(data["path"])
    assert backup.parent == folder and backup.is_file()
    status = run_cli("--json", "backup", "--status").json()
    assert status["last_good"] == backup.name and not status["stale"]

    assert run_cli("log", "add", "1", "after the backup").code == 0
    refused = run_cli("restore", str(backup))
    _error_line(refused, 1, "--force")
    assert "incident 1: database newer" in refused.out  # what it holds and how it differs
    dry = run_cli("--json", "restore", "--dry-run", str(backup)).json()
    assert dry["loses_data"] and dry["missing_entries"] == 1
    restored = run_cli("--json", "restore", "--force", str(backup))
    assert restored.code == 0, restored.err
    assert Path(restored.json()["kept"]).is_file()
    listing = run_cli("--json", "log", "list", "1").json()
    assert [e["text"] for e in listing][-1] == "rolled back the deploy"


def test_restore_refuses_a_damaged_file(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("incident", "open", "Outage", "--severity", "3").code == 0
    backup = Path(run_cli("--json", "backup", "--to", str(tmp_path / "b")).json()["path"])
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(backup.read_bytes()[:8192] + b"\x00" * 4096)
    _error_line(run_cli("restore", "--force", str(damaged)), 1, "fails verification")
    _error_line(run_cli("restore", str(tmp_path / "nothing.db")), 1, "is not a file")


@pytest.mark.sqlite_only
def test_backup_killed_midway_leaves_nothing_counted_as_good(
    run_cli: RunCli, cli_env: dict[str, str], db_path: Path, tmp_path: Path
) -> None:
    db = open_database(f"sqlite:///{db_path}")
    incident = build_services(db).incidents.open("Big incident", 2, "lead")
    seed_entries(db, incident.id, 40_000, start=datetime(2026, 1, 1, tzinfo=UTC))
    db.dispose()
    folder = tmp_path / "stick"
    assert run_cli("backup", "--configure", str(folder)).code == 0
    process = subprocess.Popen(
        [sys.executable, "-m", "warroom", "backup"],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    partial: list[Path] = []
    while not partial and time.monotonic() < deadline and process.poll() is None:
        partial = list(folder.glob(".*.partial"))
        time.sleep(0.002)
    assert partial, "the backup finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []
    status = run_cli("--json", "backup", "--status").json()
    assert status["last_good"] is None and status["stale"]
    again = run_cli("--json", "backup")
    assert again.code == 0, again.err
    assert again.json()["entries"] == 40_001
    assert sorted(p.name for p in folder.iterdir()) == [Path(again.json()["path"]).name]


def test_sync_watch_backs_up_on_schedule_and_when_an_incident_closes(
    run_cli: RunCli, cli_env: dict[str, str], tmp_path: Path
) -> None:
    assert run_cli("incident", "open", "Outage", "--severity", "3").code == 0
    folder = tmp_path / "stick"
    assert run_cli("backup", "--configure", str(folder), "--every", "60").code == 0
    watcher = subprocess.Popen(
        [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.2"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = _wait_for_backups(folder, 1)
        closed = run_cli("incident", "close", "1")
        assert closed.code == 0, closed.err
        names = _wait_for_backups(folder, 2)
    finally:
        watcher.send_signal(signal.SIGTERM)
        out, err = watcher.communicate(timeout=60)
    assert watcher.returncode == 0, err
    assert first[0] in names
    assert out.count("backup written:") == 2
    latest = run_cli("--json", "restore", "--dry-run", str(folder / max(names))).json()
    assert [i["relation"] for i in latest["incidents"]] == ["same"]


def _wait_for_backups(folder: Path, count: int, timeout: float = 60) -> list[str]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if folder.is_dir():
            names = sorted(p.name for p in folder.iterdir() if p.suffix == ".db")
            if len(names) >= count and not any(folder.glob(".*.partial")):
                return names
        time.sleep(0.05)
    raise AssertionError(f"fewer than {count} backups in {folder}: {os.listdir(folder)}")


def test_backup_json_lists_every_chain_head(run_cli: RunCli, tmp_path: Path) -> None:
    for title in ("One", "Two"):
        assert run_cli("incident", "open", title, "--severity", "3").code == 0
    data = json.loads(run_cli("--json", "backup", "--to", str(tmp_path / "b")).out)
    heads = run_cli("--json", "incident", "list").json()
    assert {(h["incident_id"], h["head_hash"]) for h in data["heads"]} == {
        (i["id"], i["head_hash"]) for i in heads
    }


@pytest.mark.postgres
def test_init_on_a_team_server(run_cli: RunCli, pg_url: str) -> None:
    _error_line(run_cli("--db", pg_url, "init", "--encrypt"), 1, "embedded SQLite file")
    created = run_cli("--db", pg_url, "--json", "init")
    assert created.code == 0, created.err
    assert created.json()["encrypted"] is False
    _error_line(run_cli("--db", pg_url, "init"), 1, "already holds a database")
    assert run_cli("--db", pg_url, "incident", "list").code == 0
