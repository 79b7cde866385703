"""Backups of real databases: consistent under writers, verified, named, rotated, scheduled.

Runs on SQLite and on the PostgreSQL server the fixture starts (team mode writes the same
SQLite backup format through one REPEATABLE READ transaction).
"""

from __future__ import annotations

import itertools
import os
import socket
import sqlite3
import threading
from pathlib import Path

import pytest

from tests.conftest import SteppingClock
from warroom.domain.backups import parse_backup_name
from warroom.domain.errors import StorageError, ValidationError
from warroom.services import Services, build_services
from warroom.services.snapshot_check import check_file
from warroom.storage import snapshots
from warroom.storage.database import open_database

pytestmark = pytest.mark.both_databases

WRITERS = 3


def test_backup_is_verified_and_named_with_time_and_chain_heads(
    services: Services, tmp_path: Path
) -> None:
    first = services.incidents.open("Payment outage", 2, "lead")
    services.incidents.open("Data breach", 1, "lead")
    for n in range(5):
        services.timeline.add(first.id, f"note {n}", "lead")
    result = services.backups.backup(tmp_path / "backups")
    assert result.check.ok and not result.reused
    heads = {(h.incident_id, h.entry_count, h.head_hash) for h in result.check.heads}
    live = {(i.id, i.entry_count, i.head_hash) for i in services.incidents.all()}
    assert heads == live
    parsed = parse_backup_name(services.backups.prefix, result.path.name)
    assert parsed is not None
    assert parsed.taken_at == services.incidents.now().replace(microsecond=0)
    assert (parsed.incidents, parsed.entries) == (2, sum(count for _, count, _ in live))
    # One self-contained SQLite file, whatever the database: no -wal or -shm beside it.
    assert sorted(p.name for p in result.path.parent.iterdir()) == [result.path.name]
    with sqlite3.connect(result.path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert check_file(result.path).ok


def test_backup_while_three_writers_append_holds_a_consistent_prefix_of_each_chain(
    services: Services, db_url: str, clock: SteppingClock, tmp_path: Path
) -> None:
    incidents = [services.incidents.open(f"Incident {n}", 2, "lead") for n in range(WRITERS)]
    stop = threading.Event()
    errors: list[BaseException] = []

    def write(incident_id: int) -> None:
        db = open_database(db_url)
        writer = build_services(db, clock=clock)
        try:
            n = 0
            while not stop.is_set() and n < 2000:
                writer.timeline.add(incident_id, f"writer note {n}", "writer")
                n += 1
        except BaseException as error:  # reported below: a thread must not fail silently
            errors.append(error)
        finally:
            db.dispose()

    threads = [threading.Thread(target=write, args=(i.id,)) for i in incidents]
    for thread in threads:
        thread.start()
    results = []
    try:
        for _n in range(4):
            clock.advance(minutes=1)
            results.append(services.backups.backup(tmp_path / "backups", keep_last=100))
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=120)
    assert not errors
    final = {i.id: i for i in services.incidents.all()}
    for result in results:
        assert result.check.ok
        for head in result.check.heads:
            # The backup's chain is exactly the live chain up to some entry: a prefix.
            assert snapshots.hash_at(services.db, head.incident_id, head.entry_count) == (
                head.head_hash
            )
            assert head.entry_count <= final[head.incident_id].entry_count
    counts = [sum(h.entry_count for h in r.check.heads) for r in results]
    grew = sum(1 for a, b in itertools.pairwise(counts) if b > a)
    assert grew >= 1, counts  # the writers really wrote during the backups


def test_rotation_keeps_the_last_n(
    services: Services, clock: SteppingClock, tmp_path: Path
) -> None:
    incident = services.incidents.open("Outage", 3, "lead")
    folder = tmp_path / "backups"
    written = []
    for n in range(6):
        services.timeline.add(incident.id, f"note {n}", "lead")
        clock.advance(minutes=10)
        written.append(services.backups.backup(folder, keep_last=3))
    remaining = sorted(p.name for p in folder.iterdir())
    assert remaining == sorted(r.path.name for r in written[-3:])
    assert written[-1].removed == (written[2].path.name,)


def test_a_second_backup_of_the_same_moment_reuses_the_first(
    services: Services, tmp_path: Path
) -> None:
    services.incidents.open("Outage", 3, "lead")
    first = services.backups.backup(tmp_path / "b")
    again = services.backups.backup(tmp_path / "b")
    assert again.reused and again.path == first.path
    assert [p.name for p in (tmp_path / "b").iterdir()] == [first.path.name]


def test_unfinished_backups_of_dead_processes_are_removed_and_never_counted(
    services: Services, tmp_path: Path
) -> None:
    services.incidents.open("Outage", 3, "lead")
    prefix = services.backups.prefix
    host = socket.gethostname().replace(".", "-")
    folder = tmp_path / "b"
    folder.mkdir()
    dead = folder / f".{prefix}-20261123T085000Z.{host}-{2**22 + 17}.partial"
    alive = folder / f".{prefix}-20261123T085000Z.{host}-{os.getppid()}.partial"
    dead.write_bytes(b"half a backup")
    dead_journal = dead.with_name(dead.name + "-journal")
    dead_journal.write_bytes(b"its rollback journal")
    alive.write_bytes(b"another process is writing this one")
    services.backups.configure(str(folder))
    assert services.backups.status().last_good is None  # a partial is not a backup
    services.backups.backup()
    assert not dead.exists() and not dead_journal.exists()
    assert alive.exists()


def test_configured_folder_schedule_and_status(
    services: Services, clock: SteppingClock, tmp_path: Path
) -> None:
    backups = services.backups
    assert not backups.status().configured and not backups.status().stale
    with pytest.raises(ValidationError, match="no backup folder"):
        backups.backup()
    folder = tmp_path / "stick"
    backups.configure(str(folder), every_minutes=10)
    status = backups.scheduled()
    assert status.last_good is not None and not status.stale
    first = status.last_good
    clock.advance(minutes=5)
    assert backups.scheduled().last_good == first  # not due yet
    clock.advance(minutes=5)
    services.incidents.open("New", 3, "lead")
    assert backups.scheduled().last_good != first  # due: a new one
    clock.advance(minutes=25)
    assert backups.status().stale  # older than twice the interval
    assert backups.status().describe() == "Backup: 25 min ago"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()  # the USB stick was pulled out
    status = backups.scheduled()
    assert status.stale and status.describe() == "Backup: folder missing"
    with pytest.raises(StorageError, match="is missing"):
        backups.backup()
    assert not folder.exists()  # never created on the local disk in its place


def test_closing_an_incident_triggers_a_backup(services: Services, tmp_path: Path) -> None:
    incident = services.incidents.open("Outage", 3, "lead")
    backups = services.backups
    backups.configure(str(tmp_path / "b"), every_minutes=60)
    stop = threading.Event()
    seen: list[bool] = []

    def on_status(_status: object, backed_up: bool) -> None:
        seen.append(backed_up)

    watcher = threading.Thread(
        target=backups.watch, args=(stop,), kwargs={"check_seconds": 0.05, "on_status": on_status}
    )
    watcher.start()
    try:
        _wait_until(lambda: len(seen) >= 2)
        assert seen[0] is True  # the first backup was due at once
        assert not any(seen[1:])  # then none: within the hour, nothing closed
        count = len(seen)
        services.incidents.close(incident.id, "lead", anyway="wrapping up the test")
        _wait_until(lambda: any(seen[count:]))
    finally:
        stop.set()
        watcher.join(timeout=30)
    last = backups.status().last_good
    assert last is not None
    closed = next(
        h for h in check_file(tmp_path / "b" / last.name).heads if h.incident_id == incident.id
    )
    assert closed.entry_count == services.incidents.get(incident.id).entry_count


def _wait_until(condition: object, timeout: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)
