"""The durable outbox: one row per (released statement, channel) awaiting delivery."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


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
    #: For an in-thread reply to an inbox item: where the thread is (see reply_repo.threads_for).
    thread: Mapping[str, Any] = field(default_factory=dict)
    #: the content hash the release was approved for (see domain.content)
    content_hash: str = ""
    #: the incident's status and severity when the row was read (status pages show them)
    incident_status: str = ""
    incident_severity: int = 0
