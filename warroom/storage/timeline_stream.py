"""A whole timeline read as a stream, for exports of a million entries in constant memory.

Plain Core selects (no ORM object per entry) fetched in batches through a server-side cursor
on PostgreSQL (``yield_per`` streams), bounded by the entry count the export read from the
incident, so entries appended while a long export runs are not half in it. The entries that
correct each entry come from a second stream ordered by the corrected number (the
``ix_timeline_corrects`` index), merged in step: nothing per entry is kept.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Text, and_, func, or_, select, type_coerce
from sqlalchemy.orm import Session

from warroom.domain.entry_stream import LoggedEntry
from warroom.domain.timeline import ChainRecord, EntryKind, TimelineEvent
from warroom.storage.models import TimelineEntryRow as Entry

#: Rows fetched per round trip: big enough to amortise it, small enough to stay flat.
BATCH = 2000

_CHAIN_COLUMNS = (
    Entry.seq,
    Entry.kind,
    Entry.text,
    Entry.author,
    Entry.created_at,
    Entry.corrects_seq,
    # As stored: most entries' data is "{}", which need not go through a JSON parser.
    type_coerce(Entry.data, Text).label("data"),
    Entry.prev_hash,
    Entry.hash,
)
#: the statement events the post-incident review follows (approval turnarounds)
REVIEW_EVENTS = (
    TimelineEvent.STATEMENT_SUBMITTED,
    TimelineEvent.STATEMENT_EDITED,
    TimelineEvent.STATEMENT_APPROVED,
    TimelineEvent.STATEMENT_REJECTED,
)


def logged_entries(session: Session, incident_id: int, up_to_seq: int) -> Iterator[LoggedEntry]:
    """Yield entries 1..``up_to_seq`` of an incident in order, each with its correctors."""
    rows_query = (
        select(*_CHAIN_COLUMNS)
        .where(Entry.incident_id == incident_id, Entry.seq <= up_to_seq)
        .order_by(Entry.seq)
        .execution_options(yield_per=BATCH)
    )
    fixes_query = (
        select(Entry.corrects_seq, Entry.seq)
        .where(
            Entry.incident_id == incident_id,
            Entry.corrects_seq.is_not(None),
            Entry.seq <= up_to_seq,
        )
        .order_by(Entry.corrects_seq, Entry.seq)
        .execution_options(yield_per=BATCH)
    )
    rows = session.execute(rows_query)
    fixes = session.execute(fixes_query)
    try:
        pending = _corrections(fixes)
        fix = next(pending, None)
        for seq, kind, text, author, at, corrects, data, prev, digest in rows:
            corrected_by: tuple[int, ...] = ()
            while fix is not None and fix[0] < seq:
                fix = next(pending, None)  # a correction of a missing entry: the chain says so
            if fix is not None and fix[0] == seq:
                found = []
                while fix is not None and fix[0] == seq:
                    found.append(fix[1])
                    fix = next(pending, None)
                corrected_by = tuple(found)
            record = ChainRecord(
                incident_id, seq, kind, text, author, at, corrects, _data(data), prev, digest
            )
            yield LoggedEntry(record, corrected_by)
    finally:
        # A server-side cursor must be closed even when the writer stops early (cancel).
        rows.close()
        fixes.close()


def _data(value: Any) -> dict[str, Any]:
    """Return an entry's data from the column as stored (JSON text, or a server's object)."""
    if isinstance(value, dict):
        return value
    if value is None or value == "{}":
        return {}
    loaded = json.loads(value)
    return loaded if isinstance(loaded, dict) else {}


def _corrections(result: Any) -> Iterator[tuple[int, int]]:
    for corrects, seq in result:
        yield int(corrects), int(seq)


def author_counts(session: Session, incident_id: int, up_to_seq: int) -> list[tuple[str, int]]:
    """Return each author of the timeline with their number of entries, first seen first."""
    first = func.min(Entry.seq)
    query = (
        select(Entry.author, func.count())
        .where(Entry.incident_id == incident_id, Entry.seq <= up_to_seq)
        .group_by(Entry.author)
        .order_by(first)
    )
    return [(author, int(count)) for author, count in session.execute(query)]


def review_events(session: Session, incident_id: int, up_to_seq: int) -> list[ChainRecord]:
    """Return the statement events the review follows and the incident's header entries
    (its cadence periods): few, even in a million entries."""
    event = Entry.data["event"].as_string()
    query = (
        select(*_CHAIN_COLUMNS)
        .where(
            Entry.incident_id == incident_id,
            Entry.seq <= up_to_seq,
            or_(
                and_(
                    Entry.kind == EntryKind.STATEMENT.value,
                    event.in_([e.value for e in REVIEW_EVENTS]),
                ),
                # the incident's chained header (cadence periods); not the status notes
                # people log by the thousand
                and_(
                    Entry.kind == EntryKind.STATUS.value,
                    event.in_([TimelineEvent.INCIDENT_OPENED, TimelineEvent.INCIDENT_UPDATED]),
                ),
            ),
        )
        .order_by(Entry.seq)
    )
    return [
        ChainRecord(incident_id, seq, kind, text, author, at, corrects, _data(data), prev, digest)
        for seq, kind, text, author, at, corrects, data, prev, digest in session.execute(query)
    ]
