"""The append's prepared statements write exactly what ``Connection.execute`` wrote (issue 18).

An append runs its statements straight on the driver's cursor (``storage.prepared``). These
tests hold it to the Core path it replaced: the stored row is the same, value for value and
type for type, as a Core ``insert(TimelineEntryRow)`` of the same values; the chain still
verifies from the CLI; driver errors still come back as SQLAlchemy's, and a refused append
leaves nothing behind.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import bindparam, insert, select, text, update
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.conftest import CliResult, SteppingClock
from warroom.domain.changes import Area
from warroom.domain.errors import NotFoundError, RuleViolation
from warroom.domain.timeline import EntryKind
from warroom.services import Services
from warroom.storage import changes, timeline_repo
from warroom.storage.models import ChangeFeedRow, IncidentRow, TimelineEntryRow
from warroom.storage.prepared import Prepared

pytestmark = pytest.mark.both_databases

COLUMNS = [name for name in timeline_repo.ENTRY_INSERT_COLUMNS if name not in ("seq", "hash")]


def _stored(session: Any, entry_id: int) -> tuple[Any, ...]:
    """The row as the database holds it: each column as text plus its stored type."""
    if session.get_bind().dialect.name == "sqlite":
        shown = ", ".join(f"typeof({c}), CAST({c} AS TEXT)" for c in COLUMNS)
    else:
        shown = ", ".join(f"pg_typeof({c})::text, {c}::text" for c in COLUMNS)
    row = session.execute(
        text(f"SELECT {shown} FROM timeline_entries WHERE id = :id"), {"id": entry_id}
    )
    return tuple(row.one())


def test_an_append_stores_the_row_a_core_insert_of_the_same_values_stores(
    services: Services, clock: SteppingClock
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    original = services.timeline.add(incident.id, "Gateway down", "alice")
    clock.advance(seconds=1.5)
    with services.db.transaction() as session:
        when = clock() - timedelta(minutes=3)
        entry = timeline_repo.append(
            session,
            incident_id=incident.id,
            kind=EntryKind.DECISION,
            text="Fail over to region 2 — «now»",
            author="alice",
            at=clock(),
            corrects_id=original.id,
            data={"occurred_at": when.isoformat(), "n": 1, "nested": {"b": [1, None]}},
        )
        values = {name: getattr(entry, name) for name in ("incident_id", "text", "author")}
        values.update(
            kind=entry.kind.value,
            created_at=entry.created_at,
            corrects_id=entry.corrects_id,
            corrects_seq=original.seq,
            data=entry.data,
            prev_hash=entry.prev_hash,
            seq=entry.seq + 1000,  # beside it: the (incident, seq) pair is unique
            hash="0" * 64,
        )
        core_id = session.execute(
            insert(TimelineEntryRow).returning(TimelineEntryRow.id), values
        ).scalar_one()
        assert _stored(session, entry.id) == _stored(session, core_id)
        stored = session.execute(
            select(
                TimelineEntryRow.seq, TimelineEntryRow.hash, TimelineEntryRow.corrects_seq
            ).where(TimelineEntryRow.id == entry.id)
        ).one()
        assert tuple(stored) == (entry.seq, entry.hash, original.seq)
        session.rollback()  # the Core row breaks the chain on purpose: keep neither
    # read back through the ORM, the entry is the one the append returned
    services.timeline.add(incident.id, "after", "alice")
    assert services.timeline.verify(incident.id).ok


def test_appended_chain_verifies_in_full_from_the_cli(
    services: Services, clock: SteppingClock, run_cli: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    first = services.timeline.add(incident.id, "Café payé ✓", "alice")
    clock.advance(seconds=2)
    services.timeline.add(
        incident.id, "seen earlier", "alice", occurred_at=clock() - timedelta(minutes=5)
    )
    services.timeline.correct(incident.id, first.id, "Café payé (corrected)", "alice")
    services.timeline.add(incident.id, "Decided", "alice", EntryKind.DECISION)
    result: CliResult = run_cli("verify", "--incident", str(incident.id), "--full")
    assert result.code == 0, result.err
    head = services.incidents.get(incident.id)
    entries = services.timeline.entries(incident.id)
    assert head.entry_count == entries[-1].seq and head.head_hash == entries[-1].hash
    assert [e.prev_hash for e in entries[1:]] == [e.hash for e in entries[:-1]]


def test_each_append_writes_one_search_row_and_one_feed_row(services: Services) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    seen = services.changes.latest()
    for n in range(3):
        services.timeline.add(incident.id, f"gateway check {n}", "alice")
    with services.db.reading() as session:
        feed = session.execute(
            select(ChangeFeedRow.incident_id, ChangeFeedRow.area).where(ChangeFeedRow.seq > seen)
        ).all()
    assert feed == [(incident.id, Area.TIMELINE.value)] * 3
    found = services.timeline.entries(incident.id, search="gateway")
    assert [e.text for e in found] == [f"gateway check {n}" for n in range(3)]


def test_a_closed_or_unknown_incident_is_refused_by_the_head_read(services: Services) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    services.timeline.add(incident.id, "note", "alice")
    services.incidents.close(incident.id, "alice")
    before = services.incidents.get(incident.id)
    with pytest.raises(RuleViolation, match="closed and read-only"):
        services.timeline.add(incident.id, "late", "alice")
    with pytest.raises(NotFoundError, match="no incident 999"):
        services.timeline.add(999, "nowhere", "alice")
    after = services.incidents.get(incident.id)
    assert (after.entry_count, after.head_hash) == (before.entry_count, before.head_hash)


def test_driver_errors_come_back_as_sqlalchemy_errors_and_roll_back(services: Services) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    entry = services.timeline.add(incident.id, "note", "alice")
    count = services.incidents.get(incident.id).entry_count
    duplicate = Prepared(insert(ChangeFeedRow).values(seq=bindparam("seq"), area=bindparam("area")))
    change = Prepared(
        update(TimelineEntryRow)
        .where(TimelineEntryRow.id == bindparam("id"))
        .values(text=bindparam("text"))
    )
    with pytest.raises(IntegrityError), services.db.transaction() as session:
        connection = session.connection()
        newest = changes.latest(session)
        duplicate.run(connection, {"seq": newest, "area": "timeline"})
    with pytest.raises(DBAPIError, match="insert-only"), services.db.transaction() as session:
        change.run(session.connection(), {"id": entry.id, "text": "rewritten"})
    # both transactions rolled back; the connection they used works on
    assert services.timeline.entries(incident.id)[-1].text == "note"
    services.timeline.add(incident.id, "next", "alice")
    assert services.incidents.get(incident.id).entry_count == count + 1


def test_the_prepared_sql_is_the_dialects_own(services: Services) -> None:
    statement = select(IncidentRow.head_hash).where(IncidentRow.id == bindparam("id"))
    dialect = services.db.engine.dialect
    assert Prepared(statement).sql(dialect) == str(statement.compile(dialect=dialect))
