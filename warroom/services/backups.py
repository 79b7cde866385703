"""Taking verified backups, rotating them, and saying how old the last good one is.

A backup is written under a hidden temporary name, verified (SQLite integrity, every
incident's chain), and only then renamed to its final name, which carries the time and the
chain heads. Only final names count as backups, so a backup cut short (power loss, kill -9)
is never mistaken for a good one; its leftover is removed by a later backup.

The calls are plain blocking functions, safe off the GUI thread; one backup at a time runs
per process (a lock), and two processes (the window and ``sync --watch``) writing to the
same folder never overwrite each other's files.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from warroom.domain.backups import (
    DEFAULT_EVERY_MINUTES,
    DEFAULT_KEEP_LAST,
    BackupName,
    backup_name,
    backups_to_keep,
    describe_age,
    is_due,
    is_stale,
    parse_backup_name,
)
from warroom.domain.errors import StorageError, ValidationError, WarRoomError
from warroom.services.backup_settings import (
    BackupSettings,
    BackupSettingsStore,
    validate_settings,
)
from warroom.services.context import ServiceContext
from warroom.services.snapshot_check import SnapshotCheck, verified
from warroom.storage import snapshots

log = logging.getLogger(__name__)

PARTIAL_SUFFIX = ".partial"
STALE_PARTIAL_SECONDS = 24 * 3600


@dataclass(frozen=True, slots=True)
class BackupResult:
    """A backup that was written, verified and put in place."""

    path: Path
    check: SnapshotCheck
    seconds: float
    removed: tuple[str, ...] = ()
    reused: bool = False

    def describe(self) -> str:
        """Return one line for a person."""
        size = self.check.size / 1_000_000
        return (
            f"backup {self.path} verified: {len(self.check.heads)} incidents, "
            f"{self.check.entry_count} entries, {size:.1f} MB in {self.seconds:.1f} s"
        )


@dataclass(frozen=True, slots=True)
class BackupStatus:
    """The state of this database's backups, as the status bar shows it."""

    configured: bool
    folder: Path | None
    folder_ok: bool
    every_minutes: int
    last_good: BackupName | None
    now: datetime
    last_error: str = ""

    @property
    def stale(self) -> bool:
        """Tell whether to warn: folder missing, or the last good backup is too old."""
        if not self.configured:
            return False
        last = self.last_good.taken_at if self.last_good else None
        return not self.folder_ok or is_stale(last, self.now, self.every_minutes)

    def describe(self) -> str:
        """Return the short text of the status bar ('Backup: 4 min ago')."""
        if not self.configured:
            return "Backup: off"
        if not self.folder_ok:
            return "Backup: folder missing"
        last = self.last_good.taken_at if self.last_good else None
        return f"Backup: {describe_age(last, self.now)}"


def folder_prefix(location: str, is_sqlite: bool) -> str:
    """Return the name that starts this database's backups (file stem or server database)."""
    if is_sqlite:
        raw = Path(location).stem
    else:
        raw = "team-" + (urlsplit(location).path.rsplit("/", 1)[-1] or "database")
    return re.sub(r"[^A-Za-z0-9._-]", "-", raw).strip(".-") or "warroom"


class BackupService:
    """Back up the database, on request or on a schedule, into a folder."""

    def __init__(
        self, context: ServiceContext, settings: BackupSettingsStore | None = None
    ) -> None:
        self._ctx = context
        self._settings = settings or BackupSettingsStore()
        self._lock = threading.Lock()

    @property
    def database_key(self) -> str:
        """Return the location that identifies this database in the settings."""
        return self._ctx.db.location

    @property
    def prefix(self) -> str:
        """Return how this database's backup files start."""
        return folder_prefix(self._ctx.db.location, self._ctx.db.is_sqlite)

    # -- settings ---------------------------------------------------------------------------

    def settings(self) -> BackupSettings | None:
        """Return the backup setting of this database, or None when not configured."""
        return self._settings.load(self.database_key)

    def configure(
        self,
        folder: str,
        every_minutes: int = DEFAULT_EVERY_MINUTES,
        keep_last: int = DEFAULT_KEEP_LAST,
    ) -> BackupSettings:
        """Remember where and how often to back up; the folder must exist (or be creatable)."""
        settings = validate_settings(folder, every_minutes, keep_last)
        try:
            settings.folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StorageError(
                f"cannot use {settings.folder} as the backup folder: {error.strerror}"
            ) from None
        self._settings.save(self.database_key, settings)
        return settings

    # -- backing up -------------------------------------------------------------------------

    def backup(self, folder: Path | None = None, *, keep_last: int | None = None) -> BackupResult:
        """Write a verified backup into ``folder`` (default: the configured one), rotate."""
        settings = self.settings()
        if folder is None:
            if settings is None:
                raise ValidationError(
                    "no backup folder: give one with --to FOLDER, or set one with "
                    "'warroom backup --configure FOLDER'"
                )
            target = settings.folder
            if not target.is_dir():
                raise StorageError(
                    f"the backup folder {target} is missing (is the drive or share connected?)"
                )
        else:
            target = folder.expanduser().absolute()
            try:
                target.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise StorageError(f"cannot create {target}: {error.strerror}") from None
        keep = keep_last or (settings.keep_last if settings else DEFAULT_KEEP_LAST)
        with self._lock:
            return self._backup_into(target, keep)

    def _backup_into(self, folder: Path, keep_last: int) -> BackupResult:
        started = time.perf_counter()
        taken_at = self._ctx.clock()
        self._remove_stale_partials(folder)
        temporary = folder / (
            f".{self.prefix}-{taken_at.astimezone(UTC):%Y%m%dT%H%M%SZ}."
            f"{_host()}-{os.getpid()}{PARTIAL_SUFFIX}"
        )
        try:
            self._copy(temporary)
            with verified(temporary) as (check, _copy):
                pass
            if not check.ok:
                raise StorageError(f"the backup was discarded: {check.problem}")
            final = folder / backup_name(self.prefix, taken_at, check.heads)
            reused = final.exists()  # same second, same chain heads: the same backup
            if reused:
                temporary.unlink()
            else:
                os.replace(temporary, final)
                snapshots.fsync_folder(folder)
        except BaseException:
            for leftover in ("", "-journal", "-wal", "-shm"):
                temporary.with_name(temporary.name + leftover).unlink(missing_ok=True)
            raise
        removed = self._rotate(folder, keep_last, keep=final.name)
        result = BackupResult(
            final, replace(check, path=final), time.perf_counter() - started, removed, reused
        )
        log.info("%s", result.describe())
        return result

    def _copy(self, temporary: Path) -> None:
        db = self._ctx.db
        try:
            if db.is_sqlite:
                snapshots.copy_sqlite_file(Path(db.location), temporary)
            else:
                snapshots.copy_server_to_file(db, temporary)
        except OSError as error:
            raise StorageError(f"cannot write the backup in {temporary.parent}: {error}") from None

    def list_backups(self, folder: Path) -> list[BackupName]:
        """Return this database's finished backups in ``folder``, oldest first."""
        try:
            names = [entry.name for entry in os.scandir(folder) if entry.is_file()]
        except OSError:
            return []
        found = [parse_backup_name(self.prefix, name) for name in names]
        return sorted((b for b in found if b is not None), key=lambda b: (b.taken_at, b.name))

    def _rotate(self, folder: Path, keep_last: int, *, keep: str) -> tuple[str, ...]:
        backups = self.list_backups(folder)
        kept = backups_to_keep(backups, self._ctx.clock(), keep_last=keep_last) | {keep}
        removed = []
        for backup in backups:
            if backup.name not in kept:
                try:
                    (folder / backup.name).unlink()
                except FileNotFoundError:
                    continue  # another process rotated it first
                except OSError as error:
                    log.warning("cannot remove the old backup %s: %s", backup.name, error)
                    continue
                removed.append(backup.name)
        return tuple(removed)

    def _remove_stale_partials(self, folder: Path) -> None:
        """Remove leftovers of backups cut short: this host's dead processes, or old ones."""
        pattern = re.compile(
            rf"^\.{re.escape(self.prefix)}-\d{{8}}T\d{{6}}Z\.(.+)-(\d+)"
            rf"{re.escape(PARTIAL_SUFFIX)}(-journal|-wal|-shm)?$"
        )
        now = time.time()
        for entry in list(os.scandir(folder)):
            match = pattern.match(entry.name)
            if match is None:
                continue
            host, pid = match.group(1), int(match.group(2))
            dead = host == _host() and not _process_alive(pid)
            try:
                old = now - entry.stat().st_mtime > STALE_PARTIAL_SECONDS
                if dead or old:
                    os.unlink(entry.path)
                    log.info("removed the unfinished backup %s", entry.name)
            except OSError:
                continue

    # -- schedule and status ----------------------------------------------------------------

    def status(self, last_error: str = "") -> BackupStatus:
        """Return the state of the backups of this database (reads the folder)."""
        settings = self.settings()
        now = self._ctx.clock()
        if settings is None:
            return BackupStatus(False, None, False, DEFAULT_EVERY_MINUTES, None, now, last_error)
        folder_ok = settings.folder.is_dir()
        backups = self.list_backups(settings.folder) if folder_ok else []
        last = backups[-1] if backups else None
        return BackupStatus(
            True, settings.folder, folder_ok, settings.every_minutes, last, now, last_error
        )

    def scheduled(self, *, now_please: bool = False) -> BackupStatus:
        """Take a backup if one is due (or ``now_please``: an incident was closed).

        Never raises for a backup that could not be taken: the status carries the reason,
        for the status bar or the worker's log.
        """
        status = self.status()
        if not status.configured or not status.folder_ok:
            return status
        last = status.last_good.taken_at if status.last_good else None
        if not (now_please or is_due(last, status.now, status.every_minutes)):
            return status
        try:
            self.backup()
        except Exception as error:
            log.warning("scheduled backup failed: %s", error)
            return self.status(last_error=str(error))
        return self.status()

    def watch(
        self,
        stop: threading.Event,
        *,
        check_seconds: float = 30.0,
        on_status: Callable[[BackupStatus, bool], None] | None = None,
    ) -> None:
        """Back up on schedule and whenever an incident is closed, until ``stop`` is set.

        ``on_status(status, backed_up)`` is called after every check (from this thread).
        """
        closed = self.closed_incidents()
        while not stop.is_set():
            try:
                now_closed = self.closed_incidents()
            except WarRoomError as error:
                log.warning("backup schedule: cannot read the database: %s", error)
                now_closed = closed
            before = self.status()
            status = self.scheduled(now_please=now_closed > closed)
            closed = now_closed
            if on_status is not None:
                on_status(status, status.last_good != before.last_good)
            stop.wait(check_seconds)

    def closed_incidents(self) -> int:
        """Return how many incidents are closed (the scheduler backs up when this grows)."""
        return snapshots.closed_incident_count(self._ctx.db)


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", socket.gethostname()) or "host"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
