"""The durable outbox in the database."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    Update,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from warroom.domain.channels import Channel
from warroom.domain.content import ChannelContent
from warroom.domain.errors import NotFoundError
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.storage import reply_repo
from warroom.storage.models import ChannelRow, IncidentRow, OutboxEntryRow, StatementRow
from warroom.storage.types import UTCDateTime


def _to_domain(row: Row[Any]) -> Delivery:
    """Map a plain row of :data:`_COLUMNS` to the domain object."""
    return Delivery(
        id=row.id,
        statement_id=row.statement_id,
        incident_id=row.incident_id,
        channel_id=row.channel_id,
        channel_name=row.channel_name,
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
        posted_by=row.posted_by or "",
        posted_at=row.posted_at,
        confirmed_by=row.confirmed_by or "",
        not_before=row.not_before,
        incident_status=row.incident_status or "",
        incident_severity=int(row.incident_severity or 0),
    )


#: An outbox row with its incident and channel name, read as plain rows (no ORM objects:
#: the worker reads rows on every claim, and they change through plain UPDATEs).
_COLUMNS = (
    *(column for column in OutboxEntryRow.__table__.columns),
    StatementRow.incident_id,
    ChannelRow.name.label("channel_name"),
    # what status pages show: the incident's lifecycle status, 'closed' once it is
    case((IncidentRow.state == "closed", "closed"), else_=IncidentRow.status).label(
        "incident_status"
    ),
    IncidentRow.severity.label("incident_severity"),
)


def _query(*conditions: ColumnElement[bool], limit: int | None = None) -> Select[Any]:
    """Return the select of outbox rows matching ``conditions``, in id order."""
    return (
        select(*_COLUMNS)
        .join(StatementRow, StatementRow.id == OutboxEntryRow.statement_id)
        .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
        .join(IncidentRow, IncidentRow.id == StatementRow.incident_id)
        .where(*conditions)
        .order_by(OutboxEntryRow.id)
        .limit(limit)
    )


def _select_rows(
    session: Session, *conditions: ColumnElement[bool], limit: int | None = None
) -> list[Delivery]:
    """Return outbox rows matching ``conditions``, with their incident and channel name."""
    return _read(session, _query(*conditions, limit=limit), {})


def _read(session: Session, query: Select[Any], params: dict[str, Any]) -> list[Delivery]:
    rows = [_to_domain(row) for row in session.connection().execute(query, params)]
    return _with_threads(session, rows)


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
    variants: Mapping[str, tuple[str, str]] | None = None,
    not_before: datetime | None = None,
) -> list[int]:
    """Write one queued row per channel, each with its own idempotency key.

    Each row carries its channel's variant (``variants``: (subject, text) by channel name;
    ``subject``/``text`` for the others). Every row stores ``content_hash``, the hash that
    was approved: the worker recomputes it from the rows' exact bytes just before sending
    (see services.approved_bytes). ``not_before`` holds the rows until a scheduled time.
    """
    ids = []
    own = variants or {}
    for channel in channels:
        row_subject, row_text = own.get(channel.name, (subject, text))
        row = OutboxEntryRow(
            statement_id=statement_id,
            channel_id=channel.id,
            state=DeliveryState.QUEUED.value,
            idempotency_key=uuid.uuid4().hex,
            subject=row_subject,
            text=row_text,
            attempts=0,
            not_before=not_before,
            next_attempt_at=not_before or at,
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
    """Return, for every live outbox row of a statement, the exact channel, subject and text
    (the rows of a schedule called off are not part of what was released)."""
    query = (
        select(ChannelRow.name, OutboxEntryRow.subject, OutboxEntryRow.text)
        .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
        .where(
            OutboxEntryRow.statement_id == statement_id,
            OutboxEntryRow.state != DeliveryState.CANCELLED.value,
        )
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
        DeliveryState.HELD.value,
    ]
    query = select(func.count()).select_from(OutboxEntryRow)
    return session.scalar(query.where(OutboxEntryRow.state.in_(pending))) or 0


# --- delivery (the sync worker) -------------------------------------------------------------


def _schedule_reached(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Return the condition that a row is past its scheduled time (or has none)."""
    return or_(OutboxEntryRow.not_before.is_(None), OutboxEntryRow.not_before <= now)


def claimable(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Return the filter of the rows a worker may claim at ``now``: queued, due, and past
    their scheduled time if they have one.

    The one place that says what may be claimed: the listing (:func:`due`) and the claim
    itself (:func:`claim`) both use it, so a new condition (a hold, a not-before time) is
    added here once. ``now`` is a time, or the bound parameter of the claim statement
    (built once, see :data:`_CLAIM`): compare columns with it, do no arithmetic on it.
    """
    return and_(
        OutboxEntryRow.state == DeliveryState.QUEUED.value,
        or_(OutboxEntryRow.next_attempt_at.is_(None), OutboxEntryRow.next_attempt_at <= now),
        _schedule_reached(now),
    )


def due(session: Session, now: datetime, *, limit: int = 100, after_id: int = 0) -> list[Delivery]:
    """Return queued rows whose next attempt is due, oldest first (ids above ``after_id``)."""
    return _select_rows(session, claimable(now), OutboxEntryRow.id > after_id, limit=limit)


def next_due_at(session: Session) -> datetime | None:
    """Return when the earliest queued row is next due, or None when nothing is queued."""
    query = select(func.min(OutboxEntryRow.next_attempt_at)).where(
        OutboxEntryRow.state == DeliveryState.QUEUED.value
    )
    return session.scalar(query)


def claim(
    session: Session,
    row_id: int,
    now: datetime,
    record_key: str,
    *,
    released_after: datetime | None = None,
) -> bool:
    """Move a claimable row to 'sending' if nobody else did; True when this caller won it.

    A conditional UPDATE (not a read then a write) so that two workers, on SQLite or
    PostgreSQL, can never both claim one row. ``record_key`` is kept once chosen. With
    ``released_after``, a row released before it is claimed only once a person confirmed it
    (the hold window, see domain.outbox.is_stale).
    """
    params = {"row_id": row_id, "now": now, "chosen_key": record_key}
    if released_after is None:
        result = session.connection().execute(_CLAIM, params)
    else:
        result = session.connection().execute(
            _CLAIM_WITHIN_HOLD, params | {"released_after": released_after}
        )
    return _rowcount(result) == 1


_NOW = bindparam("now", type_=UTCDateTime())
#: Built once: the worker claims one row per delivery.
_CLAIM = (
    update(OutboxEntryRow)
    .where(OutboxEntryRow.id == bindparam("row_id"), claimable(_NOW))
    .values(
        state=DeliveryState.SENDING.value,
        attempts=OutboxEntryRow.attempts + 1,
        updated_at=_NOW,
        first_attempt_at=func.coalesce(OutboxEntryRow.first_attempt_at, _NOW),
        record_key=case(
            (OutboxEntryRow.record_key == "", bindparam("chosen_key")),
            else_=OutboxEntryRow.record_key,
        ),
    )
)


_RELEASED_AFTER = bindparam("released_after", type_=UTCDateTime())
#: The claim of a row whose incident has a hold window: a row released before
#: ``released_after`` goes only once a person confirmed it (see domain.outbox.is_stale).
_CLAIM_WITHIN_HOLD = _CLAIM.where(
    or_(
        OutboxEntryRow.confirmed_by != "",
        OutboxEntryRow.created_at >= _RELEASED_AFTER,
        # a scheduled release waits from its time (domain.outbox.waiting_since)
        OutboxEntryRow.not_before >= _RELEASED_AFTER,
    )
)


def claimed(session: Session, row_ids: Sequence[int]) -> list[Delivery]:
    """Return the rows ``row_ids`` (just claimed) as they now are, in id order."""
    return _read(session, _CLAIMED, {"ids": list(row_ids)}) if row_ids else []


_CLAIMED = _query(OutboxEntryRow.id.in_(bindparam("ids", expanding=True)))


def renew(session: Session, row_ids: Sequence[int], now: datetime) -> None:
    """Renew claims not used yet: a row claimed with a batch must never look abandoned
    (:func:`stale_sending`) while its worker is busy sending the rows before it."""
    if row_ids:
        session.connection().execute(_RENEW, {"ids": list(row_ids), "now": now})


_RENEW = (
    update(OutboxEntryRow)
    .where(
        OutboxEntryRow.id.in_(bindparam("ids", expanding=True)),
        OutboxEntryRow.state == DeliveryState.SENDING.value,
    )
    .values(updated_at=_NOW)
)


def release(session: Session, row_ids: Sequence[int], now: datetime) -> int:
    """Give back claimed rows that were never handed to a connector (the pass stopped, the
    channel went offline): queued again as if never claimed. Returns how many."""
    if not row_ids:
        return 0
    result = session.connection().execute(
        update(OutboxEntryRow)
        .where(
            OutboxEntryRow.id.in_(list(row_ids)),
            OutboxEntryRow.state == DeliveryState.SENDING.value,
        )
        .values(
            state=DeliveryState.QUEUED.value,
            attempts=OutboxEntryRow.attempts - 1,
            first_attempt_at=case(
                (OutboxEntryRow.attempts <= 1, None), else_=OutboxEntryRow.first_attempt_at
            ),
            updated_at=now,
        )
    )
    return _rowcount(result)


def contents_for(session: Session, statement_ids: Sequence[int]) -> dict[int, list[ChannelContent]]:
    """Return :func:`statement_contents` for several statements in one query."""
    ids = sorted(set(statement_ids))
    found: dict[int, list[ChannelContent]] = {sid: [] for sid in ids}
    if not ids:
        return found
    for sid, name, subject, text in session.connection().execute(_CONTENTS, {"ids": ids}):
        found[sid].append(ChannelContent(name, subject or "", text))
    return found


_CONTENTS = (
    select(
        OutboxEntryRow.statement_id, ChannelRow.name, OutboxEntryRow.subject, OutboxEntryRow.text
    )
    .join(ChannelRow, ChannelRow.id == OutboxEntryRow.channel_id)
    .where(OutboxEntryRow.statement_id.in_(bindparam("ids", expanding=True)))
)


def cancel_scheduled(
    session: Session, statement_id: int, now: datetime, reason: str
) -> tuple[int, int]:
    """Call off a scheduled release: its queued rows become 'cancelled' (never sent).

    Returns (rows cancelled, live rows the statement had): fewer cancelled than live means
    some row was already claimed or sent, and the caller must refuse (and roll back).
    """
    live = session.scalar(
        select(func.count())
        .select_from(OutboxEntryRow)
        .where(
            OutboxEntryRow.statement_id == statement_id,
            OutboxEntryRow.state != DeliveryState.CANCELLED.value,
        )
    )
    result = session.execute(
        update(OutboxEntryRow)
        .where(
            OutboxEntryRow.statement_id == statement_id,
            OutboxEntryRow.state == DeliveryState.QUEUED.value,
        )
        .values(
            state=DeliveryState.CANCELLED.value,
            updated_at=now,
            last_error=reason,
            next_attempt_at=None,
        )
        .execution_options(synchronize_session=False)
    )
    return _rowcount(result), int(live or 0)


def current_state(session: Session, row_id: int) -> DeliveryState:
    """Return a row's state, locking the row (PostgreSQL) until the transaction ends."""
    state = session.connection().execute(_STATE_FOR_UPDATE, {"row_id": row_id}).scalar()
    if state is None:
        raise NotFoundError(f"no outbox row {row_id}")
    return DeliveryState(state)


_STATE_FOR_UPDATE = (
    select(OutboxEntryRow.state).where(OutboxEntryRow.id == bindparam("row_id")).with_for_update()
)


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
        "row_id": row_id,
        "from_states": [s.value for s in from_states],
        "new_state": state.value,
        "now": now,
        "error": error,
        "next_at": next_attempt_at,
    }
    remote = bool(remote_id or remote_url)
    if remote:
        values.update(new_remote_id=remote_id, new_remote_url=remote_url)
    result = session.connection().execute(_FINISH[remote], values)
    return _rowcount(result) == 1


def _finish_statement(remote: bool) -> Update:
    """Build the UPDATE of :func:`finish` (once: with or without the remote id and URL)."""
    values: dict[str, Any] = {
        "state": bindparam("new_state"),
        "updated_at": _NOW,
        "last_error": bindparam("error"),
        "next_attempt_at": bindparam("next_at", type_=UTCDateTime()),
    }
    if remote:
        values.update(remote_id=bindparam("new_remote_id"), remote_url=bindparam("new_remote_url"))
    return (
        update(OutboxEntryRow)
        .where(
            OutboxEntryRow.id == bindparam("row_id"),
            OutboxEntryRow.state.in_(bindparam("from_states", expanding=True)),
        )
        .values(**values)
    )


_FINISH = {remote: _finish_statement(remote) for remote in (False, True)}


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
