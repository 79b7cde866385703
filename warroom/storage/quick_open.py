"""Opening the embedded file through the standard ``sqlite3`` module, for the quick paths.

Importing SQLAlchemy and mapping the models costs a few hundred milliseconds before the first
row. Commands that read a little (``log list``, ``search``) or write one row after reading a
little (``verify --incident`` from its checkpoint) open a plain SQLite file already at this
version's schema here instead. In every other case (a server URL, a missing, empty, foreign,
encrypted or older file, any error opening it) :func:`open_snapshot` returns None and the
command takes the full path, which creates, migrates, decrypts or refuses with the usual
messages.
"""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

from warroom.storage.locations import DB_ENV, default_database_path
from warroom.storage.problems import damaged, is_damaged, unusable
from warroom.storage.schema import HEAD

#: how long a writer waits for another's lock before giving up (the engine's too)
SQLITE_BUSY_TIMEOUT_S = 30


def sqlite_file(url: str | None) -> Path | None:
    """Return the file a plain ``sqlite:///PATH`` URL (or bare path, or ``$WARROOM_DB``, or
    the default location) names, else None."""
    url = url or os.environ.get(DB_ENV) or ""
    if not url:
        return default_database_path()
    if "://" not in url:
        return Path(url).expanduser().absolute()
    prefix = "sqlite:///"
    rest = url[len(prefix) :]
    if not url.startswith(prefix) or not rest or "?" in rest or rest == ":memory:":
        return None
    return Path(rest)


def open_snapshot(url: str | None) -> tuple[sqlite3.Connection, Path] | None:
    """Return a read-only connection to the file ``url`` names, inside one read transaction
    (every read of the command sees one snapshot), and the file; None to take the full path."""
    path = sqlite_file(url)
    if path is None:
        return None
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode) or info.st_size == 0:
            return None
        connection = sqlite3.connect(
            f"file:{quote(str(path))}?mode=ro", uri=True, isolation_level=None
        )
    except (OSError, sqlite3.Error):
        return None
    try:
        connection.execute("PRAGMA query_only = 1")
        connection.execute("BEGIN")  # one snapshot for every read of the command
        revision = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        connection.close()
        return None
    if revision is None or revision[0] != HEAD:
        connection.close()
        return None
    return connection, path


def open_writer(path: Path) -> sqlite3.Connection:
    """Return a connection that writes ``path`` as the engine's connections do: foreign keys
    on, ``synchronous=FULL`` (a WAL commit survives a power loss), the same busy timeout,
    and transactions begun by the caller (``BEGIN IMMEDIATE``)."""
    connection = sqlite3.connect(str(path), timeout=SQLITE_BUSY_TIMEOUT_S, isolation_level=None)
    connection.execute("PRAGMA foreign_keys=ON")
    connection.execute("PRAGMA synchronous=FULL")
    return connection


@contextmanager
def translated_errors() -> Iterator[None]:
    """Say a driver error in the words the full path uses (damaged file, locked...)."""
    try:
        yield
    except sqlite3.DatabaseError as error:
        detail = (str(error).strip().splitlines() or [type(error).__name__])[0]
        if is_damaged(detail):
            raise damaged(detail) from error
        raise unusable(detail) from error
