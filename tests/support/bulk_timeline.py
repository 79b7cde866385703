"""Seed an incident with a long, valid timeline quickly (for benchmarks and scale tests).

Entries are chained exactly as the services chain them, but inserted with one Core
``executemany`` per batch instead of one ORM append each: 100,000 entries take seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import insert, update

from warroom.domain.timeline import EntryKind, entry_hash
from warroom.storage.database import Database
from warroom.storage.models import IncidentRow, TimelineEntryRow

KINDS = [kind.value for kind in EntryKind]


def seed_entries(
    db: Database,
    incident_id: int,
    count: int,
    *,
    start: datetime,
    batch: int = 10_000,
    text_for: Callable[[int], str] | None = None,
) -> None:
    """Append ``count`` chained entries to ``incident_id``, one second apart.

    ``text_for(n)`` writes the n-th entry's text (default: a status line of one pattern).
    """
    with db.transaction() as session:
        incident = session.get(IncidentRow, incident_id)
        assert incident is not None
        seq, previous = incident.entry_count, incident.head_hash
        rows: list[dict[str, object]] = []
        for n in range(count):
            seq += 1
            fields = {
                "incident_id": incident_id,
                "seq": seq,
                "kind": KINDS[n % len(KINDS)],
                "text": text_for(n)
                if text_for
                else f"Entry {seq}: status check of payment gateway region {n % 7}",
                "author": f"person{n % 5}",
                "created_at": start + timedelta(seconds=seq),
                "corrects_seq": None,
                "data": {},
            }
            digest = entry_hash(prev_hash=previous, **fields)  # type: ignore[arg-type]
            rows.append({**fields, "prev_hash": previous, "hash": digest, "corrects_id": None})
            previous = digest
            if len(rows) == batch:
                session.execute(insert(TimelineEntryRow), rows)
                rows = []
        if rows:
            session.execute(insert(TimelineEntryRow), rows)
        session.execute(
            update(IncidentRow)
            .where(IncidentRow.id == incident_id)
            .values(entry_count=seq, head_hash=previous)
        )
