"""The inbox's aggregates for ``inbox stats``, computed by the database (100,000 items fast).

Buckets are integer divisions of the stored ``posted_epoch`` and response delays are stored
as seconds: parsing 100,000 times in SQL would cost more than the whole 200 ms budget.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, func, select
from sqlalchemy.orm import Session

from warroom.domain.inbox import WAITING_STATES
from warroom.domain.inbox_stats import VolumeCount
from warroom.domain.triage import NEGATIVE_SHARE_THRESHOLD
from warroom.storage.models import InboxItemRow


def _scope(incident_id: int | None) -> list[ColumnElement[bool]]:
    return [] if incident_id is None else [InboxItemRow.incident_id == incident_id]


def volume(session: Session, incident_id: int | None, width: int) -> list[VolumeCount]:
    """Return item counts per (bucket index, source), with negative and scored counts.

    What this costs is SQLite sorting every row for the GROUP BY (a bucket is an expression,
    which no index orders). Grouping by the source first makes that sort about 15% cheaper
    than by the bucket first (most neighbouring rows then compare equal on the short source
    name and the integer settles it); the driver's tuples skip building SQLAlchemy rows.
    """
    index = (InboxItemRow.posted_epoch // width).label("bucket")
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
        .group_by(InboxItemRow.source_name, index)
    )
    return [
        VolumeCount(int(bucket), str(source), int(n), int(neg or 0), int(scored))
        for bucket, source, n, neg, scored in driver_tuples(session, query)
    ]


def response_delays(session: Session, incident_id: int | None) -> list[tuple[int, int]]:
    """Return (effective priority, seconds from posting to first response) per answered item."""
    priority = func.coalesce(InboxItemRow.priority, InboxItemRow.suggested_priority)
    query = select(priority, InboxItemRow.response_seconds).where(
        InboxItemRow.response_seconds.is_not(None), *_scope(incident_id)
    )
    return driver_tuples(session, query)


def driver_tuples(session: Session, query: Select[*tuple[Any, ...]]) -> list[Any]:
    """Run ``query`` and return the database driver's own row tuples.

    For tens of thousands of rows of plain integers, building SQLAlchemy rows costs three
    times the query itself; the driver's tuples hold the same values. The query's only
    parameters are integers and our own numeric constants (rendered inline), and it runs in
    the session's transaction.
    """
    connection = session.connection()
    sql = str(query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def waiting(session: Session, incident_id: int | None) -> tuple[int, datetime | None]:
    """Return how many items wait for an answer and when the oldest of them was posted."""
    query = select(func.count(), func.min(InboxItemRow.posted_at)).where(
        InboxItemRow.state.in_([s.value for s in WAITING_STATES]), *_scope(incident_id)
    )
    number, oldest = session.execute(query).one()
    return int(number or 0), oldest
