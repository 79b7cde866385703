"""The durable outbox: one row per (released statement, channel) awaiting delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any


class DeliveryState(StrEnum):
    """Where one delivery stands.

    ``sending`` is committed *before* the network call; a row found in ``sending`` after a
    crash had an unknown outcome. ``uncertain`` waits for a person (resend or mark sent)
    where the channel cannot deduplicate a retry. ``held`` waited in the outbox longer than
    its incident's hold window and goes out only once a person confirms it; ``withdrawn``
    was held and a person decided it must not go out.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    HELD = "held"
    WITHDRAWN = "withdrawn"
    #: a scheduled release called off before its time (an edit or a rejection): never sent,
    #: never offered for resend
    CANCELLED = "cancelled"


#: Rows that have not gone out (yet) and may still: what closing an incident lists.
UNSENT = (
    DeliveryState.QUEUED,
    DeliveryState.SENDING,
    DeliveryState.UNCERTAIN,
    DeliveryState.FAILED,
    DeliveryState.HELD,
)


@dataclass(frozen=True, slots=True)
class Delivery:
    """One pending or finished delivery of a statement to one channel (a row of the outbox;
    the ORM class of that table is ``storage.models.OutboxEntryRow``)."""

    id: int
    statement_id: int
    incident_id: int
    channel_id: int
    channel_name: str
    state: DeliveryState
    idempotency_key: str
    subject: str
    text: str
    attempts: int
    created_at: datetime
    updated_at: datetime
    next_attempt_at: datetime | None = None
    last_error: str = ""
    remote_id: str = ""
    remote_url: str = ""
    record_key: str = ""
    first_attempt_at: datetime | None = None
    #: For an in-thread reply to an inbox item: where the thread is (see reply_repo.threads_for).
    thread: Mapping[str, Any] = field(default_factory=dict)
    #: the content hash the release was approved for (see domain.content)
    content_hash: str = ""
    #: who recorded that they posted it by hand ('' when War Room delivered it)
    posted_by: str = ""
    #: when it was posted by hand, as that person said
    posted_at: datetime | None = None
    #: who confirmed it after it was held ('' when it was never held, or not yet confirmed)
    confirmed_by: str = ""
    #: a scheduled release: the row is not claimed before this time (None: at once)
    not_before: datetime | None = None
    #: the incident's status and severity when the row was read (status pages show them)
    incident_status: str = ""
    incident_severity: int = 0

    @property
    def public_at(self) -> datetime | None:
        """Return when this delivery made the statement public (None: it has not)."""
        if self.state is not DeliveryState.SENT:
            return None
        return self.posted_at or self.updated_at

    @property
    def by_hand(self) -> bool:
        """Tell whether a person posted it by hand (and recorded that)."""
        return bool(self.posted_by)

    def waits_for_schedule(self, now: datetime) -> bool:
        """Tell whether the row still waits for its scheduled time."""
        return (
            self.state is DeliveryState.QUEUED
            and self.not_before is not None
            and self.not_before > now
        )


def waiting_since(row: Delivery) -> datetime:
    """Return since when the row has been waiting to go out: its release, or its scheduled
    time (a release scheduled for later is not stale while it waits for that time)."""
    if row.not_before is not None and row.not_before > row.created_at:
        return row.not_before
    return row.created_at


def is_stale(row: Delivery, hold: timedelta, now: datetime) -> bool:
    """Tell whether a queued row waited longer than ``hold`` without a person's confirmation
    (it must be held: what it says may no longer be true)."""
    return (
        row.state is DeliveryState.QUEUED
        and not row.confirmed_by
        and now - waiting_since(row) > hold
    )
