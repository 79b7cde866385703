"""Restoring backups: refuse what fails or would lose entries, keep the current data, replace.

Runs on SQLite and PostgreSQL; a team server's backup restores into a SQLite file (an
offline copy) and into a new, empty server database.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.conftest import SteppingClock
from tests.support.tamper import tamper
from warroom.domain.backups import Relation
from warroom.domain.changes import Area
from warroom.domain.errors import RuleViolation
from warroom.services import Services, build_services
from warroom.storage.database import open_database

pytestmark = pytest.mark.both_databases


def _seed(services: Services, entries: int = 4) -> int:
    incident = services.incidents.open("Payment outage", 2, "lead")
    for n in range(entries):
        services.timeline.add(incident.id, f"note {n}", "lead")
    draft = services.statements.draft(
        incident.id, ["email"], "We are on it.", "lead", subject="Outage"
    )
    services.statements.submit(draft.id, "lead")
    return incident.id


def _chains(services: Services) -> list[tuple[int, int, str]]:
    return [(i.id, i.entry_count, i.head_hash) for i in services.incidents.all()]


def test_restore_refuses_a_tampered_backup_and_changes_nothing(
    services: Services, tmp_path: Path
) -> None:
    incident_id = _seed(services)
    backup = services.backups.backup(tmp_path / "b").path
    # As a determined editor would: the file's own guards dropped first.
    tamper(
        f"sqlite:///{backup}", "UPDATE timeline_entries SET text = 'nothing happened' WHERE seq = 2"
    )
    services.timeline.add(incident_id, "after the backup", "lead")
    before = _chains(services)
    with pytest.raises(RuleViolation, match=r"fails verification.*altered.*nothing was restored"):
        services.restore.restore(backup, force=True)
    assert _chains(services) == before
    assert services.timeline.verify(incident_id).ok


def test_restore_refuses_an_older_backup_without_force_then_keeps_the_current_data(
    services: Services, clock: SteppingClock, tmp_path: Path
) -> None:
    incident_id = _seed(services)
    backup = services.backups.backup(tmp_path / "b").path
    backed_up = _chains(services)
    clock.advance(minutes=5)
    services.timeline.add(incident_id, "a decision after the backup", "lead")
    newer = _chains(services)

    plan = services.restore.plan(backup)
    assert [c.relation for c in plan.comparisons] == [Relation.DATABASE_NEWER]
    assert plan.loses_data and plan.missing_entries == 1
    assert any("1 entry" in line for line in plan.describe())
    with pytest.raises(RuleViolation, match=r"newer than .*--force"):
        services.restore.restore(backup)
    assert _chains(services) == newer

    result = services.restore.restore(backup, force=True)
    assert _chains(services) == backed_up
    assert services.timeline.verify(incident_id).ok
    assert result.rows["timeline_entries"] == backed_up[0][1]
    # The data replaced is kept beside the database, verified and complete.
    kept = open_database(f"sqlite:///{result.kept}")
    try:
        assert _chains(build_services(kept)) == newer
    finally:
        kept.dispose()


def test_restore_of_a_newer_backup_needs_no_force_and_writing_goes_on(
    services: Services, db_url: str, clock: SteppingClock, tmp_path: Path
) -> None:
    incident_id = _seed(services, entries=2)
    early = services.backups.backup(tmp_path / "b").path
    services.timeline.add(incident_id, "later", "lead")
    clock.advance(minutes=1)
    late = services.backups.backup(tmp_path / "b").path
    at_late = _chains(services)
    services.restore.restore(early, force=True)
    assert services.restore.plan(late).comparisons[0].relation is Relation.BACKUP_NEWER
    services.restore.restore(late)
    assert _chains(services) == at_late
    # Ids and sequences continue after the restored rows (PostgreSQL sequences too).
    services.timeline.add(incident_id, "after the restore", "lead")
    other = services.incidents.open("Second", 3, "lead")
    assert other.id == incident_id + 1
    assert services.timeline.verify(incident_id).ok
    assert services.export.verify_incident(incident_id).ok


def test_a_window_on_the_same_database_sees_the_restored_data(
    services: Services, db_url: str, clock: SteppingClock, tmp_path: Path
) -> None:
    incident_id = _seed(services)
    backup = services.backups.backup(tmp_path / "b").path
    backed_up = _chains(services)
    services.timeline.add(incident_id, "later", "lead")
    other_db = open_database(db_url)
    other = build_services(other_db, clock=clock)
    try:
        seen = other.changes.latest()
        services.restore.restore(backup, force=True)
        _newest, changed = other.changes.since(seen)
        assert changed.areas == frozenset(Area)  # its poller refreshes every pane
        assert _chains(other) == backed_up
    finally:
        other_db.dispose()


@pytest.mark.parametrize("target", ["sqlite file", "new server"])
def test_backup_restores_into_an_offline_file_or_a_new_server(
    services: Services,
    clock: SteppingClock,
    tmp_path: Path,
    target: str,
    request: pytest.FixtureRequest,
) -> None:
    incident_id = _seed(services)
    backup = services.backups.backup(tmp_path / "b").path
    if target == "sqlite file":
        url = f"sqlite:///{tmp_path / 'offline.db'}"
    else:
        server = request.getfixturevalue("postgres_server")
        url = server.create_database()
    db = open_database(url)
    copy = build_services(db, clock=clock)
    try:
        assert copy.restore.plan(backup).comparisons[0].relation is Relation.ONLY_IN_BACKUP
        copy.restore.restore(backup)
        assert _chains(copy) == _chains(services)
        assert copy.export.verify_incident(incident_id).ok
        assert [s.text for s in copy.statements.for_incident(incident_id)] == ["We are on it."]
        copy.timeline.add(incident_id, "written on the copy", "lead")
        assert copy.timeline.verify(incident_id).ok
    finally:
        db.dispose()


@pytest.mark.sqlite_only
def test_a_backup_from_an_older_war_room_is_verified_and_restored_unchanged(
    services: Services, clock: SteppingClock, tmp_path: Path
) -> None:
    import hashlib

    from alembic import command
    from sqlalchemy import create_engine

    from warroom.storage.migrate import alembic_config
    from warroom.storage.schema import KNOWN_REVISIONS

    older = tmp_path / "older.db"
    db = open_database(f"sqlite:///{older}")
    incident_id = _seed(build_services(db, clock=clock))
    expected = _chains(build_services(db, clock=clock))
    db.dispose()
    engine = create_engine(f"sqlite:///{older}")
    command.downgrade(alembic_config(engine), KNOWN_REVISIONS[-2])
    engine.dispose()
    with sqlite3.connect(older) as raw:
        raw.execute("PRAGMA journal_mode=DELETE")
    before = hashlib.sha256(older.read_bytes()).hexdigest()

    plan = services.restore.plan(older)
    assert plan.check.ok and plan.check.revision == KNOWN_REVISIONS[-2]
    services.restore.restore(older)
    assert _chains(services) == expected
    assert services.timeline.verify(incident_id).ok
    assert hashlib.sha256(older.read_bytes()).hexdigest() == before  # read, never changed
