"""Outbox rows changed by people's decisions: holding, confirming, withdrawing, posting by hand.

Each is a conditional UPDATE from the state the decision was taken on, so a decision never
overwrites what a worker (or another person) did meanwhile; False when the row had moved on.
The delivery worker's own claim and outcomes stay in ``outbox_repo``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlalchemy.orm import Session

from warroom.domain.outbox import DeliveryState
from warroom.storage.models import OutboxEntryRow


def _move(session: Session, row_id: int, from_state: DeliveryState, **values: object) -> bool:
    result = session.execute(
        update(OutboxEntryRow)
        .where(OutboxEntryRow.id == row_id, OutboxEntryRow.state == from_state.value)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def hold(session: Session, row_id: int, now: datetime) -> bool:
    """Hold a queued, unconfirmed row: it goes out only once a person confirms it."""
    result = session.execute(
        update(OutboxEntryRow)
        .where(
            OutboxEntryRow.id == row_id,
            OutboxEntryRow.state == DeliveryState.QUEUED.value,
            OutboxEntryRow.confirmed_by == "",
        )
        .values(state=DeliveryState.HELD.value, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def confirm(session: Session, row_id: int, by: str, now: datetime) -> bool:
    """Queue a held row again, due at once, confirmed by ``by`` (it is never held again)."""
    return _move(
        session,
        row_id,
        DeliveryState.HELD,
        state=DeliveryState.QUEUED.value,
        confirmed_by=by,
        next_attempt_at=now,
        updated_at=now,
    )


def mark_confirmed(session: Session, row_id: int, by: str) -> None:
    """Record that a person decided the row should go out (a resend): it is not held."""
    session.execute(
        update(OutboxEntryRow)
        .where(OutboxEntryRow.id == row_id, OutboxEntryRow.confirmed_by == "")
        .values(confirmed_by=by)
        .execution_options(synchronize_session=False)
    )


def withdraw(session: Session, row_id: int, now: datetime) -> bool:
    """Withdraw a held row: it will not go out."""
    return _move(
        session, row_id, DeliveryState.HELD, state=DeliveryState.WITHDRAWN.value, updated_at=now
    )


def posted_by_hand(
    session: Session,
    row_id: int,
    from_state: DeliveryState,
    *,
    by: str,
    at: datetime,
    url: str,
    now: datetime,
) -> bool:
    """Record that a person posted the row's statement by hand: it is sent, never to be
    sent again by the worker."""
    return _move(
        session,
        row_id,
        from_state,
        state=DeliveryState.SENT.value,
        posted_by=by,
        posted_at=at,
        remote_url=url,
        next_attempt_at=None,
        updated_at=now,
    )
