"""The append-only timeline: appends extend the hash chain; nothing here updates or deletes."""

from __future__ import annotations

from collections.abc import Generator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, insert, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from warroom.domain.errors import NotFoundError, RuleViolation, StorageError
from warroom.domain.incidents import IncidentState
from warroom.domain.timeline import (
    ChainRecord,
    EntryKind,
    TimelineEntry,
    TimelineEvent,
    entry_hash,
)
from warroom.storage.models import IncidentRow, TimelineEntryRow
from warroom.storage.prepared import Prepared


def to_domain(row: TimelineEntryRow | Row[Any]) -> TimelineEntry:
    """Map an ORM row, or a plain row of :data:`ENTRY_COLUMNS`, to the domain object."""
    return TimelineEntry(
        id=row.id,
        incident_id=row.incident_id,
        seq=row.seq,
        kind=EntryKind(row.kind),
        text=row.text,
        author=row.author,
        created_at=row.created_at,
        corrects_id=row.corrects_id,
        prev_hash=row.prev_hash,
        hash=row.hash,
        data=dict(row.data or {}),
    )


#: The columns of an entry, for reads that build no ORM objects: a page of the timeline is
#: read on a worker thread, and building ORM instances there holds the interpreter lock
#: long enough to stall the window (issue 13).
ENTRY_COLUMNS = (
    TimelineEntryRow.id,
    TimelineEntryRow.incident_id,
    TimelineEntryRow.seq,
    TimelineEntryRow.kind,
    TimelineEntryRow.text,
    TimelineEntryRow.author,
    TimelineEntryRow.created_at,
    TimelineEntryRow.corrects_id,
    TimelineEntryRow.prev_hash,
    TimelineEntryRow.hash,
    TimelineEntryRow.data,
)


@dataclass(frozen=True, slots=True)
class Head:
    """An incident's chain head, read under the incident's lock (:func:`lock_head`)."""

    incident_id: int
    count: int
    hash: str


def lock_head(session: Session, incident_id: int, *, open_only: bool = False) -> Head:
    """Lock the incident row and return its chain head, in one statement.

    The row is locked with ``FOR UPDATE`` on PostgreSQL (SQLite's ``BEGIN IMMEDIATE``
    already serialises writers), so concurrent appends cannot fork the chain. With
    ``open_only``, a closed incident is refused (RuleViolation) from the same row: an
    append to the log does not need a second read to ask whether it may.
    """
    if session.new or session.dirty or session.deleted:
        session.flush()  # the caller's pending ORM changes go first, as an autoflush would
    row = _HEAD_FOR_UPDATE.first(session.connection(), {"id": incident_id})
    if row is None:
        raise NotFoundError(f"no incident {incident_id}")
    state, count, previous = row
    if open_only and state != IncidentState.OPEN.value:
        raise RuleViolation(f"incident {incident_id} is closed and read-only")
    return Head(incident_id, count, previous)


def append(
    session: Session,
    *,
    incident_id: int,
    kind: EntryKind,
    text: str,
    author: str,
    at: datetime,
    corrects_id: int | None = None,
    data: Mapping[str, Any] | None = None,
    head: Head | None = None,
) -> TimelineEntry:
    """Append an entry, chained to the incident's current head, in O(1).

    ``head`` is what :func:`lock_head` returned earlier in this transaction (else it is
    read here). Prepared Core statements on the session's connection, in the caller's
    transaction: building ORM objects and flushing them, or even running each statement
    through ``Connection.execute``, cost more than writing the row (issue 18).
    """
    if head is None:
        head = lock_head(session, incident_id)
    elif head.incident_id != incident_id:
        raise StorageError(f"the head of incident {head.incident_id} is not {incident_id}'s")
    if session.new or session.dirty or session.deleted:
        session.flush()  # the caller's pending ORM changes go first, as an autoflush would
    connection = session.connection()
    count, previous = head.count, head.hash
    corrects_seq = None
    if corrects_id is not None:
        target = _TARGET.first(connection, {"id": corrects_id})
        if target is None or target[0] != incident_id:
            raise NotFoundError(f"no entry {corrects_id} in incident {incident_id}")
        corrects_seq = target[1]
    payload = dict(data or {})
    seq = count + 1
    digest = entry_hash(
        prev_hash=previous,
        incident_id=incident_id,
        seq=seq,
        kind=kind.value,
        text=text,
        author=author,
        created_at=at,
        corrects_seq=corrects_seq,
        data=payload,
    )
    values = {
        "incident_id": incident_id,
        "seq": seq,
        "kind": kind.value,
        "text": text,
        "author": author,
        "created_at": at,
        "corrects_id": corrects_id,
        "corrects_seq": corrects_seq,
        "data": payload,
        "prev_hash": previous,
        "hash": digest,
    }
    entry_id = _INSERT_ENTRY.first(connection, values)[0]
    moved = _MOVE_HEAD.run(
        connection,
        {"incident": incident_id, "new_count": seq, "new_head": digest, "old_count": count},
    )
    if moved != 1:  # cannot happen under the lock; never fork the chain silently
        raise StorageError(f"the chain head of incident {incident_id} moved during an append")
    _keep_loaded_incident_current(session, incident_id, seq, digest)
    return TimelineEntry(
        id=int(entry_id),
        incident_id=incident_id,
        seq=seq,
        kind=kind,
        text=text,
        author=author,
        created_at=at,
        corrects_id=corrects_id,
        prev_hash=previous,
        hash=digest,
        data=payload,
    )


#: the columns an append writes, in one place: the insert below names each of them
ENTRY_INSERT_COLUMNS = (
    "incident_id",
    "seq",
    "kind",
    "text",
    "author",
    "created_at",
    "corrects_id",
    "corrects_seq",
    "data",
    "prev_hash",
    "hash",
)
_HEAD_FOR_UPDATE = Prepared(
    select(IncidentRow.state, IncidentRow.entry_count, IncidentRow.head_hash)
    .where(IncidentRow.id == bindparam("id"))
    .with_for_update()
)
_TARGET = Prepared(
    select(TimelineEntryRow.incident_id, TimelineEntryRow.seq).where(
        TimelineEntryRow.id == bindparam("id")
    )
)
_INSERT_ENTRY = Prepared(
    insert(TimelineEntryRow)
    .values({name: bindparam(name) for name in ENTRY_INSERT_COLUMNS})
    .returning(TimelineEntryRow.id)
)
_MOVE_HEAD = Prepared(
    update(IncidentRow)
    .where(
        IncidentRow.id == bindparam("incident"), IncidentRow.entry_count == bindparam("old_count")
    )
    .values(entry_count=bindparam("new_count"), head_hash=bindparam("new_head"))
)


def _keep_loaded_incident_current(
    session: Session, incident_id: int, seq: int, digest: str
) -> None:
    """Give an incident row this session already loaded the new head (as the database has
    it), so a later read in the same use case does not see the head before the append."""
    loaded = session.identity_map.get(identity_key(IncidentRow, (incident_id,)))
    if loaded is not None:
        set_committed_value(loaded, "entry_count", seq)
        set_committed_value(loaded, "head_hash", digest)


def entry(session: Session, entry_id: int) -> TimelineEntry:
    """Return one entry or raise NotFoundError."""
    row = session.get(TimelineEntryRow, entry_id)
    if row is None:
        raise NotFoundError(f"no timeline entry {entry_id}")
    return to_domain(row)


def entry_by_seq(session: Session, incident_id: int, seq: int) -> TimelineEntry:
    """Return the entry with number ``seq`` in an incident, or raise NotFoundError."""
    row = session.scalar(
        select(TimelineEntryRow).where(
            TimelineEntryRow.incident_id == incident_id, TimelineEntryRow.seq == seq
        )
    )
    if row is None:
        raise NotFoundError(f"no entry #{seq} in incident {incident_id}")
    return to_domain(row)


def entries(
    session: Session,
    incident_id: int,
    *,
    after_seq: int = 0,
    before_seq: int | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    kinds: Sequence[EntryKind] = (),
) -> list[TimelineEntry]:
    """Return a slice of an incident's entries, filtered by kind (plain rows; text search:
    ``search_repo``)."""
    query = select(*ENTRY_COLUMNS).where(
        TimelineEntryRow.incident_id == incident_id, TimelineEntryRow.seq > after_seq
    )
    if before_seq is not None:
        query = query.where(TimelineEntryRow.seq < before_seq)
    if kinds:
        query = query.where(TimelineEntryRow.kind.in_([kind.value for kind in kinds]))
    order = TimelineEntryRow.seq.desc() if newest_first else TimelineEntryRow.seq
    query = query.order_by(order)
    if limit is not None:
        query = query.limit(limit)
    return [to_domain(row) for row in session.execute(query)]


def header_entries(session: Session, incident_id: int) -> list[TimelineEntry]:
    """Return the incident's chained header entries (opened, updated), oldest first: what
    the cadence periods are computed from. Only those: people log status notes of the same
    kind by the thousand, and a view or an export must not read them all."""
    event = TimelineEntryRow.data["event"].as_string()
    query = (
        select(*ENTRY_COLUMNS)
        .where(
            TimelineEntryRow.incident_id == incident_id,
            TimelineEntryRow.kind == EntryKind.STATUS.value,
            event.in_(HEADER_EVENTS),
        )
        .order_by(TimelineEntryRow.seq)
    )
    return [to_domain(row) for row in session.execute(query)]


#: the events of the incident's chained header (``domain.chain_state``)
HEADER_EVENTS = (TimelineEvent.INCIDENT_OPENED.value, TimelineEvent.INCIDENT_UPDATED.value)


def corrected_ids(
    session: Session, incident_id: int, *, from_seq: int = 1, before_seq: int | None = None
) -> set[int]:
    """Return the ids of entries (numbered ``from_seq`` up to ``before_seq``) that a later
    entry corrects (shown struck through); an index on the corrected number keeps this a
    lookup of the page's range however long the timeline is."""
    query = select(TimelineEntryRow.corrects_id).where(
        TimelineEntryRow.incident_id == incident_id,
        TimelineEntryRow.corrects_seq >= from_seq,
    )
    if before_seq is not None:
        query = query.where(TimelineEntryRow.corrects_seq < before_seq)
    return {value for value in session.scalars(query) if value is not None}


def chain_records(session: Session, incident_id: int) -> Generator[ChainRecord, None, None]:
    """Yield the chain as stored, in sequence order, streaming (for 100,000+ entries)."""
    query = (
        select(TimelineEntryRow)
        .where(TimelineEntryRow.incident_id == incident_id)
        .order_by(TimelineEntryRow.seq)
        .execution_options(yield_per=2000)
    )
    # yield_per streams through a server-side cursor on PostgreSQL: close it even when the
    # caller stops early (a verification stops at the first broken link).
    result = session.scalars(query)
    try:
        yield from (_chain_record(row) for row in result)
    finally:
        result.close()


def _chain_record(row: TimelineEntryRow) -> ChainRecord:
    return ChainRecord(
        incident_id=row.incident_id,
        seq=row.seq,
        kind=row.kind,
        text=row.text,
        author=row.author,
        created_at=row.created_at,
        corrects_seq=row.corrects_seq,
        data=dict(row.data or {}),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )
