"""Opening real SQLite files: create, reopen, migrate, and refuse what is not ours."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from warroom.domain.errors import StorageError
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.filesystems import network_filesystem_warning
from warroom.storage.schema import HEAD, KNOWN_REVISIONS


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_created_with_pragmas_and_default_channels(
    db_url: str, db_path: Path
) -> None:
    db = open_database(db_url)
    with db.reading() as session:
        assert session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert session.execute(text("PRAGMA synchronous")).scalar() == 2  # FULL
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    names = [(c.name, c.kind.value, c.configured) for c in build_services(db).channels.all()]
    assert names == [
        ("bluesky", "bluesky", False),
        ("email", "email", False),
        ("mastodon", "mastodon", False),
        ("webhook", "webhook", False),
    ]
    db.dispose()
    assert db_path.exists()


@pytest.mark.both_databases
def test_reopen_keeps_data(db_url: str) -> None:
    db = open_database(db_url)
    incident = build_services(db).incidents.open("Outage", 2, "alice")
    db.dispose()
    again = open_database(db_url)
    assert build_services(again).incidents.get(incident.id).title == "Outage"
    again.dispose()


def test_default_location_is_the_user_data_dir(isolated_environment: Path) -> None:
    db = open_database(None)
    assert db.location == str(isolated_environment / "warroom.db")
    db.dispose()


def test_migrates_an_older_schema_and_keeps_its_data(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    upgrade_to(engine, KNOWN_REVISIONS[0])
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (title, severity, state, began_at, aware_at, declared_at, "
                "created_by, regulator_deadline_label, entry_count, head_hash, version) VALUES "
                "('Old one', 3, 'open', '2026-01-01 00:00:00', '2026-01-01 00:00:00', "
                "'2026-01-01 00:00:00', 'bob', '', 0, :genesis, 1)"
            ),
            {"genesis": "0" * 64},
        )
        assert "lessons_learned" not in {
            row[1] for row in connection.execute(text("PRAGMA table_info(incidents)"))
        }
    engine.dispose()
    db = open_database(db_url)
    services = build_services(db)
    old = services.incidents.all()[0]
    assert old.title == "Old one" and old.lessons_learned == ""
    services.timeline.add(old.id, "logged after the upgrade", "bob")
    assert services.timeline.verify(old.id).ok
    with db.reading() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    db.dispose()


@pytest.mark.both_databases
def test_upgrade_from_0004_keeps_the_checklist_and_flags_no_item(db_url: str) -> None:
    """Items made before 0005 keep their ticks; none of them stops the regulator clock."""
    from sqlalchemy import inspect

    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    upgrade_to(engine, "0004_people")
    zone = "+00" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_minutes, regulator_deadline_label, "
                "entry_count, head_hash, version) VALUES (1, 'Old leak', 2, 'open', :t, :t, :t, "
                "'bob', 4320, 'GDPR Art. 33', 0, :genesis, 1)"
            ),
            {"t": f"2026-01-01 00:00:00{zone}", "genesis": "0" * 64},
        )
        connection.execute(
            text(
                "INSERT INTO checklist_items (incident_id, phase, position, text, owner_role, "
                "done_by, done_at) VALUES (1, 'ongoing', 1, 'Notify the authority', 'approver', "
                "'dpo', :done), (1, 'after', 2, 'Review', 'lead', NULL, NULL)"
            ),
            {"done": f"2026-01-02 06:00:00{zone}"},
        )
    columns = {c["name"] for c in inspect(engine).get_columns("checklist_items")}
    assert "stops_regulator_clock" not in columns
    engine.dispose()
    db = open_database(db_url)
    services = build_services(db)
    items = services.checklist.items(1)
    assert [(i.text, i.done_by, i.stops_regulator_clock) for i in items] == [
        ("Notify the authority", "dpo", False),
        ("Review", None, False),
    ]
    assert items[0].done_at is not None and items[0].done_at.hour == 6
    regulator = services.incidents.regulator(1)
    assert regulator.notified_at is None and regulator.label == "GDPR Art. 33"
    with db.transaction() as session:  # a row written without the column defaults to false
        session.execute(
            text(
                "INSERT INTO checklist_items (incident_id, phase, position, text, owner_role) "
                "VALUES (1, 'after', 3, 'Written by hand', 'lead')"
            )
        )
    assert not services.checklist.items(1)[2].stops_regulator_clock
    with db.reading() as session:
        assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    db.dispose()


def test_newer_schema_is_refused_and_left_unchanged(db_url: str, db_path: Path) -> None:
    open_database(db_url).dispose()
    with sqlite3.connect(db_path) as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0099_from_the_future'")
    connection.close()
    before = digest(db_path)
    with pytest.raises(StorageError, match="newer version of War Room"):
        open_database(db_url)
    assert digest(db_path) == before


def test_foreign_sqlite_file_is_refused_and_left_byte_for_byte(tmp_path: Path) -> None:
    folder = tmp_path / "foreign"
    folder.mkdir()
    path = folder / "photos.sqlite"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO photos (name) VALUES ('beach.jpg')")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(StorageError, match="not a War Room database"):
        open_database(f"sqlite:///{path}")
    assert digest(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["photos.sqlite"]  # no -wal, no -shm


@pytest.mark.parametrize(
    "content",
    [b"This is a spreadsheet, honest.\n" * 100, b"SQLite format 3\x00" + b"\xff" * 4000],
    ids=["text-file", "damaged-header"],
)
def test_non_database_or_damaged_file_is_refused_and_untouched(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "incident.db"
    path.write_bytes(content)
    with pytest.raises(StorageError, match=r"not a War Room database or is damaged|cannot open"):
        open_database(f"sqlite:///{path}")
    assert path.read_bytes() == content


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="does not exist"):
        open_database(f"sqlite:///{tmp_path / 'nowhere' / 'x.db'}")


@pytest.mark.both_databases
def test_models_match_the_migrated_schema(db_url: str) -> None:
    """A model change without a migration (or the reverse) fails here."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from warroom.storage.models import Base, is_mapped_table

    def mapped(name: str | None, kind: str, parents: object) -> bool:
        return kind != "table" or is_mapped_table(name)

    db = open_database(db_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"include_name": mapped})
        differences = compare_metadata(context, Base.metadata)
    db.dispose()
    assert differences == []


def test_known_revisions_match_the_migration_scripts() -> None:
    from alembic.script import ScriptDirectory

    from warroom.storage.migrate import MIGRATIONS_DIR

    scripts = ScriptDirectory(str(MIGRATIONS_DIR))
    chain = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert tuple(chain) == KNOWN_REVISIONS
    assert scripts.get_current_head() == HEAD


def test_network_filesystem_warning(tmp_path: Path) -> None:
    mounts = tmp_path / "mounts"
    mounts.write_text(f"/dev/vda / ext4 rw 0 0\nserver:/share {tmp_path / 'share'} nfs4 rw 0 0\n")
    (tmp_path / "share").mkdir()
    assert network_filesystem_warning(tmp_path / "local", mounts) is None
    warning = network_filesystem_warning(tmp_path / "share", mounts)
    assert warning is not None and "network filesystem (nfs4)" in warning
