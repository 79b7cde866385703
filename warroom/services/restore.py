"""Restoring a backup: verify it, show how it differs, keep the current data, replace.

A backup that fails verification is refused. Restoring one that lacks entries the database
has (an older backup, another branch of a chain, an incident it does not know) is refused
unless forced. Whatever is restored, the current database is first copied beside it, so a
mistaken restore can itself be undone. The replacement is one transaction: an open window
or another workstation sees the old data or the restored data, never a mix.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from warroom.domain.backups import ChainComparison, ChainHead, Relation, compare_chain, entries
from warroom.domain.errors import RuleViolation
from warroom.services.backups import BackupService
from warroom.services.context import ServiceContext
from warroom.services.snapshot_check import SnapshotCheck, verified
from warroom.storage import snapshots
from warroom.storage.database import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RestorePlan:
    """A verified backup compared with the current database, incident by incident."""

    check: SnapshotCheck
    comparisons: tuple[ChainComparison, ...]
    current_heads: tuple[ChainHead, ...]

    @property
    def loses_data(self) -> bool:
        """Tell whether restoring would drop entries the database has (needs --force)."""
        return any(item.loses_data for item in self.comparisons)

    @property
    def missing_entries(self) -> int:
        """Return how many of the database's entries the backup does not have."""
        return sum(item.missing_entries for item in self.comparisons)

    @property
    def changes(self) -> tuple[ChainComparison, ...]:
        """Return the incidents that differ."""
        return tuple(item for item in self.comparisons if item.relation is not Relation.SAME)

    def describe(self) -> list[str]:
        """Return lines for a person: what the backup holds and how it differs."""
        lines = [self.check.describe()]
        if not self.changes:
            lines.append("it holds exactly the chains of the current database")
        for item in self.changes:
            lines.append(f"  {item.describe()}")
        if self.loses_data:
            lines.append(
                f"the current database has {entries(self.missing_entries)} the backup lacks"
            )
        return lines


@dataclass(frozen=True, slots=True)
class RestoreResult:
    """What a restore did."""

    plan: RestorePlan
    kept: Path
    rows: dict[str, int]
    seconds: float


class RestoreService:
    """Put a verified backup in place of the current data."""

    def __init__(self, context: ServiceContext, backups: BackupService) -> None:
        self._ctx = context
        self._backups = backups

    def plan(self, path: Path) -> RestorePlan:
        """Verify the backup at ``path`` and compare it with the database (nothing changes)."""
        with verified(path) as (check, source):
            return self._plan(check, source)

    def restore(
        self,
        path: Path,
        *,
        force: bool = False,
        on_plan: Callable[[RestorePlan], None] | None = None,
    ) -> RestoreResult:
        """Restore the backup at ``path``; refuse a failing one, or a loss without ``force``.

        ``on_plan`` is shown the comparison before anything is decided (the CLI prints it).
        """
        started = time.perf_counter()
        with verified(path) as (check, source):
            plan = self._plan(check, source)
            assert source is not None
            if on_plan is not None:
                on_plan(plan)
            if plan.loses_data and not force:
                worst = next(item for item in plan.changes if item.loses_data)
                raise RuleViolation(
                    f"the current database is newer than {path.name} ({worst.describe()}; "
                    f"{entries(plan.missing_entries)} in all would be lost); nothing was "
                    "restored. Add --force to restore it anyway (the current database is "
                    "kept beside it)"
                )
            kept = self._keep_current(path)
            rows = snapshots.restore_into(source, self._ctx.db, plan.current_heads)
        log.info("restored %s (the previous data is kept in %s)", path, kept)
        return RestoreResult(plan, kept, rows, time.perf_counter() - started)

    def _plan(self, check: SnapshotCheck, source: Database | None) -> RestorePlan:
        if not check.ok or source is None:
            raise RuleViolation(f"{check.describe()}; nothing was restored")
        database = self._ctx.db
        current = tuple(snapshots.chain_heads(database))
        in_backup = {head.incident_id: head for head in check.heads}
        in_database = {head.incident_id: head for head in current}
        comparisons = []
        for incident_id in sorted(in_backup.keys() | in_database.keys()):
            backup, now = in_backup.get(incident_id), in_database.get(incident_id)
            database_hash = backup_hash = None
            if backup is not None and now is not None:
                if backup.entry_count < now.entry_count:
                    database_hash = snapshots.hash_at(database, incident_id, backup.entry_count)
                elif now.entry_count < backup.entry_count:
                    backup_hash = snapshots.hash_at(source, incident_id, now.entry_count)
            comparisons.append(
                compare_chain(
                    incident_id,
                    backup,
                    now,
                    database_hash_at_backup_head=database_hash,
                    backup_hash_at_database_head=backup_hash,
                )
            )
        return RestorePlan(check, tuple(comparisons), current)

    def _keep_current(self, backup_path: Path) -> Path:
        """Copy the current database beside it (a server's: beside the backup restored)."""
        database = self._ctx.db
        stamp = f"{self._ctx.clock():%Y%m%dT%H%M%SZ}"
        if database.is_sqlite:
            live = Path(database.location)
            kept = live.with_name(f"{live.stem}.before-restore-{stamp}{live.suffix or '.db'}")
            kept.unlink(missing_ok=True)
            snapshots.copy_sqlite_file(live, kept)
        else:
            kept = backup_path.with_name(
                f"{self._backups.prefix}.before-restore-{stamp}.db"
            ).absolute()
            kept.unlink(missing_ok=True)
            snapshots.copy_server_to_file(database, kept)
        return kept
