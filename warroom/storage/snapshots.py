"""Consistent copies of a War Room database in one file, and reading such a copy.

A SQLite database is copied with SQLite's online backup API in one step: the copy is the
database as of one read transaction, and in WAL mode the window and the sync worker go on
writing meanwhile. An encrypted file is copied with the same key and salt, so the copy is
just as unreadable without the keychain. A team database (PostgreSQL) is copied row by row
inside one REPEATABLE READ, read-only transaction into a new SQLite file of the same schema,
so every backup has the same format and verifies the same way.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, create_engine, func, insert, select, text
from sqlalchemy.exc import DBAPIError

from warroom.domain.backups import GENESIS, ChainHead
from warroom.domain.changes import Area
from warroom.domain.errors import ConflictError, StorageError
from warroom.storage import history_guards, sqlcipher
from warroom.storage.database import Database, open_database
from warroom.storage.models import Base, ChangeFeedRow, IncidentRow, TimelineEntryRow

log = logging.getLogger(__name__)

BATCH = 5000


def fsync_file(path: Path) -> None:
    """Flush a file's bytes to disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def fsync_folder(folder: Path) -> None:
    """Flush a folder's entries (a rename into it) to disk, where the platform allows."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass  # some filesystems (network shares, Windows) cannot sync a folder
    finally:
        os.close(descriptor)


def copy_sqlite_file(source: Path, target: Path) -> None:
    """Copy the live SQLite file ``source`` to the new file ``target`` (online backup API).

    One backup step copies every page inside one read transaction: a consistent snapshot
    that never blocks writers in WAL mode. The copy is switched to a rollback journal so it
    is one self-contained file.
    """
    key = sqlcipher.key_for(source)
    reader = sqlcipher.connect(source, key)
    try:
        writer = sqlcipher.connect(target, key)
        try:
            reader.backup(writer)
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    finally:
        reader.close()
    fsync_file(target)


def copy_server_to_file(source: Database, target: Path) -> None:
    """Copy every War Room table of a team database into the new SQLite file ``target``.

    The rows are read in one REPEATABLE READ, read-only transaction: the copy is the
    database as of one moment, whatever the workstations write meanwhile.
    """
    created = open_database(f"sqlite:///{target}")
    try:
        options: dict[str, Any] = {"isolation_level": "REPEATABLE READ"}
        if source.engine.dialect.name == "postgresql":
            options["postgresql_readonly"] = True
        with (
            source.engine.connect().execution_options(**options) as reader,
            created.engine.begin() as writer,
        ):
            replace_rows(reader, writer)
            reader.rollback()
    finally:
        created.dispose()
    connection = sqlcipher.connect(target, None)
    try:
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    fsync_file(target)


def replace_rows(reader: Connection, writer: Connection) -> dict[str, int]:
    """Replace every row of War Room's tables on ``writer`` by those read from ``reader``.

    Runs inside the writer's transaction (all or nothing). Rows are inserted in primary key
    order, parents before children. The change counter ends above both sides' values so
    every open window notices; a server's id sequences continue after the copied ids.
    Returns the number of rows copied per table.
    """
    feed_before = writer.scalar(select(func.max(ChangeFeedRow.seq))) or 0
    with history_guards.lifted(writer):
        counts = _copy_rows(reader, writer)
    # Every open window must refresh everything: one room-wide feed row per area, numbered
    # past whatever either side's feed had reached (so no reader takes them for old news).
    first = max(feed_before, writer.scalar(select(func.max(ChangeFeedRow.seq))) or 0) + 1
    writer.execute(
        insert(ChangeFeedRow),
        [
            {"seq": first + n, "incident_id": None, "area": area.value}
            for n, area in enumerate(Area)
        ],
    )
    if writer.dialect.name == "postgresql":
        _continue_sequences(writer)
    return counts


def _copy_rows(reader: Connection, writer: Connection) -> dict[str, int]:
    """Empty every table on ``writer``, then copy ``reader``'s rows in, parents first."""
    tables = Base.metadata.sorted_tables
    if writer.dialect.name == "postgresql":
        # One TRUNCATE of every table: a DELETE would check each removed entry against the
        # unindexed corrects_id column, a scan per row (hours for 100,000 entries). CASCADE
        # empties the search indexes too (unmapped, kept by triggers on the inserts below).
        names = ", ".join(table.name for table in tables)
        writer.execute(text(f"TRUNCATE {names} CASCADE"))
    else:
        for table in reversed(tables):
            writer.execute(table.delete())
    counts: dict[str, int] = {}
    for table in tables:
        query = select(table).order_by(*table.primary_key.columns)
        result = reader.execution_options(yield_per=BATCH).execute(query)
        copied = 0
        for rows in result.partitions():
            writer.execute(insert(table), [dict(row._mapping) for row in rows])
            copied += len(rows)
        counts[table.name] = copied
    return counts


def _continue_sequences(writer: Connection) -> None:
    for table in Base.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or columns[0].name not in ("id", "seq"):
            continue
        key = columns[0].name
        writer.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, '{key}'), "
                f"COALESCE((SELECT MAX({key}) FROM {table.name}), 1), "
                f"(SELECT MAX({key}) IS NOT NULL FROM {table.name}))"
            ),
            {"table": table.name},
        )


@contextmanager
def opened_read_only(path: Path) -> Iterator[Database]:
    """Open a copy (a backup file) for reading only, with its key if it is encrypted.

    Nothing is written to the file or beside it: no WAL switch, no migration.
    """
    key = sqlcipher.key_for(path)
    if key is not None:
        sqlcipher.check_key(path, key)
    module: Any
    if key is None:
        import sqlite3 as module
    else:
        module = sqlcipher._sqlcipher()

    def creator() -> Any:
        return sqlcipher.connect(path, key, readonly=True)

    url = f"sqlite:///{path}"
    engine = create_engine(url, creator=creator, module=module)
    database = Database(engine=engine, url=url)
    try:
        yield database
    finally:
        database.dispose()


def integrity_problem(database: Database) -> str | None:
    """Return SQLite's first integrity or foreign key problem, or None when the file is sound."""
    with database.engine.connect() as connection:
        try:
            first = connection.exec_driver_sql("PRAGMA integrity_check").scalar()
            if first != "ok":
                return f"SQLite integrity check: {first}"
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").first()
        except Exception as error:
            if "not a database" in str(error) or "malformed" in str(error):
                return "the file is damaged or not a War Room database"
            raise
    if broken is not None:
        return f"a row of table {broken[0]} points at a missing row of {broken[2]}"
    return None


def schema_revision(database: Database) -> tuple[str | None, bool]:
    """Return (stored schema revision or None, whether War Room's incidents table exists)."""
    with database.engine.connect() as connection:
        tables = {
            row[0]
            for row in connection.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table'"
            )
        }
        revision = None
        if "alembic_version" in tables:
            revision = connection.exec_driver_sql(
                "SELECT version_num FROM alembic_version"
            ).scalar()
    return revision, "incidents" in tables


def chain_heads(database: Database) -> list[ChainHead]:
    """Return every incident's chain head, by incident id."""
    with database.reading() as session:
        return _heads(session.connection())


def _heads(connection: Connection) -> list[ChainHead]:
    rows = connection.execute(
        select(IncidentRow.id, IncidentRow.entry_count, IncidentRow.head_hash).order_by(
            IncidentRow.id
        )
    )
    return [ChainHead(row[0], row[1], row[2]) for row in rows]


def restore_into(
    source: Database, target: Database, expected_heads: Sequence[ChainHead]
) -> dict[str, int]:
    """Replace all of ``target``'s data by ``source``'s in one write transaction.

    ``expected_heads`` are the target's chain heads the person was shown: if anyone wrote
    since, nothing is replaced (ConflictError) and the comparison must be made again.
    """
    if not target.is_sqlite:
        with target.transaction() as session:
            return _restore_rows(source, session.connection(), expected_heads)
    # SQLite checks every deleted entry against the unindexed corrects_id column (a scan per
    # row) while foreign keys are enforced, and enforcement can only be switched outside a
    # transaction: off for the copy, checked as a whole before the commit, on again after.
    try:
        return _restore_sqlite(source, target, expected_heads)
    except DBAPIError as error:
        detail = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise StorageError(f"the database cannot be written: {detail}") from None


def _restore_sqlite(
    source: Database, target: Database, expected_heads: Sequence[ChainHead]
) -> dict[str, int]:
    with target.engine.connect() as writer:
        raw = writer.connection.dbapi_connection
        assert raw is not None
        raw.execute("PRAGMA foreign_keys=OFF")
        try:
            with writer.begin():
                counts = _restore_rows(source, writer, expected_heads)
                broken = writer.exec_driver_sql("PRAGMA foreign_key_check").first()
                if broken is not None:
                    raise StorageError(
                        f"the restored rows of {broken[0]} point at missing rows of "
                        f"{broken[2]}; nothing was restored"
                    )
            return counts
        finally:
            raw.execute("PRAGMA foreign_keys=ON")


def _restore_rows(
    source: Database, writer: Connection, expected_heads: Sequence[ChainHead]
) -> dict[str, int]:
    if _heads(writer) != list(expected_heads):
        raise ConflictError(
            "the database changed while the restore was being prepared; nothing was "
            "restored: run the restore again to see the new comparison"
        )
    with source.engine.connect() as reader:
        return replace_rows(reader, writer)


def hash_at(database: Database, incident_id: int, seq: int) -> str | None:
    """Return the hash of entry ``seq`` of an incident (the genesis hash for 0), or None."""
    if seq == 0:
        return GENESIS
    with database.reading() as session:
        return session.scalar(
            select(TimelineEntryRow.hash).where(
                TimelineEntryRow.incident_id == incident_id, TimelineEntryRow.seq == seq
            )
        )


def closed_incident_count(database: Database) -> int:
    """Return how many incidents are closed (a new close triggers a backup)."""
    with database.reading() as session:
        return int(
            session.scalar(
                select(func.count()).select_from(IncidentRow).where(IncidentRow.state == "closed")
            )
            or 0
        )


def row_counts(database: Database) -> dict[str, int]:
    """Return the number of rows of each War Room table."""
    with database.reading() as session:
        return {
            table.name: int(session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


def copy_for_upgrade(source: Path, target: Path) -> Database:
    """Copy an older backup to ``target`` and open it there, migrated to today's schema."""
    with opened_read_only(source):
        pass  # refuses a missing or wrong key before anything is copied
    key = sqlcipher.key_for(source)
    reader = sqlcipher.connect(source, key, readonly=True)
    try:
        writer = sqlcipher.connect(target, key)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()
    return open_database(f"sqlite:///{target}")
