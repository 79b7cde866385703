"""Noticing that the database file was replaced or deleted underneath a running process.

A process that keeps the SQLite file open (the window, ``sync --watch``) writes through the
file it opened. If someone restores a backup over it, moves it away or deletes its -wal,
SQLite happily keeps writing into the old, now unreachable inode: every write is
acknowledged and silently lost when the process exits. So before each write transaction the
file's identity (device and inode) and its -wal's are compared with the ones opened; on a
difference the process stops writing and says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from warroom.domain.errors import StorageError


class DatabaseReplacedError(StorageError):
    """The database file (or its -wal) is no longer the one this process opened."""


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """Where a file lives on disk: equal identities mean the same file."""

    device: int
    inode: int


def identity(path: Path) -> FileIdentity | None:
    """Return the identity of ``path``, or None when nothing is there."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return FileIdentity(info.st_dev, info.st_ino)


class FileGuard:
    """Remembers the identity of a database file and its -wal, and tells when they change.

    Record it while a connection holds the database open (SQLite never removes the -wal of
    a database that is open), so that a later difference can only come from outside.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.wal = path.with_name(path.name + "-wal")
        self._file = identity(path)
        self._wal = identity(self.wal)

    def problem(self) -> str | None:
        """Return what changed since the guard was made, or None when nothing did."""
        now = identity(self.path)
        if now is None:
            return f"the database file {self.path} was deleted"
        if now != self._file:
            return f"the database file {self.path} was replaced by another file"
        if self._wal is not None:
            wal_now = identity(self.wal)
            if wal_now is None:
                return f"its write-ahead log {self.wal} was deleted"
            if wal_now != self._wal:
                return f"its write-ahead log {self.wal} was replaced"
        return None

    def refusal(self, what: str) -> DatabaseReplacedError:
        """Return the one-line error for ``what`` changed."""
        return DatabaseReplacedError(
            f"{what} while War Room had it open, so War Room stopped writing to it (writes "
            "would be lost); restart War Room to open the file that is there now"
        )
