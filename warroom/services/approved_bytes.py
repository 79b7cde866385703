"""Only approved bytes leave: the last check before a delivery's network call.

Each outbox row stores the content hash its release was approved for. Just before sending,
the hash is recomputed (domain.content) over the exact subject and text of this row and of
its sibling rows (one per target channel, as released), as read in the transaction that
claimed the row: the bytes checked are the bytes sent. If anything differs (someone edited
the row in the database), the row fails as blocked, nothing is sent, and the timeline says so.
"""

from __future__ import annotations

import logging
from datetime import datetime

from warroom.domain.content import ChannelContent, approved_content_hash
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.storage import outbox_repo
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

log = logging.getLogger(__name__)

BLOCKED = "differs from the approved text; nothing was sent"


def sent_hash(siblings: list[ChannelContent], row: Delivery) -> str:
    """Return the content hash of what would go out, with ``row``'s exact bytes in place."""
    others = [c for c in siblings if c.channel != row.channel_name]
    return approved_content_hash([*others, ChannelContent(row.channel_name, row.subject, row.text)])


def matches_approval(row: Delivery, siblings: list[ChannelContent]) -> bool:
    """Tell whether ``row`` (claimed, about to be sent) matches its approved hash;
    ``siblings``: the exact channel, subject and text of every row of its statement, read
    in the transaction that claimed it."""
    return bool(row.content_hash) and sent_hash(siblings, row) == row.content_hash


def record_blocked(session: Session, row: Delivery, actor: str, now: datetime) -> None:
    """Fail ``row`` as blocked and say so on the timeline, in the caller's transaction (which
    records the change-feed areas, outbox and timeline, last)."""
    outbox_repo.finish(session, row.id, DeliveryState.FAILED, now, error=f"blocked: {BLOCKED}")
    append(
        session,
        incident_id=row.incident_id,
        kind=EntryKind.STATEMENT,
        text=f"Statement #{row.statement_id} on {row.channel_name} was blocked: it {BLOCKED}",
        author=actor,
        at=now,
        data={
            "event": TimelineEvent.DELIVERY_BLOCKED,
            "statement": row.statement_id,
            "channel": row.channel_name,
            "outbox": row.id,
            "approved_hash": row.content_hash,
        },
    )
    log.warning("outbox row %s to %s blocked: it %s", row.id, row.channel_name, BLOCKED)
