"""Converting a database file between clear and encrypted, with nobody else inside.

The conversion writes a complete copy with the other encryption next to the file, lets the
caller verify it, then swaps it into place atomically and overwrites the old file's bytes
before they are released. While it runs, one connection holds the file exclusively: it is
switched to a rollback journal (which fails while any other process has the database
open, so the window and the sync worker must be closed) and locked in exclusive mode until
the swap is done. Anyone who opens the file meanwhile waits, then finds the new file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from warroom.domain.backups import ChainHead
from warroom.domain.errors import StorageError
from warroom.storage import sqlcipher
from warroom.storage.snapshots import fsync_file, fsync_folder

log = logging.getLogger(__name__)

IN_USE_TIMEOUT_S = 2.0


class Conversion:
    """A database file held exclusively while its converted copy is made and swapped in."""

    def __init__(self, path: Path, connection: Any) -> None:
        self.path = path
        self._connection = connection

    def heads(self) -> list[ChainHead]:
        """Return the chain heads of the file being converted (read under the lock)."""
        rows = self._connection.execute(
            "SELECT id, entry_count, head_hash FROM incidents ORDER BY id"
        ).fetchall()
        return [ChainHead(int(row[0]), int(row[1]), str(row[2])) for row in rows]

    def export(self, target: Path, target_key: sqlcipher.CipherKey | None) -> None:
        """Write the whole database to the new file ``target`` with ``target_key``."""
        if target.exists():
            raise StorageError(f"{target} is in the way; remove it and try again")
        clause = target_key.attach_clause() if target_key is not None else "KEY ''"
        connection = self._connection
        connection.execute(f"ATTACH DATABASE ? AS converted {clause}", (str(target),))
        try:
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("SELECT sqlcipher_export('converted')")
            version = int(connection.execute("PRAGMA main.user_version").fetchone()[0])
            connection.execute(f"PRAGMA converted.user_version = {version}")
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.execute("DETACH DATABASE converted")
        fsync_file(target)

    def swap(self, converted: Path) -> None:
        """Put ``converted`` in place of the file; overwrite the old bytes, then drop them."""
        descriptor = os.open(self.path, os.O_RDWR)
        try:
            size = os.fstat(descriptor).st_size
            os.replace(converted, self.path)
            fsync_folder(self.path.parent)
            sqlcipher.overwrite_open_file(descriptor, size)
        finally:
            os.close(descriptor)
        log.info("converted %s; the previous file was overwritten and removed", self.path)


@contextmanager
def converting(path: Path, key: sqlcipher.CipherKey | None) -> Iterator[Conversion]:
    """Hold ``path`` exclusively (refusing if it is in use) for a conversion."""
    module = sqlcipher._sqlcipher()
    connection = module.connect(str(path), timeout=IN_USE_TIMEOUT_S, check_same_thread=False)
    connection.isolation_level = None
    try:
        if key is not None:
            connection.execute(key.pragma())
        try:
            mode = connection.execute("PRAGMA journal_mode=DELETE").fetchone()[0]
            connection.execute("PRAGMA main.locking_mode=EXCLUSIVE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("COMMIT")  # the exclusive lock stays until we close
        except module.OperationalError as error:
            if "locked" in str(error) or "busy" in str(error):
                mode = "in use"
            else:
                raise StorageError(f"cannot convert {path}: {error}") from None
        if str(mode).lower() != "delete":
            raise StorageError(
                f"{path} is in use by another program (a War Room window or sync worker?); "
                "close it and try again. Nothing was changed"
            )
        yield Conversion(path, connection)
    finally:
        connection.close()
