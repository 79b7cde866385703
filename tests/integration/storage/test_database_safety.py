"""Data that must never be lost: where a database may live, and noticing when it is swapped.

- A database that would not survive the process (in-memory SQLite) is refused (exit 2).
- An empty file is not silently turned into a database, except by ``warroom init``.
- A long-running process whose database file (or -wal) is replaced or deleted stops
  writing and says so, instead of acknowledging writes that vanish.
- The database and its -wal/-shm are created readable by the owner only; a wider existing
  file gets a warning naming it.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.support.processes import wait_until_watching
from warroom.domain.errors import StorageError
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.file_identity import DatabaseReplacedError

RunCli = Any


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize(
    "url",
    [
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///file::memory:?cache=shared&uri=true",
        "sqlite:///file:scratch?mode=memory&uri=true",
    ],
)
def test_an_in_memory_database_is_refused_as_bad_usage(run_cli: RunCli, url: str) -> None:
    result = run_cli("--db", url, "incident", "open", "Outage", "--severity", "2")
    assert result.code == 2 and result.out == ""
    assert result.err == (
        f"error: --db {url!r} is an in-memory database, which is gone when War Room exits; "
        "give a file path instead (e.g. --db incident.db)\n"
    )


def test_an_empty_file_is_refused_until_init_makes_it_a_database(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "placeholder.db"
    path.touch()
    refused = run_cli("--db", str(path), "incident", "list")
    assert refused.code == 1 and refused.out == ""
    assert refused.err == (
        f"error: {path} is an empty file, not a War Room database; it was left unchanged "
        f"(to start a new database there, run: warroom init --db {path})\n"
    )
    assert path.stat().st_size == 0

    created = run_cli("--db", str(path), "init")
    assert created.code == 0, created.err
    assert created.out == f"created a new War Room database at {path}\n"
    assert run_cli("--db", str(path), "incident", "list").out == "no incidents\n"

    again = run_cli("--db", str(path), "init")
    assert again.code == 1 and again.err.count("\n") == 1
    assert again.err.startswith(f"error: {path} already holds a War Room database; it was left")


def test_init_creates_a_new_database_and_the_default_location_when_absent(
    run_cli: RunCli, tmp_path: Path, isolated_environment: Path
) -> None:
    fresh = tmp_path / "fresh.db"
    made = run_cli("--db", str(fresh), "init", "--json")
    assert made.code == 0
    assert made.json() == {"database": str(fresh), "created": True, "encrypted": False}
    # The default location is created when absent, but an empty file there is refused.
    env = {"WARROOM_DB": ""}
    assert run_cli("incident", "list", env=env).code == 0
    default = isolated_environment / "warroom.db"
    assert default.stat().st_size > 0
    default.write_bytes(b"")
    refused = run_cli("incident", "list", env=env)
    assert refused.code == 1 and "is an empty file, not a War Room database" in refused.err


def test_new_database_files_are_private_and_wider_ones_are_named(
    run_cli: RunCli, tmp_path: Path, isolated_environment: Path
) -> None:
    folder = tmp_path / "new-folder"
    folder.mkdir()
    path = folder / "room.db"
    db = open_database(f"sqlite:///{path}")
    build_services(db).incidents.open("Outage", 2, "alice")  # creates -wal and -shm
    try:
        for suffix in ("", "-wal", "-shm"):
            assert _mode(path.with_name(path.name + suffix)) == 0o600, suffix
    finally:
        db.dispose()
    default = open_database(None)
    default.dispose()
    assert _mode(isolated_environment / "warroom.db") == 0o600

    os.chmod(path, 0o644)
    warned = run_cli("--db", str(path), "incident", "list")
    assert warned.code == 0
    assert warned.err == (
        f"warning: the file {path} can be read by other users (mode 0644); make it private "
        f"with: chmod 600 {path}\n"
    )


def test_the_default_data_folder_is_created_private(run_cli: RunCli, tmp_path: Path) -> None:
    data = tmp_path / "fresh-data" / "warroom"
    result = run_cli("incident", "list", env={"WARROOM_DB": "", "WARROOM_DATA_DIR": str(data)})
    assert result.code == 0, result.err
    assert _mode(data) == 0o700 and _mode(data / "warroom.db") == 0o600
    assert _mode(data / "logs") == 0o700


def _replace_with_a_copy(path: Path) -> None:
    copy = path.with_name("copy.db")
    with sqlite3.connect(path) as source, sqlite3.connect(copy) as target:
        source.backup(target)
    source.close()
    target.close()
    os.replace(copy, path)


@pytest.mark.parametrize("change", ["replace the file", "delete the file", "delete the -wal"])
def test_a_long_running_process_stops_writing_when_its_file_is_swapped(
    db_path: Path, change: str
) -> None:
    db = open_database(f"sqlite:///{db_path}")
    services = build_services(db)
    incident = services.incidents.open("Outage", 2, "alice")
    db.guard_file()
    services.timeline.add(incident.id, "before", "alice")  # the guard lets it through
    wal = db_path.with_name(db_path.name + "-wal")
    assert wal.exists()
    if change == "replace the file":
        _replace_with_a_copy(db_path)
        expected = f"the database file {db_path} was replaced by another file"
    elif change == "delete the file":
        db_path.unlink()
        expected = f"the database file {db_path} was deleted"
    else:
        wal.unlink()
        expected = f"its write-ahead log {wal} was deleted"
    try:
        for _attempt in range(2):  # and it stays stopped
            with pytest.raises(DatabaseReplacedError) as caught:
                services.timeline.add(incident.id, "after", "alice")
            message = str(caught.value)
            assert message.startswith(expected + " while War Room had it open")
            assert "stopped writing" in message and "\n" not in message
        with pytest.raises(DatabaseReplacedError):
            services.changes.latest()  # the window's poll says so too
    finally:
        db.dispose()


def test_sync_watch_stops_with_one_line_when_its_file_is_replaced(
    cli_env: dict[str, str], run_cli: RunCli, db_path: Path
) -> None:
    assert run_cli("incident", "list").code == 0
    watcher = subprocess.Popen(
        [sys.executable, "-m", "warroom", "sync", "--watch", "--interval", "0.1"],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # The watch has opened and guarded the file (it takes SIGTERM over right after; the
        # -wal file plus 0.5 s was not always enough on a loaded machine).
        wait_until_watching(watcher)
        _replace_with_a_copy(db_path)
        out, err = watcher.communicate(timeout=60)
    finally:
        if watcher.poll() is None:
            watcher.kill()
            watcher.wait()
    assert watcher.returncode == 1, (out, err)
    assert err.count("\n") == 1 and "Traceback" not in err
    assert err.startswith(f"error: the database file {db_path} was replaced by another file")


def test_open_database_refuses_a_device_or_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.db"
    os.mkfifo(fifo)
    with pytest.raises(StorageError, match="is not a regular file"):
        open_database(f"sqlite:///{fifo}")
