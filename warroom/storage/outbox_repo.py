"""The durable outbox in the database."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from sqlalchemy import ColumnElement, Select, case, func, or_, select, update
from sqlalchemy.orm import Session

from warroom.domain.channels import Channel
from warroom.domain.content import ChannelContent
from warroom.domain.errors import NotFoundError
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.storage import reply_repo
from warroom.storage.models import ChannelRow, IncidentRow, OutboxEntryRow, StatementRow


def _to_domain(
    row: OutboxEntryRow, incident_id: int, channel_name: str, status: str = "", severity: int = 0
) -> Delivery:
    return Delivery(
        id=row.id,
        statement_id=row.statement_id,
        incident_id=incident_id,
        channel_id=row.channel_id,
        channel_name=channel_name,
        state=DeliveryState(row.state),
        idempotency_key=row.idempotency_key,
        subject=row.subject,
        text=row.text,
        attempts=row.attempts,
        created_at=row.created_at,
        updated_at=row.updated_at,
        next_attempt_at=row.next_attempt_at,
        last_error=row.last_error or "",
        remote_id=row.remote_id or "",
        remote_url=row.remote_url or "",
        record_key=row.record_key or "",
        first_attempt_at=row.first_attempt_at,
        content_hash=row.content_hash or "",
        incident_status=status or "",
        incident_severity=int(severity or 0),
    )


def _select_rows(session: Session, *conditions: ColumnElement[bool]) -> list[Delivery]:
    """Return outbox rows matching ``conditions``, with their incident and channel name."""
    query = _rows_query().where(*conditions).order_by(OutboxEntryRow.id)
    return _with_threads(
        session,
        [
            _to_domain(row, incident, name, status, severity)
            for row, incident, name, status, severity in session.execute(query)
        ],
    )


def _rows_query() -> Select[OutboxEntryRow, int, str, str, int]:
    """Outbox rows with their incident, channel name and the incident's status and severity."""
    return (
        select(
            OutboxEntryRow,
            StatementRow.incident_id,
            ChannelRow.name,
            IncidentRow.state,
            IncidentRow.severity,
        )
        .join(StatementRow, StatementRow.id == OutboxEntryRow.statement_id)
        .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
        .join(IncidentRow, IncidentRow.id == StatementRow.incident_id)
    )


def _with_threads(session: Session, rows: list[Delivery]) -> list[Delivery]:
    """Add the thread of each row that answers an inbox item (one query per batch)."""
    threads = reply_repo.threads_for(session, (row.statement_id for row in rows))
    if not threads:
        return rows
    return [
        replace(row, thread=threads[row.statement_id]) if row.statement_id in threads else row
        for row in rows
    ]


def enqueue(
    session: Session,
    *,
    statement_id: int,
    channels: Sequence[Channel],
    subject: str,
    text: str,
    at: datetime,
    content_hash: str,
) -> list[int]:
    """Write one queued row per channel, each with its own idempotency key.

    Every row stores ``content_hash``, the hash that was approved: the worker recomputes it
    from the rows' exact bytes just before sending (see services.approved_bytes).
    """
    ids = []
    for channel in channels:
        row = OutboxEntryRow(
            statement_id=statement_id,
            channel_id=channel.id,
            state=DeliveryState.QUEUED.value,
            idempotency_key=uuid.uuid4().hex,
            subject=subject,
            text=text,
            attempts=0,
            next_attempt_at=at,
            last_error="",
            remote_id="",
            remote_url="",
            record_key="",
            created_at=at,
            updated_at=at,
            content_hash=content_hash,
        )
        session.add(row)
        session.flush()
        ids.append(row.id)
    return ids


def list_rows(
    session: Session,
    *,
    statement_id: int | None = None,
    incident_id: int | None = None,
    states: Sequence[DeliveryState] = (),
    with_error: bool = False,
) -> list[Delivery]:
    """Return outbox rows, optionally for one statement/incident, in some states, or only
    those whose last attempt left an error."""
    conditions: list[ColumnElement[bool]] = []
    if with_error:
        conditions.append(OutboxEntryRow.last_error != "")
    if statement_id is not None:
        conditions.append(OutboxEntryRow.statement_id == statement_id)
    if incident_id is not None:
        conditions.append(StatementRow.incident_id == incident_id)
    if states:
        conditions.append(OutboxEntryRow.state.in_([s.value for s in states]))
    return _select_rows(session, *conditions)


def statement_contents(session: Session, statement_id: int) -> list[ChannelContent]:
    """Return, for every outbox row of a statement, the exact channel, subject and text."""
    query = (
        select(ChannelRow.name, OutboxEntryRow.subject, OutboxEntryRow.text)
        .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
        .where(OutboxEntryRow.statement_id == statement_id)
    )
    return [
        ChannelContent(name, subject or "", text) for name, subject, text in session.execute(query)
    ]


def get(session: Session, row_id: int) -> Delivery:
    """Return one outbox row or raise NotFoundError."""
    rows = _select_rows(session, OutboxEntryRow.id == row_id)
    if not rows:
        raise NotFoundError(f"no outbox row {row_id}")
    return rows[0]


def depth(session: Session) -> int:
    """Return how many rows still wait for delivery or for a person."""
    pending = [
        DeliveryState.QUEUED.value,
        DeliveryState.SENDING.value,
        DeliveryState.UNCERTAIN.value,
    ]
    query = select(func.count()).select_from(OutboxEntryRow)
    return session.scalar(query.where(OutboxEntryRow.state.in_(pending))) or 0


# --- delivery (the sync worker) -------------------------------------------------------------


def due(session: Session, now: datetime, *, limit: int = 100, after_id: int = 0) -> list[Delivery]:
    """Return queued rows whose next attempt is due, oldest first (ids above ``after_id``)."""
    query = (
        _rows_query()
        .where(
            OutboxEntryRow.state == DeliveryState.QUEUED.value,
            or_(OutboxEntryRow.next_attempt_at.is_(None), OutboxEntryRow.next_attempt_at <= now),
            OutboxEntryRow.id > after_id,
        )
        .order_by(OutboxEntryRow.id)
        .limit(limit)
    )
    return _with_threads(
        session,
        [
            _to_domain(row, incident, name, status, severity)
            for row, incident, name, status, severity in session.execute(query)
        ],
    )


def next_due_at(session: Session) -> datetime | None:
    """Return when the earliest queued row is next due, or None when nothing is queued."""
    query = select(func.min(OutboxEntryRow.next_attempt_at)).where(
        OutboxEntryRow.state == DeliveryState.QUEUED.value
    )
    return session.scalar(query)


def claim(session: Session, row_id: int, now: datetime, record_key: str) -> bool:
    """Move a queued row to 'sending' if nobody else did; True when this caller won it.

    A conditional UPDATE (not a read then a write) so that two workers, on SQLite or
    PostgreSQL, can never both claim one row. ``record_key`` is kept once chosen.
    """
    result = session.execute(
        update(OutboxEntryRow)
        .where(OutboxEntryRow.id == row_id, OutboxEntryRow.state == DeliveryState.QUEUED.value)
        .values(
            state=DeliveryState.SENDING.value,
            attempts=OutboxEntryRow.attempts + 1,
            updated_at=now,
            first_attempt_at=func.coalesce(OutboxEntryRow.first_attempt_at, now),
            record_key=case(
                (OutboxEntryRow.record_key == "", record_key), else_=OutboxEntryRow.record_key
            ),
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def current_state(session: Session, row_id: int) -> DeliveryState:
    """Return a row's state, locking the row (PostgreSQL) until the transaction ends."""
    query = select(OutboxEntryRow.state).where(OutboxEntryRow.id == row_id).with_for_update()
    state = session.scalar(query)
    if state is None:
        raise NotFoundError(f"no outbox row {row_id}")
    return DeliveryState(state)


def _rowcount(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


def finish(
    session: Session,
    row_id: int,
    state: DeliveryState,
    now: datetime,
    *,
    error: str = "",
    remote_id: str = "",
    remote_url: str = "",
    next_attempt_at: datetime | None = None,
    from_states: Sequence[DeliveryState] = (DeliveryState.SENDING,),
) -> bool:
    """Record the outcome of an attempt; False when the row was no longer in ``from_states``."""
    values: dict[str, object] = {
        "state": state.value,
        "updated_at": now,
        "last_error": error,
        "next_attempt_at": next_attempt_at,
    }
    if remote_id or remote_url:
        values["remote_id"] = remote_id
        values["remote_url"] = remote_url
    result = session.execute(
        update(OutboxEntryRow)
        .where(
            OutboxEntryRow.id == row_id,
            OutboxEntryRow.state.in_([s.value for s in from_states]),
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result) == 1


def stale_sending(session: Session, claimed_before: datetime) -> list[Delivery]:
    """Return rows left in 'sending' since before ``claimed_before`` (a worker died)."""
    return _select_rows(
        session,
        OutboxEntryRow.state == DeliveryState.SENDING.value,
        OutboxEntryRow.updated_at <= claimed_before,
    )


def counts_by_channel(session: Session) -> dict[str, dict[str, int]]:
    """Return {channel name: {state: count}} over the whole outbox."""
    query = (
        select(ChannelRow.name, OutboxEntryRow.state, func.count())
        .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
        .group_by(ChannelRow.name, OutboxEntryRow.state)
    )
    counts: dict[str, dict[str, int]] = {}
    for name, state, number in session.execute(query):
        counts.setdefault(name, {})[state] = int(number)
    return counts
