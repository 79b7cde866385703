"""Files only their owner can read: the database, its -wal/-shm, logs, preferences, exports.

An incident log holds names, customer complaints and unreleased statements, so on POSIX
every file War Room creates is 0600 and every folder 0700, whatever the umask. Existing
files are never changed behind the person's back: one wider than that gets a warning
naming it and the ``chmod`` that fixes it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_DIR_MODE = 0o700
#: The -wal and -shm files SQLite keeps beside a database in WAL mode.
SQLITE_SIDE_FILES = ("-wal", "-shm")


def enforced() -> bool:
    """Tell whether POSIX permission bits apply (not on Windows)."""
    return os.name == "posix"


def make_private_dir(path: Path) -> Path:
    """Create the folder ``path`` and any missing parents, readable by the owner only.

    Folders that already exist are left as they are (a warning names a wider one of ours).
    """
    missing = []
    current = path
    while not current.is_dir() and current.parent != current:
        missing.append(current)
        current = current.parent
    for folder in reversed(missing):
        # The umask can only take bits away from 0700: the folder is private in any case.
        folder.mkdir(mode=PRIVATE_DIR_MODE, exist_ok=True)
    return path


def create_private_file(path: Path) -> bool:
    """Create ``path`` empty with mode 0600 unless it exists; True when it was created."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return False
    os.close(descriptor)
    return True


def open_private(path: Path, flags: int) -> int:
    """``os.open`` with mode 0600 for a file this call creates."""
    return os.open(path, flags, PRIVATE_FILE_MODE)


def wider_than_private(path: Path) -> str | None:
    """Return a warning when ``path`` exists and others may read or enter it, else None."""
    if not enforced():
        return None
    try:
        info = os.stat(path)
    except OSError:
        return None
    is_dir = stat.S_ISDIR(info.st_mode)
    if not (stat.S_ISREG(info.st_mode) or is_dir):
        return None
    mode = stat.S_IMODE(info.st_mode)
    if not mode & 0o077:
        return None
    wanted = PRIVATE_DIR_MODE if is_dir else PRIVATE_FILE_MODE
    kind = "folder" if is_dir else "file"
    return (
        f"the {kind} {path} can be read by other users (mode {mode:04o}); "
        f"make it private with: chmod {wanted:o} {path}"
    )


def database_files(path: Path) -> list[Path]:
    """Return a SQLite database file and its -wal/-shm companions."""
    return [path] + [path.with_name(path.name + suffix) for suffix in SQLITE_SIDE_FILES]


def wider_files(paths: list[Path]) -> list[str]:
    """Return one warning per path in ``paths`` that is wider than private."""
    return [warning for warning in map(wider_than_private, paths) if warning]


def user_files_warnings() -> list[str]:
    """Warn about War Room's own files (the log, the preferences) left readable by others.

    Folders are created private but not warned about: a person may share a folder on
    purpose, and what matters is that the files in it are not readable.
    """
    from warroom.storage.locations import LOG_FILE, PREFERENCES_FILE, data_dir, log_dir

    return wider_files([log_dir() / LOG_FILE, data_dir() / PREFERENCES_FILE])
