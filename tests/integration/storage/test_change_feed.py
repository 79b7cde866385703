"""The change feed: each use case names what it changed, readers see it once, old rows go."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import create_engine, func, inspect, select, text

from warroom.domain.changes import Area, Changes
from warroom.services import Services, build_services
from warroom.storage import changes
from warroom.storage.database import open_database
from warroom.storage.models import ChangeFeedRow
from warroom.storage.schema import HEAD

pytestmark = pytest.mark.both_databases


def _changed(services: Services, action: object) -> Changes:
    seen = services.changes.latest()
    action()  # type: ignore[operator]
    newest, changed = services.changes.since(seen)
    assert newest > seen
    return changed


def test_each_use_case_names_the_areas_it_changed(services: Services) -> None:
    opened = services.incidents.open("Outage", 3, "alice", playbook_key="service-outage")
    i = opened.id
    assert services.changes.since(0)[1] == Changes.of(
        (i, Area.INCIDENT), (i, Area.TIMELINE), (i, Area.CHECKLIST), (i, Area.STATEMENTS)
    )
    assert _changed(services, lambda: services.timeline.add(i, "note", "alice")) == Changes.of(
        (i, Area.TIMELINE)
    )
    draft = services.statements.draft(i, ["email"], "We are on it.", "alice", subject="Update")
    workflow = Changes.of((i, Area.STATEMENTS), (i, Area.TIMELINE))
    assert _changed(services, lambda: services.statements.submit(draft.id, "alice")) == workflow
    assert _changed(services, lambda: services.statements.approve(draft.id, "bob")) == workflow
    released = _changed(services, lambda: services.statements.release(draft.id, "alice"))
    assert released == Changes.of((i, Area.STATEMENTS), (i, Area.TIMELINE), (i, Area.OUTBOX))
    item = services.checklist.items(i)[0]
    assert _changed(services, lambda: services.checklist.done(i, item.id, "alice")) == (
        Changes.of((i, Area.CHECKLIST), (i, Area.TIMELINE))
    )
    assert _changed(services, lambda: services.people.put("alice", "lead", "alice")) == (
        Changes.of((None, Area.PEOPLE))
    )
    assert _changed(
        services, lambda: services.incidents.close(i, "alice", anyway="wrapping up the test")
    ) == Changes.of((i, Area.INCIDENT), (i, Area.TIMELINE))


def test_a_refused_use_case_records_nothing(services: Services) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    services.incidents.close(incident.id, "alice", anyway="wrapping up the test")
    seen = services.changes.latest()
    with pytest.raises(Exception, match="closed"):
        services.timeline.add(incident.id, "too late", "alice")
    assert services.changes.since(seen) == (seen, Changes())


def test_a_reader_behind_the_pruned_rows_is_told_everything_changed(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(changes, "KEEP_ROWS", 10)
    monkeypatch.setattr(changes, "PRUNE_EVERY", 5)
    incident = services.incidents.open("Busy", 3, "alice")
    seen = services.changes.latest()
    for n in range(30):
        services.timeline.add(incident.id, f"n{n}", "alice")
    with services.db.reading() as session:
        kept = session.scalar(select(func.count()).select_from(ChangeFeedRow))
    assert kept is not None and kept <= 10 + 5
    newest, changed = services.changes.since(seen)
    assert changed.everything and newest == seen + 30
    assert services.changes.since(newest - 3)[1] == Changes.of((incident.id, Area.TIMELINE))


def test_upgrade_from_0005_replaces_the_counter_and_keeps_the_data(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    upgrade_to(engine, "0005_regulator_notification")
    zone = "+00" if engine.dialect.name == "postgresql" else ""
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_label, entry_count, head_hash, "
                "version) VALUES (1, 'Old one', 3, 'open', :t, :t, :t, 'bob', '', 0, :g, 1)"
            ),
            {"t": f"2026-01-01 00:00:00{zone}", "g": "0" * 64},
        )
        connection.execute(text("UPDATE change_counter SET value = 41"))
    engine.dispose()
    db = open_database(db_url)
    try:
        tables = set(inspect(db.engine).get_table_names())
        assert "change_feed" in tables and "change_counter" not in tables
        with db.reading() as session:
            version = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
        assert version == HEAD
        services = build_services(db)
        assert services.incidents.get(1).title == "Old one"
        assert services.changes.latest() == 0
        services.timeline.add(1, "after the upgrade", "bob")
        assert services.changes.since(0) == (1, Changes.of((1, Area.TIMELINE)))
        assert services.timeline.verify(1).ok
    finally:
        db.dispose()


@pytest.mark.postgresql_only
def test_a_listener_wakes_up_when_another_workstation_commits(
    services: Services, db_url: str
) -> None:
    incident = services.incidents.open("Live", 3, "alice")
    assert services.changes.can_listen()
    listener = services.changes.listen()
    other = open_database(db_url)
    try:
        assert listener.wait(0.2) is False  # nothing committed
        threading.Timer(
            0.3, lambda: build_services(other).timeline.add(incident.id, "hi", "bob")
        ).start()
        began = time.monotonic()
        assert listener.wait(10) is True
        assert time.monotonic() - began < 5
        assert listener.wait(0.2) is False  # one wake-up per commit, drained
    finally:
        listener.close()
        other.dispose()


@pytest.mark.sqlite_only
def test_sqlite_is_polled_not_listened_to(services: Services) -> None:
    assert not services.changes.can_listen()
