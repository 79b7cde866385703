"""Backups as rules: how a backup is named, which ones are kept, when one is due or stale,
and how a backup's chains relate to the live database's.

A backup's file name says when it was taken and what it holds, so a person choosing one on a
USB stick can tell them apart without opening them::

    warroom-20261123T090000Z-3i-1250e-9f2c4e1a7b3d.db
    <database>-<UTC time>-<incidents>i-<entries>e-<digest of every incident's chain head>.db

Only files with such a name count as backups: one being written has a hidden temporary name
until it has been verified, so a crash never leaves a half backup that looks good.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum

SUFFIX = ".db"
STAMP_FORMAT = "%Y%m%dT%H%M%SZ"
DEFAULT_EVERY_MINUTES = 10
DEFAULT_KEEP_LAST = 48
DAILY_DAYS = 30
GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ChainHead:
    """Where one incident's chain ends: its number of entries and the last entry's hash."""

    incident_id: int
    entry_count: int
    head_hash: str


def heads_digest(heads: Iterable[ChainHead]) -> str:
    """Return 12 hex digits that change whenever any incident's chain head changes."""
    body = "\n".join(
        f"{head.incident_id}:{head.entry_count}:{head.head_hash}"
        for head in sorted(heads, key=lambda head: head.incident_id)
    )
    return hashlib.sha256(body.encode("ascii")).hexdigest()[:12]


def backup_name(prefix: str, taken_at: datetime, heads: Sequence[ChainHead]) -> str:
    """Return the file name of a backup of database ``prefix`` taken at ``taken_at``."""
    stamp = taken_at.astimezone(UTC).strftime(STAMP_FORMAT)
    entries = sum(head.entry_count for head in heads)
    return f"{prefix}-{stamp}-{len(heads)}i-{entries}e-{heads_digest(heads)}{SUFFIX}"


def _name_pattern(prefix: str) -> re.Pattern[str]:
    return re.compile(
        rf"^{re.escape(prefix)}-(\d{{8}}T\d{{6}}Z)-(\d+)i-(\d+)e-([0-9a-f]{{12}}){re.escape(SUFFIX)}$"
    )


@dataclass(frozen=True, slots=True)
class BackupName:
    """What a backup's file name says."""

    name: str
    taken_at: datetime
    incidents: int
    entries: int
    digest: str


def parse_backup_name(prefix: str, name: str) -> BackupName | None:
    """Return what ``name`` says if it is a finished backup of ``prefix``, else None."""
    match = _name_pattern(prefix).match(name)
    if match is None:
        return None
    try:
        taken_at = datetime.strptime(match.group(1), STAMP_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        return None
    return BackupName(name, taken_at, int(match.group(2)), int(match.group(3)), match.group(4))


def backups_to_keep(
    backups: Sequence[BackupName],
    now: datetime,
    *,
    keep_last: int = DEFAULT_KEEP_LAST,
    daily_days: int = DAILY_DAYS,
) -> set[str]:
    """Return the names to keep: the newest ``keep_last``, plus the newest of each UTC day
    of the last ``daily_days`` days."""
    newest_first = sorted(backups, key=lambda backup: (backup.taken_at, backup.name), reverse=True)
    keep = {backup.name for backup in newest_first[: max(keep_last, 1)]}
    oldest_day = (now.astimezone(UTC) - timedelta(days=daily_days)).date()
    seen_days: set[object] = set()
    for backup in newest_first:
        day = backup.taken_at.date()
        if day >= oldest_day and day not in seen_days:
            seen_days.add(day)
            keep.add(backup.name)
    return keep


def is_due(last_good_at: datetime | None, now: datetime, every_minutes: int) -> bool:
    """Tell whether a scheduled backup should be taken now."""
    return last_good_at is None or now - last_good_at >= timedelta(minutes=every_minutes)


def is_stale(last_good_at: datetime | None, now: datetime, every_minutes: int) -> bool:
    """Tell whether the last good backup is older than twice the interval (or missing)."""
    return last_good_at is None or now - last_good_at > timedelta(minutes=2 * every_minutes)


def describe_age(last_good_at: datetime | None, now: datetime) -> str:
    """Return how old the last good backup is, for a status bar ('4 min ago')."""
    if last_good_at is None:
        return "never"
    seconds = max(int((now - last_good_at).total_seconds()), 0)
    if seconds < 60:
        return "just now"
    minutes = seconds // 60
    if minutes < 120:
        return f"{minutes} min ago"
    hours = minutes // 60
    if hours < 48:
        return f"{hours} h ago"
    return f"{hours // 24} days ago"


def entries(count: int) -> str:
    """Return '1 entry' or 'N entries'."""
    return f"{count} {'entry' if count == 1 else 'entries'}"


class Relation(StrEnum):
    """How an incident's chain in a backup relates to the same incident in the database."""

    SAME = "same"
    BACKUP_NEWER = "backup newer"  # the backup continues the database's chain
    DATABASE_NEWER = "database newer"  # the database continues the backup's chain
    DIVERGED = "diverged"  # neither is a prefix of the other
    ONLY_IN_BACKUP = "only in backup"
    ONLY_IN_DATABASE = "only in database"


@dataclass(frozen=True, slots=True)
class ChainComparison:
    """One incident compared between a backup and the database."""

    incident_id: int
    relation: Relation
    backup_entries: int
    database_entries: int

    @property
    def loses_data(self) -> bool:
        """Tell whether restoring the backup would drop entries the database has."""
        return self.relation in (
            Relation.DATABASE_NEWER,
            Relation.DIVERGED,
            Relation.ONLY_IN_DATABASE,
        )

    @property
    def missing_entries(self) -> int:
        """Return how many of the database's entries the backup lacks (for a prefix)."""
        if self.relation in (Relation.DATABASE_NEWER, Relation.ONLY_IN_DATABASE):
            return self.database_entries - self.backup_entries
        if self.relation is Relation.DIVERGED:
            return self.database_entries
        return 0

    def describe(self) -> str:
        """Return one line for a person."""
        counts = f"{entries(self.backup_entries)} in the backup, {self.database_entries} now"
        return f"incident {self.incident_id}: {self.relation.value} ({counts})"


def compare_chain(
    incident_id: int,
    backup: ChainHead | None,
    database: ChainHead | None,
    *,
    database_hash_at_backup_head: str | None = None,
    backup_hash_at_database_head: str | None = None,
) -> ChainComparison:
    """Relate the two chains of one incident.

    The caller looks up the hash of entry number ``backup.entry_count`` in the database (and
    the reverse): a chain continues another exactly when that hash equals the other's head.
    """
    if backup is None and database is None:
        raise ValueError("nothing to compare")
    if database is None:
        assert backup is not None
        return ChainComparison(incident_id, Relation.ONLY_IN_BACKUP, backup.entry_count, 0)
    if backup is None:
        return ChainComparison(incident_id, Relation.ONLY_IN_DATABASE, 0, database.entry_count)
    relation = Relation.DIVERGED
    if backup.entry_count == database.entry_count:
        if backup.head_hash == database.head_hash:
            relation = Relation.SAME
    elif backup.entry_count < database.entry_count:
        if database_hash_at_backup_head == backup.head_hash:
            relation = Relation.DATABASE_NEWER
    elif backup_hash_at_database_head == database.head_hash:
        relation = Relation.BACKUP_NEWER
    return ChainComparison(incident_id, relation, backup.entry_count, database.entry_count)
