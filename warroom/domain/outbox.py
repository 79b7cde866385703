"""The durable outbox: one row per (released statement, channel) awaiting delivery."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class DeliveryState(StrEnum):
    """Where one delivery stands.

    ``sending`` is committed *before* the network call; a row found in ``sending`` after a
    crash had an unknown outcome. ``uncertain`` waits for a person (resend or mark sent)
    where the channel cannot deduplicate a retry.
    """

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"


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


#: The old name, kept only for warroom/export/ (rewritten on another branch at the time of
#: this rename): ``*Row`` names are ORM classes everywhere else. Remove once nothing uses it.
OutboxRow = Delivery
