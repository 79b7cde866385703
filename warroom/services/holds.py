"""The hold window: a statement that waited too long in the outbox goes out only once a
person confirms it.

A released statement says what was true when it was approved. If its channel was offline
or unconfigured for longer than the incident's hold window (30 minutes by default, ``warroom
incident hold ID MINUTES``), then when the channel comes back the worker *holds* the row
instead of sending it: yesterday's "we are investigating" must not be posted after the fix.
A person then confirms it (it goes out, and is never held again) or withdraws it (it never
goes out): ``warroom sync --confirm ROW`` / ``--withdraw ROW``, or the Outbox dialog.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.changes import Area
from warroom.domain.errors import RuleViolation
from warroom.domain.outbox import Delivery, DeliveryState, is_stale, waiting_since
from warroom.domain.people import Action
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, outbox_decisions, outbox_repo
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

#: said of a held row that was tried before: withdrawing it cannot take back a post
_EARLIER = (
    ". It was tried before: check the channel first, an earlier attempt may have reached it "
    "(confirming never posts it twice)"
)


def _minutes(value: timedelta) -> str:
    minutes = int(value.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60:02d} min" if minutes >= 60 else f"{minutes} min"


def hold_if_stale(
    context: ServiceContext, row: Delivery, hold: timedelta, actor: str, now: datetime
) -> bool:
    """Hold ``row`` if it waited longer than ``hold`` unconfirmed; True when it is held now
    (by this call), False when it may go out."""
    if not is_stale(row, hold, now):
        return False
    waited = now - waiting_since(row)
    with context.db.transaction() as session:
        if not outbox_decisions.hold(session, row.id, now):
            return False  # another worker or a person moved it meanwhile
        _log(
            session,
            row,
            actor,
            now,
            TimelineEvent.DELIVERY_HELD,
            f"Statement #{row.statement_id} on {row.channel_name} held: it waited "
            f"{_minutes(waited)} in the outbox (hold window {_minutes(hold)}). Nothing goes "
            f"out until a person confirms it ('warroom sync --confirm {row.id}') or withdraws "
            f"it ('warroom sync --withdraw {row.id}')" + (_EARLIER if row.attempts else ""),
            waited_seconds=int(waited.total_seconds()),
            hold_seconds=int(hold.total_seconds()),
        )
    return True


class HoldService:
    """People's decisions on held rows."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def held(self) -> list[Delivery]:
        """Return every held row, oldest first."""
        with self._ctx.db.reading() as session:
            return outbox_repo.list_rows(session, states=(DeliveryState.HELD,))

    def confirm(self, row_id: int, actor: str) -> Delivery:
        """Let a held row go out as it is (it is never held again)."""
        return self._decide(row_id, actor, confirm=True)

    def withdraw(self, row_id: int, actor: str) -> Delivery:
        """Keep a held row from ever going out."""
        return self._decide(row_id, actor, confirm=False)

    def _decide(self, row_id: int, actor: str, *, confirm: bool) -> Delivery:
        now = self._ctx.clock()
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.RELEASE)
            row = outbox_repo.get(session, row_id)
            if row.state is not DeliveryState.HELD:
                raise RuleViolation(
                    f"outbox row {row_id} is {row.state.value}; only a held row waits for a "
                    "confirmation or a withdrawal"
                )
            moved = (
                outbox_decisions.confirm(session, row_id, actor, now)
                if confirm
                else outbox_decisions.withdraw(session, row_id, now)
            )
            if not moved:
                raise RuleViolation(f"outbox row {row_id} changed meanwhile; look again")
            if confirm:
                event = TimelineEvent.DELIVERY_CONFIRMED
                text = (
                    f"Statement #{row.statement_id} on {row.channel_name} confirmed by {actor}: "
                    f"it goes out as released (outbox row {row.id})"
                )
            else:
                event = TimelineEvent.DELIVERY_WITHDRAWN
                text = (
                    f"Statement #{row.statement_id} on {row.channel_name} withdrawn by {actor}: "
                    f"it will not go out (outbox row {row.id})"
                )
            _log(session, row, actor, now, event, text, decided_by=actor)
            return outbox_repo.get(session, row_id)


def _log(
    session: Session,
    row: Delivery,
    actor: str,
    at: datetime,
    event: TimelineEvent,
    text: str,
    **extra: object,
) -> None:
    append(
        session,
        incident_id=row.incident_id,
        kind=EntryKind.STATEMENT,
        text=text,
        author=actor,
        at=at,
        data={
            "event": event,
            "statement": row.statement_id,
            "channel": row.channel_name,
            "outbox": row.id,
            **extra,
        },
    )
    changes.record(session, row.incident_id, Area.OUTBOX, Area.TIMELINE)
