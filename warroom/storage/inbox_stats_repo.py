"""The inbox's aggregates for ``inbox stats``, computed by the database (100,000 items fast).

Bucketing needs a time as whole seconds since the epoch, which each dialect spells its own
way; everything else is plain SQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ColumnElement, Integer, case, cast, func, select
from sqlalchemy.orm import Session

from warroom.domain.inbox import WAITING_STATES
from warroom.domain.inbox_stats import VolumeCount
from warroom.domain.triage import NEGATIVE_SHARE_THRESHOLD
from warroom.storage.models import InboxItemRow


def _epoch(session: Session, column: Any) -> ColumnElement[int]:
    if session.get_bind().dialect.name == "sqlite":
        # SQLite stores naive UTC text; strftime('%s') reads it as UTC.
        return cast(func.strftime("%s", column), Integer)
    return cast(func.floor(func.extract("epoch", column)), BigInteger)


def _scope(incident_id: int | None) -> list[ColumnElement[bool]]:
    return [] if incident_id is None else [InboxItemRow.incident_id == incident_id]


def volume(session: Session, incident_id: int | None, width: int) -> list[VolumeCount]:
    """Return item counts per (bucket index, source), with negative and scored counts."""
    index = (_epoch(session, InboxItemRow.posted_at) / width).label("bucket")
    negative = func.sum(case((InboxItemRow.sentiment <= NEGATIVE_SHARE_THRESHOLD, 1), else_=0))
    query = (
        select(
            index,
            InboxItemRow.source_name,
            func.count(),
            negative,
            func.count(InboxItemRow.sentiment),
        )
        .where(*_scope(incident_id))
        .group_by(index, InboxItemRow.source_name)
    )
    return [
        VolumeCount(int(bucket), str(source), int(n), int(neg or 0), int(scored))
        for bucket, source, n, neg, scored in session.execute(query)
    ]


def response_delays(session: Session, incident_id: int | None) -> list[tuple[int, float]]:
    """Return (effective priority, seconds from posting to first response) per answered item."""
    priority = func.coalesce(InboxItemRow.priority, InboxItemRow.suggested_priority)
    delay = _epoch(session, InboxItemRow.responded_at) - _epoch(session, InboxItemRow.posted_at)
    query = select(priority, delay).where(
        InboxItemRow.responded_at.is_not(None), *_scope(incident_id)
    )
    return [(int(p), float(d)) for p, d in session.execute(query)]


def waiting(session: Session, incident_id: int | None) -> tuple[int, datetime | None]:
    """Return how many items wait for an answer and when the oldest of them was posted."""
    query = select(func.count(), func.min(InboxItemRow.posted_at)).where(
        InboxItemRow.state.in_([s.value for s in WAITING_STATES]), *_scope(incident_id)
    )
    number, oldest = session.execute(query).one()
    return int(number or 0), oldest
