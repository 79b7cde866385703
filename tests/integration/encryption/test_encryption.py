"""Encryption at rest with SQLCipher: nothing readable in the file, its WAL or a backup;
the key only in the keychain; clear messages without it; conversions that lose nothing."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import REPO_ROOT
from tests.support.bulk_timeline import seed_entries
from warroom.domain.errors import StorageError
from warroom.services import build_services
from warroom.services.encryption import decrypt_database, encrypt_database, init_database
from warroom.storage import sqlcipher
from warroom.storage.database import open_database
from warroom.storage.secrets import SecretStore

RunCli = Any
pytestmark = pytest.mark.sqlite_only

KNOWN = "Payroll export of 4,812 employees reached mallory@example.net"
HEADER = b"SQLite format 3\x00"


def _keyring(path: str) -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = json.loads(Path(path).read_text(encoding="utf-8"))
    return data


def _error_line(result: Any, fragment: str) -> str:
    assert result.code == 1, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert fragment in lines[0], lines[0]
    return lines[0]


def test_init_encrypt_keeps_no_readable_byte_in_the_file_its_wal_or_a_backup(
    db_path: Path, tmp_path: Path
) -> None:
    init_database(str(db_path), encrypt=True).dispose()
    assert db_path.read_bytes()[:16] != HEADER
    salt = db_path.read_bytes()[:16].hex()
    keyring = _keyring(os.environ["WARROOM_TEST_KEYRING"])
    assert len(keyring["warroom"][f"database-key:{salt}"]) == 64  # only in the keychain
    db = open_database(str(db_path))
    try:
        services = build_services(db)
        incident = services.incidents.open("Breach at payroll", 1, "lead")
        services.timeline.add(incident.id, KNOWN, "lead")
        wal = db_path.with_name(db_path.name + "-wal")
        assert wal.stat().st_size > 0  # the entry is in the WAL, not yet in the file
        backup = services.backups.backup(tmp_path / "stick")
        assert backup.check.encrypted and backup.check.ok
        for path in (db_path, wal, backup.path):
            data = path.read_bytes()
            assert KNOWN.encode() not in data and b"mallory" not in data, path
            assert not data.startswith(HEADER), path
        assert backup.path.read_bytes()[:16].hex() == salt  # same key: same keychain entry
        assert services.timeline.verify(incident.id).ok
    finally:
        db.dispose()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(backup.path).execute("SELECT * FROM incidents").fetchall()


def test_init_refuses_an_existing_database(run_cli: RunCli, db_path: Path) -> None:
    assert run_cli("init", "--encrypt").code == 0
    before = db_path.read_bytes()
    _error_line(run_cli("init"), "already holds a War Room database")
    _error_line(run_cli("init", "--encrypt"), "already holds a database")
    assert db_path.read_bytes() == before


def test_missing_and_wrong_key_each_give_one_clear_line(run_cli: RunCli, db_path: Path) -> None:
    assert run_cli("init", "--encrypt").code == 0
    assert run_cli("incident", "open", "Breach", "--severity", "1").code == 0
    salt = db_path.read_bytes()[:16].hex()
    keyring_path = Path(os.environ["WARROOM_TEST_KEYRING"])
    stored = json.loads(keyring_path.read_text(encoding="utf-8"))
    key = stored["warroom"][f"database-key:{salt}"]
    before = db_path.read_bytes()

    stored["warroom"][f"database-key:{salt}"] = "ab" * 32
    keyring_path.write_text(json.dumps(stored), encoding="utf-8")
    line = _error_line(run_cli("incident", "list"), "wrong key")
    assert "not a database" not in line

    del stored["warroom"][f"database-key:{salt}"]
    keyring_path.write_text(json.dumps(stored), encoding="utf-8")
    line = _error_line(run_cli("incident", "list"), f"account 'database-key:{salt}'")
    assert "keychain" in line and "not a database" not in line

    no_keychain = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    line = _error_line(run_cli("incident", "list", env=no_keychain), "no usable keychain")
    assert f"database-key:{salt}" in line
    assert db_path.read_bytes() == before  # nothing was touched

    stored["warroom"][f"database-key:{salt}"] = key
    keyring_path.write_text(json.dumps(stored), encoding="utf-8")
    assert run_cli("incident", "list").code == 0


def test_encrypt_and_decrypt_commands_round_trip_and_overwrite_the_clear_file(
    run_cli: RunCli, db_path: Path
) -> None:
    assert run_cli("incident", "open", "Breach", "--severity", "1").code == 0
    assert run_cli("log", "add", "1", KNOWN).code == 0
    with db_path.open("rb") as old_file:  # what stays on the disk blocks of the clear file
        encrypted = run_cli("--json", "encrypt")
        assert encrypted.code == 0, encrypted.err
        old_bytes = old_file.read()
    assert set(old_bytes) == {0}  # overwritten before it was released
    assert encrypted.json()["encrypted"] and encrypted.json()["entries"] == 2
    assert "key_hex" not in encrypted.out and len(encrypted.out) < 1000
    data = db_path.read_bytes()
    assert not data.startswith(HEADER) and KNOWN.encode() not in data
    assert sorted(p.name for p in db_path.parent.iterdir() if p.name.startswith(".")) == []
    assert run_cli("verify", "--json", "1").json()["ok"]
    _error_line(run_cli("encrypt"), "already encrypted")

    decrypted = run_cli("--json", "decrypt")
    assert decrypted.code == 0, decrypted.err
    assert db_path.read_bytes().startswith(HEADER)
    listing = run_cli("--json", "log", "list", "1").json()
    assert listing[-1]["text"] == KNOWN
    assert run_cli("verify", "--json", "1").json()["ok"]
    _error_line(run_cli("decrypt"), "is not encrypted")


def test_encrypt_refuses_while_another_program_has_the_database_open(db_path: Path) -> None:
    db = open_database(str(db_path))
    build_services(db).incidents.open("Breach", 1, "lead")
    db.dispose()
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from warroom.storage.database import open_database; "
            "db = open_database(sys.argv[1]); db.engine.connect().exec_driver_sql('SELECT 1'); "
            "print('open', flush=True); time.sleep(60)",
            str(db_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        before = db_path.read_bytes()
        started = time.monotonic()
        with pytest.raises(StorageError, match="in use by another program"):
            encrypt_database(str(db_path))
        assert time.monotonic() - started < 30
        assert db_path.read_bytes() == before
        assert not any(p.name.startswith(".") for p in db_path.parent.iterdir())
    finally:
        holder.kill()
        holder.communicate()
    # The key made for the refused conversion was taken back out of the keychain.
    keys = _keyring(os.environ["WARROOM_TEST_KEYRING"]).get("warroom", {})
    assert not [name for name in keys if name.startswith("database-key:")]


def test_restore_of_an_encrypted_backup_into_the_encrypted_database(
    db_path: Path, tmp_path: Path
) -> None:
    init_database(str(db_path), encrypt=True).dispose()
    db = open_database(str(db_path))
    try:
        services = build_services(db)
        incident = services.incidents.open("Breach", 1, "lead")
        backup = services.backups.backup(tmp_path / "stick").path
        services.timeline.add(incident.id, KNOWN, "lead")
        result = services.restore.restore(backup, force=True)
        assert services.incidents.get(incident.id).entry_count == 1
        assert result.kept.read_bytes()[:16] == db_path.read_bytes()[:16]  # kept encrypted
        assert KNOWN.encode() not in result.kept.read_bytes()
    finally:
        db.dispose()


@pytest.mark.slow
def test_round_trip_of_a_100000_entry_database_keeps_the_chain(db_path: Path) -> None:
    db = open_database(str(db_path))
    incident = build_services(db).incidents.open("Long incident", 2, "lead")
    seed_entries(db, incident.id, 100_000, start=datetime(2026, 1, 1, tzinfo=UTC))
    head = build_services(db).incidents.get(incident.id).head_hash
    db.dispose()

    result = encrypt_database(str(db_path))
    assert (result.incidents, result.entries) == (1, 100_001)
    data = db_path.read_bytes()
    assert not data.startswith(HEADER)
    assert b"status check of payment gateway" not in data
    assert sqlcipher.key_for(db_path) is not None
    db = open_database(str(db_path))  # the conversion verified every link; the head is kept
    assert build_services(db).incidents.get(incident.id).head_hash == head
    db.dispose()

    decrypt_database(str(db_path))
    assert db_path.read_bytes().startswith(HEADER)
    db = open_database(str(db_path))
    report = build_services(db).timeline.verify(incident.id)
    assert report.ok and report.entry_count == 100_001 and report.head_hash == head
    db.dispose()


def test_the_key_is_never_written_outside_the_keychain(db_path: Path, tmp_path: Path) -> None:
    init_database(str(db_path), encrypt=True).dispose()
    salt = db_path.read_bytes()[:16].hex()
    key = SecretStore().get_database_key(f"database-key:{salt}")
    assert key
    for folder in (db_path.parent, Path(os.environ["WARROOM_DATA_DIR"])):
        for path in folder.rglob("*"):
            if path.is_file() and path.name != Path(os.environ["WARROOM_TEST_KEYRING"]).name:
                assert key.encode() not in path.read_bytes(), path


def test_a_backup_in_a_long_running_process_keeps_its_locks(tmp_path: Path) -> None:
    """Reading the file's header by hand must not drop the process's SQLite locks.

    Closing any descriptor of a file drops every POSIX lock the process holds on it: another
    process closing its connection then thinks it is the last one and deletes the -wal, and
    the window (or ``sync --watch``) stops writing because its -wal was "replaced".
    """
    from warroom.storage import snapshots

    path = tmp_path / "live.db"
    db = open_database(f"sqlite:///{path}")
    db.guard_file()
    services = build_services(db)
    incident = services.incidents.open("Outage", 3, "dana")
    snapshots.copy_sqlite_file(path, tmp_path / "copy.db")  # what a scheduled backup does
    wal = os.stat(f"{path}-wal").st_ino
    other = (
        "import sys; from warroom.services import build_services; "
        "from warroom.storage.database import open_database; "
        f"s = build_services(open_database({'sqlite:///' + str(path)!r})); "
        f"s.timeline.add({incident.id}, 'from another process', 'priya'); s.db.dispose()"
    )
    subprocess.run(
        [sys.executable, "-c", other],
        check=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
    )
    assert os.stat(f"{path}-wal").st_ino == wal
    services.timeline.add(incident.id, "still writing", "dana")  # not refused as replaced
    db.dispose()
