"""Preparing a SQLite file before SQLite opens it: created private, suspicious files refused.

- A missing file is created empty with mode 0600 (SQLite gives its -wal and -shm the same
  mode), so an incident log is never readable by other users of the machine.
- An existing empty file is refused like any other file that is not a War Room database: a
  truncated or placeholder file must not silently become a fresh, empty database. Only a
  person asking for a new database (``warroom init``) turns one into a database.
- A file that cannot be written (read-only file, folder or file system) is opened read-only,
  so that reading keeps working and every write is refused with one line saying why.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from warroom.domain.errors import StorageError
from warroom.storage.filesystems import network_filesystem_warning
from warroom.storage.private_files import (
    create_private_file,
    database_files,
    wider_files,
)


@dataclass
class SqliteFile:
    """What to open: the engine URL (read-only form if need be) and what was found."""

    path: Path
    engine_url: str
    #: Why the file can only be read ('' when it can be written).
    read_only: str = ""
    #: True when this call created the (empty) file.
    created: bool = False
    warnings: list[str] = field(default_factory=list)

    def forget_if_unused(self) -> None:
        """Remove the file this call created if it is still empty (opening failed)."""
        if self.created:
            try:
                if self.path.stat().st_size == 0:
                    self.path.unlink()
            except OSError:
                pass


def prepare(path: Path, url: str, *, new: bool = False) -> SqliteFile:
    """Check and, if missing, create the database file at ``path`` (``url`` names it)."""
    if not path.parent.is_dir():
        raise StorageError(f"the folder {path.parent} does not exist")
    try:
        info = path.stat()
    except FileNotFoundError:
        info = None
    except OSError as error:
        raise StorageError(f"cannot open the database {path}: {error.strerror}") from None
    created = False
    if info is None:
        try:
            created = create_private_file(path)
        except OSError as error:
            raise StorageError(
                f"cannot create the database {path}: {error.strerror or error}"
            ) from None
    elif stat.S_ISDIR(info.st_mode):
        raise StorageError(f"{path} is a folder, not a database file")
    elif not stat.S_ISREG(info.st_mode):
        raise StorageError(f"{path} is not a regular file, so it cannot be a War Room database")
    elif info.st_size == 0 and not new:
        raise StorageError(
            f"{path} is an empty file, not a War Room database; it was left unchanged "
            f"(to start a new database there, run: warroom init --db {path})"
        )
    target = SqliteFile(path, url, created=created)
    warning = network_filesystem_warning(path.parent)
    if warning:
        target.warnings.append(warning)
    target.warnings.extend(wider_files(database_files(path)))
    target.read_only = read_only_reason(path)
    if target.read_only:
        target.engine_url = _read_only_url(path)
    return target


def read_only_reason(path: Path) -> str:
    """Say why the database at ``path`` can only be read ('' if it can be written)."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return "it is on a read-only file system"
    except (OSError, AttributeError):  # no statvfs (Windows)
        pass
    if not os.access(path, os.W_OK):
        return "the file is read-only"
    side_files = database_files(path)[1:]
    if not os.access(path.parent, os.W_OK) and not all(os.access(p, os.W_OK) for p in side_files):
        return f"its folder {path.parent} is read-only"
    return ""


def _read_only_url(path: Path) -> str:
    """Return a URL that opens ``path`` read-only.

    In WAL mode SQLite reads through the -shm file; where the -wal and -shm cannot be used
    (not there, and the folder cannot take them), the file is opened as immutable, which is
    what it is as long as nobody can write to it.
    """
    wal, shm = database_files(path)[1:]
    usable = wal.exists() and shm.exists()
    immutable = "" if usable else "&immutable=1"
    return f"sqlite:///file:{quote(str(path), safe='/')}?mode=ro{immutable}&uri=true"
