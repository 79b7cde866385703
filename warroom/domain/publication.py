"""What "public" means: the one definition the clocks, the review and every export share.

A statement is public from the first moment one of its channels has it: a delivery the
channel confirmed (``sent``), or a post a person made by hand and recorded (``warroom draft
posted``). Releasing only queues it: a released statement still in the outbox is *queued*,
never public, so it neither resets the "since last public update" clock nor keeps a promise.
Every War Room channel speaks to the public (social accounts, customer email, status pages,
chat rooms the statement was written for).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.statements import Statement, StatementState


@dataclass(frozen=True, slots=True)
class PublicStatement:
    """A statement as the public got it: when it first appeared, and on which channels."""

    statement: Statement
    public_at: datetime
    channels: tuple[str, ...]
    by_hand: bool = False

    @property
    def id(self) -> int:
        """Return the statement's id."""
        return self.statement.id

    @property
    def promise(self) -> datetime | None:
        """Return the next update this statement promised the public, if any."""
        return self.statement.next_update_by


class Publication(StrEnum):
    """Where a released statement stands with the public."""

    PUBLIC = "public"  # at least one channel has it
    QUEUED = "queued"  # waiting in the outbox (offline, retrying, not configured)
    HELD = "held"  # waited too long: a person must confirm or withdraw it
    ATTENTION = "needs a person"  # uncertain or failed on every channel tried
    WITHDRAWN = "withdrawn"  # a person decided it must not go out


def public_times(deliveries: Iterable[Delivery]) -> dict[int, datetime]:
    """Return, by statement id, the first moment one of its channels had it."""
    first: dict[int, datetime] = {}
    for row in deliveries:
        at = row.public_at
        if at is not None and (row.statement_id not in first or at < first[row.statement_id]):
            first[row.statement_id] = at
    return first


def public_statements(
    statements: Iterable[Statement], deliveries: Iterable[Delivery]
) -> list[PublicStatement]:
    """Return the statements the public has seen, in the order they became public."""
    rows = list(deliveries)
    by_statement: dict[int, list[Delivery]] = {}
    for row in rows:
        if row.public_at is not None:
            by_statement.setdefault(row.statement_id, []).append(row)
    public = []
    for statement in statements:
        sent = by_statement.get(statement.id)
        if not sent:
            continue
        first = min(sent, key=lambda r: r.public_at or r.updated_at)
        public.append(
            PublicStatement(
                statement,
                first.public_at or first.updated_at,
                tuple(dict.fromkeys(r.channel_name for r in sent)),
                by_hand=first.by_hand,
            )
        )
    return sorted(public, key=lambda p: (p.public_at, p.statement.id))


def last_public(
    statements: Iterable[Statement], deliveries: Iterable[Delivery]
) -> PublicStatement | None:
    """Return the statement that most recently became public, if any."""
    public = public_statements(statements, deliveries)
    return public[-1] if public else None


def publication(statement: Statement, rows: Sequence[Delivery]) -> Publication | None:
    """Return where a released statement stands with the public (None: not released).

    Public as soon as one channel has it; otherwise the state that asks the most of people:
    held, then needing a person, then queued; withdrawn only when every row was withdrawn.
    """
    if statement.state is not StatementState.RELEASED:
        return None
    mine = [row for row in rows if row.statement_id == statement.id]
    states = {row.state for row in mine}
    if DeliveryState.SENT in states:
        return Publication.PUBLIC
    if DeliveryState.HELD in states:
        return Publication.HELD
    if states & {DeliveryState.QUEUED, DeliveryState.SENDING}:
        return Publication.QUEUED
    if states & {DeliveryState.UNCERTAIN, DeliveryState.FAILED}:
        return Publication.ATTENTION
    if states == {DeliveryState.WITHDRAWN}:
        return Publication.WITHDRAWN
    return Publication.QUEUED
