"""Open a War Room database safely and hand out one transaction per use case.

Opening never damages what it finds: a file that is not SQLite, a SQLite file of another
program, or a database written by a newer War Room is refused with a clear message and left
byte-for-byte as it was (WAL mode, which is persistent, is only switched on once the file is
known to be ours). Migrations run only when the stored revision is older than ours.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from warroom.domain.errors import ConflictError, StorageError
from warroom.storage.database_url import checked_url
from warroom.storage.file_identity import DatabaseReplacedError, FileGuard
from warroom.storage.locations import resolve_database_url
from warroom.storage.problems import damaged, is_damaged, unusable
from warroom.storage.quick_open import SQLITE_BUSY_TIMEOUT_S
from warroom.storage.schema import HEAD, KNOWN_REVISIONS
from warroom.storage.sqlite_file import SqliteFile, prepare

if TYPE_CHECKING:
    from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger(__name__)

_READONLY = "warroom_readonly"
#: a connection's info key: it has the writers' page cache (see _writer_cache)
_WRITER_CACHE = "warroom_writer_cache"
_WRITER_CACHE_KIB = 8000
# PostgreSQL's serialization failure and deadlock: nothing was written, trying again works.
_TRY_AGAIN_STATES = frozenset({"40001", "40P01"})
# PostgreSQL: a write in a read-only transaction (a replica, default_transaction_read_only).
_READ_ONLY_STATE = "25006"


@dataclass
class Database:
    """An opened, checked database: the engine and the way to start transactions."""

    engine: Engine
    url: str
    warnings: list[str] = field(default_factory=list)
    #: Why this database can only be read ('' when it can be written).
    read_only: str = ""

    def __post_init__(self) -> None:
        # Made on first use: SQLAlchemy's ORM costs a twentieth of a second to import, which
        # a command reading plain rows (``log list``, see :meth:`read_connection`) never pays.
        self._sessions: sessionmaker[Session] | None = None
        self._read_sessions: sessionmaker[Session] | None = None
        self._guard: FileGuard | None = None
        self._anchor: Any = None
        self._stopped: DatabaseReplacedError | None = None

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
        self._check_writable()
        if self._sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._sessions = sessionmaker(bind=self.engine, expire_on_commit=False)
        with self._sessions() as session, _translate_errors(self), session.begin():
            yield session

    def _check_writable(self) -> None:
        if self.read_only:
            raise StorageError(read_only_message(self.location, self.read_only))
        self.check_file()

    def check_file(self) -> None:
        """Raise DatabaseReplacedError once the guarded file was replaced or deleted.

        Cheap (two ``stat`` calls): long-running loops call it on every pass, so that they
        stop and say so even when they have nothing to write.
        """
        if self._stopped is not None:
            raise self._stopped
        problem = self._guard.problem() if self._guard is not None else None
        if problem is not None and self._guard is not None:
            self._stopped = self._guard.refusal(problem)
            log.error("%s", self._stopped)
            raise self._stopped

    def guard_file(self) -> None:
        """Stop writing (with one line) if the SQLite file or its -wal is later replaced.

        For long-running processes (the window, ``sync --watch``): one connection keeps
        the database open from now on, so SQLite never removes the -wal by itself, and each
        write transaction first checks that the file on disk is still the one opened.
        """
        if not self.is_sqlite or self.read_only or self._guard is not None:
            return
        anchor = self.engine.raw_connection()
        cursor = anchor.cursor()
        cursor.execute("SELECT count(*) FROM sqlite_master")  # opens the file and its -wal
        cursor.close()
        self._anchor = anchor
        self._guard = FileGuard(Path(self.location))

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """Run a read-only use case (a deferred transaction: readers never block writers)."""
        if self._read_sessions is None:
            from sqlalchemy.orm import sessionmaker

            self._read_sessions = sessionmaker(
                bind=self.engine.execution_options(**{_READONLY: True}), expire_on_commit=False
            )
        with self._read_sessions() as session, _translate_errors(self), session.begin():
            yield session

    @contextmanager
    def read_connection(self) -> Iterator[Connection]:
        """Run a read-only use case on a plain connection, as :meth:`reading` does on a
        session (one deferred transaction, the same error messages), without the ORM: for
        reads of plain rows that stream a whole timeline."""
        readonly = self.engine.execution_options(**{_READONLY: True})
        with readonly.connect() as connection, _translate_errors(self), connection.begin():
            yield connection

    def dispose(self) -> None:
        """Close every pooled connection."""
        if self._anchor is not None:
            self._anchor.close()
            self._anchor = None
        self.engine.dispose()


def read_only_message(location: str, why: str) -> str:
    """Return the refusal of a write to a read-only database."""
    return (
        f"the database {location} is read-only ({why}); reading works, but changes need "
        "write access to it"
    )


@contextmanager
def _translate_errors(database: Database) -> Iterator[None]:
    """Turn driver errors a person can meet (locked, unreachable, damaged) into one line."""
    try:
        yield
    except DBAPIError as error:
        # First: a server restart surfaces as an OperationalError on a connection SQLAlchemy
        # has just invalidated; the pool (pool_pre_ping) replaces it, so trying again works.
        if error.connection_invalidated:
            raise StorageError("the connection to the database was lost") from error
        state = getattr(error.orig, "sqlstate", None)
        if state in _TRY_AGAIN_STATES:
            raise ConflictError(
                "someone else was changing the same thing at the same moment; try again"
            ) from error
        detail = _first_line(error)
        if is_damaged(detail):
            raise damaged(detail) from error
        if state == _READ_ONLY_STATE or "readonly database" in detail:
            raise StorageError(
                read_only_message(database.location, detail or "the server refuses writes")
            ) from error
        if isinstance(error, OperationalError):
            raise unusable(_first_line(error)) from error
        raise
    except Exception as error:
        # Only a session can raise StaleDataError, so the ORM is loaded when it matters.
        orm_errors = sys.modules.get("sqlalchemy.orm.exc")
        if orm_errors is not None and isinstance(error, orm_errors.StaleDataError):
            raise ConflictError(
                "someone else changed this at the same moment; reload and try again"
            ) from error
        raise


def _first_line(error: DBAPIError) -> str:
    return str(error.orig).strip().splitlines()[0] if error.orig else str(error)


def open_database(
    url: str | None = None,
    *,
    migrate: bool = True,
    password: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
    new: bool = False,
) -> Database:
    """Open (creating if new) the database at ``url``, check and migrate its schema.

    For a database server, ``password`` (else the one kept in the keychain for that server,
    if the URL has none) is used for connecting but kept out of :attr:`Database.url`.
    ``progress(what, done, total)`` hears how a long upgrade step is going.
    ``new`` asks for a new database: an empty file is accepted, and a database that
    already holds anything is refused (``warroom init``).
    """
    resolved = resolve_database_url(url)
    parsed = checked_url(resolved)
    target: SqliteFile | None = None
    if parsed.get_backend_name() == "sqlite":
        target = prepare(Path(parsed.database or ""), resolved, new=new)
        for warning in target.warnings:
            log.warning("%s", warning)
        engine = _sqlite_engine(target)
    else:
        from warroom.storage.server_login import with_stored_password

        if password:
            login = parsed.set(password=password).render_as_string(hide_password=False)
        else:
            login = with_stored_password(resolved)
        engine = create_engine(login, pool_pre_ping=True)
    database = Database(
        engine=engine,
        url=resolved,
        warnings=list(target.warnings) if target else [],
        read_only=target.read_only if target else "",
    )
    try:
        _check_and_migrate(database, migrate=migrate, progress=progress, new=new)
    except BaseException:
        engine.dispose()
        if target is not None:
            target.forget_if_unused()
        raise
    return database


def _sqlite_engine(target: SqliteFile) -> Engine:
    from warroom.storage import sqlcipher  # an encrypted file: its key goes first

    engine = sqlcipher.engine_for(
        target.engine_url, str(target.path), timeout=SQLITE_BUSY_TIMEOUT_S
    )
    if engine is None:
        sqlcipher.remember_clear(target.path)  # never reopened by hand while SQLite has it
        engine = create_engine(target.engine_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
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
    statement = "BEGIN" if readonly else "BEGIN IMMEDIATE"
    # Straight on the driver: every use case begins here, and ``exec_driver_sql`` costs
    # several times what SQLite needs for a BEGIN (issue 18). Its errors ('database is
    # locked' after the busy timeout) are wrapped as ``exec_driver_sql`` would wrap them.
    raw: Any = connection.connection.dbapi_connection
    driver_error = connection.dialect.loaded_dbapi.Error  # sqlite3's, or sqlcipher3's
    try:
        if not readonly and not connection.connection.info.get(_WRITER_CACHE):
            _writer_cache(raw, connection.connection.info)
        raw.execute(statement)
    except driver_error as error:
        raise DBAPIError.instance(statement, (), error, driver_error) from error


def _writer_cache(raw: Any, info: dict[Any, Any]) -> None:
    """Give a connection that writes a larger page cache, once.

    SQLite's default 2 MB does not keep the pages an append touches in a million-entry log
    (the indexes' right edges, the search index's newest segments that it merges): an append
    then took 0.79 ms at 1M entries against 0.55 ms at 10k. With 8 MB it costs about the same
    at every size (0.58 ms at 1M, tests/perf/bench_append.py). Only a connection that has
    written gets it: one that only reads (an export or a full verification in a process of
    its own) keeps SQLite's default, and any connection's cache stays bounded.
    """
    raw.execute(f"PRAGMA cache_size=-{_WRITER_CACHE_KIB}")
    info[_WRITER_CACHE] = True


def _check_and_migrate(
    database: Database,
    *,
    migrate: bool,
    progress: Callable[[str, int, int], None] | None = None,
    new: bool = False,
) -> None:
    revision, has_other_tables = _read_schema_state(database)
    if new and (revision is not None or has_other_tables):
        what = "a War Room database" if revision is not None else "another program's tables"
        raise StorageError(
            f"{database.location} already holds {what}; it was left unchanged (open it with "
            "--db, or choose a new file for a new database)"
        )
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
    elif database.read_only:
        raise StorageError(
            f"{database.location} needs a schema upgrade, but it is read-only "
            f"({database.read_only}); open it once with write access"
        )
    elif migrate:
        _run_migrations(database, progress)
    else:
        raise StorageError(f"{database.location} needs a schema upgrade first")
    if database.is_sqlite and not database.read_only:
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
        if is_damaged(detail):
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


def __getattr__(name: str) -> Any:
    # ``Session`` is re-exported for the services' annotations (they may not import
    # SQLAlchemy themselves); it is imported only when one of them asks for it.
    if name == "Session":
        from sqlalchemy.orm import Session

        return Session
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Database", "Session", "open_database"]
