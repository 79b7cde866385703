"""Backup rules: names, rotation, schedule and how a backup's chains relate to the database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.backups import (
    BackupName,
    ChainHead,
    Relation,
    backup_name,
    backups_to_keep,
    compare_chain,
    describe_age,
    heads_digest,
    is_due,
    is_stale,
    parse_backup_name,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HEADS = (ChainHead(1, 12, "a" * 64), ChainHead(2, 3, "b" * 64))


def test_name_says_time_and_heads_and_parses_back() -> None:
    name = backup_name("warroom", NOW, HEADS)
    assert name == f"warroom-20261123T090000Z-2i-15e-{heads_digest(HEADS)}.db"
    parsed = parse_backup_name("warroom", name)
    assert parsed == BackupName(name, NOW, 2, 15, heads_digest(HEADS))


def test_digest_changes_with_any_head() -> None:
    moved = (HEADS[0], ChainHead(2, 4, "c" * 64))
    assert heads_digest(HEADS) != heads_digest(moved)
    assert heads_digest(HEADS) == heads_digest(tuple(reversed(HEADS)))


@pytest.mark.parametrize(
    "name",
    [
        ".warroom-20261123T090000Z.host-12.partial",  # a backup being written
        "warroom-20261123T090000Z-2i-15e-0123456789ab.db.tmp",
        "warroom-test-20261123T090000Z-2i-15e-0123456789ab.db",  # another database
        "warroom-20261399T090000Z-2i-15e-0123456789ab.db",  # no such date
        "notes.txt",
    ],
)
def test_only_finished_backups_of_this_database_count(name: str) -> None:
    assert parse_backup_name("warroom", name) is None


def _backups(times: list[datetime]) -> list[BackupName]:
    return [BackupName(f"b{n}", t, 1, 1, "0" * 12) for n, t in enumerate(times)]


def test_rotation_keeps_the_last_n_and_one_a_day_for_thirty_days() -> None:
    # Every 10 minutes for 40 days: 5760 backups.
    times = [NOW - timedelta(minutes=10 * n) for n in range(40 * 144)]
    backups = _backups(times)
    kept = backups_to_keep(backups, NOW, keep_last=48, daily_days=30)
    by_name = {b.name: b for b in backups}
    newest = sorted(backups, key=lambda b: b.taken_at)[-48:]
    assert {b.name for b in newest} <= kept
    days = {by_name[name].taken_at.date() for name in kept}
    assert len(days) == 31  # today and the 30 days before
    assert min(days) == (NOW - timedelta(days=30)).date()
    # Beyond the last 48: exactly one per day, the newest of that day.
    older = [by_name[name] for name in kept if by_name[name] not in newest]
    for backup in older:
        same_day = [b for b in backups if b.taken_at.date() == backup.taken_at.date()]
        assert backup.taken_at == max(b.taken_at for b in same_day)
    assert len(kept) == 48 + 30  # today's newest is among the last 48


def test_rotation_of_a_few_backups_keeps_them_all() -> None:
    backups = _backups([NOW - timedelta(hours=n) for n in range(5)])
    assert backups_to_keep(backups, NOW) == {b.name for b in backups}


def test_due_and_stale() -> None:
    assert is_due(None, NOW, 10)
    assert not is_due(NOW - timedelta(minutes=9), NOW, 10)
    assert is_due(NOW - timedelta(minutes=10), NOW, 10)
    assert is_stale(None, NOW, 10)
    assert not is_stale(NOW - timedelta(minutes=20), NOW, 10)
    assert is_stale(NOW - timedelta(minutes=21), NOW, 10)
    assert describe_age(NOW - timedelta(minutes=4, seconds=5), NOW) == "4 min ago"
    assert describe_age(None, NOW) == "never"


def test_chain_relations() -> None:
    head = ChainHead(1, 5, "e" * 64)
    assert compare_chain(1, head, head).relation is Relation.SAME
    longer = ChainHead(1, 8, "f" * 64)
    newer_db = compare_chain(1, head, longer, database_hash_at_backup_head="e" * 64)
    assert newer_db.relation is Relation.DATABASE_NEWER
    assert newer_db.loses_data and newer_db.missing_entries == 3
    forked = compare_chain(1, head, longer, database_hash_at_backup_head="9" * 64)
    assert forked.relation is Relation.DIVERGED and forked.loses_data
    newer_backup = compare_chain(1, longer, head, backup_hash_at_database_head="e" * 64)
    assert newer_backup.relation is Relation.BACKUP_NEWER and not newer_backup.loses_data
    same_length_other_head = compare_chain(1, head, ChainHead(1, 5, "d" * 64))
    assert same_length_other_head.relation is Relation.DIVERGED
    assert compare_chain(1, head, None).relation is Relation.ONLY_IN_BACKUP
    only_db = compare_chain(1, None, head)
    assert only_db.relation is Relation.ONLY_IN_DATABASE and only_db.missing_entries == 5
