"""The inbox in the database, on SQLite and PostgreSQL: upgrade from 0005, stats, filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from warroom.domain.inbox import Author, Heard, InboxFilter, InboxState, SourceKind, Suggestion

pytestmark = pytest.mark.both_databases

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_upgrade_from_0005_keeps_incidents_and_adds_an_empty_inbox(db_url: str) -> None:
    from warroom.services import build_services
    from warroom.storage.database import open_database
    from warroom.storage.migrate import upgrade_to
    from warroom.storage.schema import HEAD

    engine = create_engine(db_url)
    upgrade_to(engine, "0005_regulator_notification")
    zone = "+00" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_label, entry_count, head_hash, "
                "lessons_learned, version) VALUES (1, 'Old one', 3, 'open', :t, :t, :t, 'bob', "
                "'', 0, :genesis, '', 1)"
            ),
            {"t": f"2026-01-01 00:00:00{zone}", "genesis": "0" * 64},
        )
    engine.dispose()

    db = open_database(db_url)
    services = build_services(db)
    try:
        assert services.incidents.get(1).title == "Old one"
        assert services.inbox.items() == [] and services.sources.all() == []
        assert services.inbox.stats(incident_id=1).total == 0
        with db.reading() as session:
            assert session.execute(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    finally:
        db.dispose()


def _store(services: Any, rows: list[tuple[int, float | None, int, int | None]]) -> list[Any]:
    """Store items: (minutes after T0 posted, sentiment, suggested priority, answered after)."""
    from warroom.storage import inbox_repo, source_repo

    services.sources.configure(
        "masto", SourceKind.MASTODON, {"url": "https://masto.example"}, "token"
    )
    heard = [
        (
            Heard(
                remote_id=str(n),
                text=f"item {n}",
                posted_at=T0 + timedelta(minutes=minute),
                author=Author("someone"),
            ),
            Suggestion(priority, sentiment=sentiment),
        )
        for n, (minute, sentiment, priority, _answer) in enumerate(rows)
    ]
    with services.db.transaction() as session:
        items = inbox_repo.add_heard(session, source_repo.by_name(session, "masto"), heard, T0)
        for item, (minute, _s, _p, answer) in zip(items, rows, strict=True):
            if answer is not None:
                inbox_repo.update(
                    session,
                    item.id,
                    state=InboxState.REPLIED,
                    responded_at=T0 + timedelta(minutes=minute + answer),
                )
    return items


def test_stats_are_computed_by_the_database(services: Any, clock: Any) -> None:
    rows: list[tuple[int, float | None, int, int | None]] = [
        (1, -0.6, 1, 10),
        (2, 0.5, 1, 20),
        (3, None, 2, None),
        (16, -0.2, 1, 30),
        (17, 0.0, 4, None),
    ]
    rows += [(31, -0.9, 2, None)] * 6  # a wave in the 09:30 bucket
    _store(services, rows)
    clock.now = T0 + timedelta(hours=1)

    stats = services.inbox.stats(bucket="15m")

    assert [(b.start.minute, b.total) for b in stats.buckets] == [(0, 3), (15, 2), (30, 6)]
    assert [b.spike for b in stats.buckets] == [False, False, True]
    assert stats.buckets[0].negative == 1 and stats.buckets[0].scored == 2
    assert stats.negative == 8 and stats.scored == 10
    p1 = stats.response[0]
    assert (p1.answered, p1.median, p1.p90) == (3, timedelta(minutes=20), timedelta(minutes=30))
    assert stats.waiting == 8
    assert stats.oldest_wait == timedelta(minutes=57)
    hourly = services.inbox.stats(bucket="1h")
    assert [(b.start.hour, b.total) for b in hourly.buckets] == [(9, 11)]


def test_filters_at_the_service_level(services: Any) -> None:
    items = _store(services, [(1, None, 1, None), (2, None, 3, 5), (3, None, 3, None)])
    services.inbox.triage(items[2].id, "alice", priority=1)
    assert services.inbox.count(InboxFilter(priority=1)) == 2  # suggested 1, and set to 1
    assert services.inbox.count(InboxFilter(priority=3)) == 1
    assert services.inbox.count(InboxFilter(states=(InboxState.REPLIED,))) == 1
    assert services.inbox.count(InboxFilter(source="masto", search="ITEM 2")) == 1
    newest_first = [i.text for i in services.inbox.items(InboxFilter(), limit=2)]
    assert newest_first == ["item 2", "item 1"]
