"""Open a War Room database safely and hand out one transaction per use case.

Opening never damages what it finds: a file that is not SQLite, a SQLite file of another
program, or a database written by a newer War Room is refused with a clear message and left
byte-for-byte as it was (WAL mode, which is persistent, is only switched on once the file is
known to be ours). Migrations run only when the stored revision is older than ours.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from warroom.domain.errors import ConflictError, StorageError
from warroom.storage.filesystems import network_filesystem_warning
from warroom.storage.locations import resolve_database_url
from warroom.storage.schema import HEAD, KNOWN_REVISIONS

log = logging.getLogger(__name__)

SQLITE_BUSY_TIMEOUT_S = 30
_READONLY = "warroom_readonly"
# PostgreSQL's serialization failure and deadlock: nothing was written, trying again works.
_TRY_AGAIN_STATES = frozenset({"40001", "40P01"})


@dataclass
class Database:
    """An opened, checked database: the engine and the way to start transactions."""

    engine: Engine
    url: str
    warnings: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        self._read_sessions = sessionmaker(
            bind=self.engine.execution_options(**{_READONLY: True}), expire_on_commit=False
        )

    @property
    def is_sqlite(self) -> bool:
        """Tell whether this is an embedded SQLite file."""
        return self.engine.dialect.name == "sqlite"

    @property
    def location(self) -> str:
        """Return where the data lives, for people: a file path or a server URL sans password."""
        url = make_url(self.url)
        if self.is_sqlite:
            return url.database or ":memory:"
        return url.render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Run one write use case: commit on success, roll back on any error.

        On SQLite the transaction starts with ``BEGIN IMMEDIATE`` so that two writers queue
        for the lock instead of failing halfway with 'database is locked'.
        """
        with self._sessions() as session, _translate_errors(), session.begin():
            yield session

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Run a read-only use case (a deferred transaction: readers never block writers)."""
        with self._read_sessions() as session, _translate_errors(), session.begin():
            yield session

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


@contextmanager
def _translate_errors() -> Iterator[None]:
    """Turn driver errors a person can meet (locked, unreachable, damaged) into one line."""
    try:
        yield
    except StaleDataError as error:
        raise ConflictError(
            "someone else changed this at the same moment; reload and try again"
        ) from error
    except DBAPIError as error:
        # First: a server restart surfaces as an OperationalError on a connection SQLAlchemy
        # has just invalidated; the pool (pool_pre_ping) replaces it, so trying again works.
        if error.connection_invalidated:
            raise StorageError("the connection to the database was lost") from error
        if getattr(error.orig, "sqlstate", None) in _TRY_AGAIN_STATES:
            raise ConflictError(
                "someone else was changing the same thing at the same moment; try again"
            ) from error
        if isinstance(error, OperationalError):
            raise StorageError(f"the database cannot be used: {_first_line(error)}") from error
        raise


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)


def open_database(
    url: str | None = None,
    *,
    migrate: bool = True,
    password: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> Database:
    """Open (creating if new) the database at ``url``, check and migrate its schema.

    For a database server, ``password`` (else the one kept in the keychain for that server,
    if the URL has none) is used for connecting but kept out of :attr:`Database.url`.
    ``progress(what, done, total)`` hears how a long upgrade step is going.
    """
    resolved = resolve_database_url(url)
    parsed = make_url(resolved)
    warnings: list[str] = []
    if parsed.get_backend_name() == "sqlite":
        engine = _sqlite_engine(resolved, parsed.database, warnings)
    else:
        from warroom.storage.server_login import with_stored_password

        if password:
            login = parsed.set(password=password).render_as_string(hide_password=False)
        else:
            login = with_stored_password(resolved)
        engine = create_engine(login, pool_pre_ping=True)
    database = Database(engine=engine, url=resolved, warnings=warnings)
    try:
        _check_and_migrate(database, migrate=migrate, progress=progress)
    except BaseException:
        engine.dispose()
        raise
    return database


def _sqlite_engine(url: str, path_text: str | None, warnings: list[str]) -> Engine:
    if path_text and path_text != ":memory:":
        path = Path(path_text)
        if not path.parent.is_dir():
            raise StorageError(f"the folder {path.parent} does not exist")
        if path.is_dir():
            raise StorageError(f"{path} is a folder, not a database file")
        warning = network_filesystem_warning(path.parent)
        if warning:
            log.warning(warning)
            warnings.append(warning)
    from warroom.storage.sqlcipher import engine_for  # an encrypted file: its key goes first

    engine = engine_for(url, path_text, timeout=SQLITE_BUSY_TIMEOUT_S) or create_engine(
        url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}
    )
    event.listen(engine, "connect", _sqlite_on_connect)
    event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # We emit BEGIN ourselves (see _sqlite_on_begin): pysqlite's implicit transactions
    # would start them too late to take the write lock up front.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # FULL, not NORMAL: in WAL mode a NORMAL commit may roll back after a power loss.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


def _sqlite_on_begin(connection: Connection) -> None:
    readonly = connection.get_execution_options().get(_READONLY, False)
    connection.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")


def _check_and_migrate(
    database: Database,
    *,
    migrate: bool,
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    revision, has_other_tables = _read_schema_state(database)
    if revision == HEAD:
        pass
    elif revision is None and has_other_tables:
        raise StorageError(
            f"{database.location} is not a War Room database (it holds another program's "
            "tables); it was left unchanged"
        )
    elif revision is not None and revision not in KNOWN_REVISIONS:
        raise StorageError(
            f"{database.location} was written by a newer version of War Room (schema "
            f"{revision}); update War Room to open it. The database was left unchanged"
        )
    elif migrate:
        _run_migrations(database, progress)
    else:
        raise StorageError(f"{database.location} needs a schema upgrade first")
    if database.is_sqlite and database.location != ":memory:":
        _enable_wal(database.engine)


def _enable_wal(engine: Engine) -> None:
    """Switch a checked SQLite file to WAL (persistent; must run outside a transaction)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if cursor.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    finally:
        raw.close()


def _read_schema_state(database: Database) -> tuple[str | None, bool]:
    """Return (stored revision or None, whether any other tables exist), reading only."""
    try:
        with database.engine.execution_options(**{_READONLY: True}).connect() as connection:
            if database.is_sqlite:
                query = "SELECT name FROM sqlite_master WHERE type='table'"
            else:
                query = (
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = current_schema()"
                )
            tables = {row[0] for row in connection.exec_driver_sql(query)}
            revision = None
            if "alembic_version" in tables:
                revision = connection.execute(
                    text("SELECT version_num FROM alembic_version")
                ).scalar()
            others = bool(tables - {"alembic_version", "sqlite_sequence"})
            return revision, others
    except DBAPIError as error:
        detail = _first_line(error)
        if "not a database" in detail or "malformed" in detail:
            raise StorageError(
                f"{database.location} is not a War Room database or is damaged ({detail}); "
                "it was left unchanged"
            ) from error
        if "no password supplied" in detail or "password authentication failed" in detail:
            user = make_url(database.url).username or "this user"
            raise StorageError(
                f"{database.location} refused the login of {user}: the password is missing or "
                "wrong; connect again with the right password (it is kept in the keychain)"
            ) from error
        raise StorageError(f"cannot open the database {database.location}: {detail}") from error


def _run_migrations(database: Database, progress: Callable[[str, int, int], None] | None) -> None:
    from warroom.storage.migrate import upgrade_to_head  # Alembic only when needed

    log.info("upgrading the schema of %s to %s", database.location, HEAD)
    upgrade_to_head(database.engine, progress)


__all__ = ["Database", "Session", "open_database"]
