"""Verifying a copy of the database (a backup, a converted file) before trusting it.

A copy is good when SQLite finds it sound (integrity and foreign keys), it is a War Room
database this version can read, and every incident's hash chain verifies exactly as a live
incident's does (:meth:`TimelineService.verify`). A backup written by an older War Room is
verified on a temporary copy migrated to today's schema; the file itself is never changed.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from warroom.domain.backups import ChainHead
from warroom.domain.errors import NotFoundError, StorageError
from warroom.services.context import ServiceContext
from warroom.services.timeline import TimelineService
from warroom.storage import snapshots, sqlcipher
from warroom.storage.database import Database
from warroom.storage.schema import HEAD, KNOWN_REVISIONS


@dataclass(frozen=True, slots=True)
class SnapshotCheck:
    """What verifying a copy found."""

    path: Path
    ok: bool
    problem: str = ""
    encrypted: bool = False
    revision: str | None = None
    heads: tuple[ChainHead, ...] = field(default_factory=tuple)
    size: int = 0

    @property
    def entry_count(self) -> int:
        """Return the number of timeline entries in the copy."""
        return sum(head.entry_count for head in self.heads)

    def describe(self) -> str:
        """Return one line for a person."""
        if not self.ok:
            return f"{self.path.name} fails verification: {self.problem}"
        state = "encrypted, " if self.encrypted else ""
        return (
            f"{self.path.name} verified ({state}{len(self.heads)} incidents, "
            f"{self.entry_count} entries, every chain intact)"
        )


@contextmanager
def verified(path: Path) -> Iterator[tuple[SnapshotCheck, Database | None]]:
    """Verify the copy at ``path``; yield the outcome and, when good, the copy opened for
    reading (at today's schema). A missing or wrong key is refused as StorageError."""
    if not path.is_file():
        raise NotFoundError(f"{path} is not a file")
    encrypted = sqlcipher.key_for(path) is not None
    size = path.stat().st_size
    with ExitStack() as stack:
        database = stack.enter_context(snapshots.opened_read_only(path))

        def failed(problem: str) -> SnapshotCheck:
            return SnapshotCheck(path, False, problem, encrypted, size=size)

        problem = snapshots.integrity_problem(database)
        if problem is not None:
            yield failed(problem), None
            return
        revision, has_incidents = snapshots.schema_revision(database)
        if revision is None or not has_incidents:
            yield failed("it is not a War Room database"), None
            return
        if revision not in KNOWN_REVISIONS:
            yield failed(f"it was written by a newer War Room (schema {revision})"), None
            return
        if revision != HEAD:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="warroom-")))
            database = snapshots.copy_for_upgrade(path, folder / "upgraded.db")
            stack.callback(database.dispose)
        heads = tuple(snapshots.chain_heads(database))
        timeline = TimelineService(ServiceContext(db=database))
        for head in heads:
            report = timeline.verify(head.incident_id)
            if not report.ok:
                yield failed(f"incident {head.incident_id}: {report.describe()}"), None
                return
        yield SnapshotCheck(path, True, "", encrypted, revision, heads, size), database


def check_file(path: Path) -> SnapshotCheck:
    """Verify the copy at ``path`` and return the outcome (refusing only a missing key)."""
    try:
        with verified(path) as (check, _database):
            return check
    except (sqlcipher.MissingKey, sqlcipher.WrongKey):
        raise
    except StorageError as error:
        return SnapshotCheck(path, False, str(error))
