"""Only approved bytes leave: the last check before a delivery's network call.

Each outbox row stores the content hash its release was approved for. Just before sending,
the hash is recomputed (domain.content) over the exact subject and text of this row and of
its sibling rows (one per target channel, as released). If anything differs (someone edited
the row in the database), the row fails as blocked, nothing is sent, and the timeline says so.
"""

from __future__ import annotations

import logging

from warroom.domain.changes import Area
from warroom.domain.content import ChannelContent, approved_content_hash
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.storage import changes, outbox_repo
from warroom.storage.timeline_repo import append

log = logging.getLogger(__name__)

BLOCKED = "differs from the approved text; nothing was sent"


def sent_hash(siblings: list[ChannelContent], row: Delivery) -> str:
    """Return the content hash of what would go out, with ``row``'s exact bytes in place."""
    others = [c for c in siblings if c.channel != row.channel_name]
    return approved_content_hash([*others, ChannelContent(row.channel_name, row.subject, row.text)])


def approved_or_blocked(ctx: ServiceContext, row: Delivery, actor: str) -> bool:
    """Return True when ``row`` (claimed, about to be sent) matches its approved hash.

    Otherwise mark it failed as blocked, log it on the timeline, and return False.
    """
    with ctx.db.reading() as session:
        siblings = outbox_repo.statement_contents(session, row.statement_id)
    if row.content_hash and sent_hash(siblings, row) == row.content_hash:
        return True
    now = ctx.clock()
    with ctx.db.transaction() as session:
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
        changes.record(session, row.incident_id, Area.OUTBOX, Area.TIMELINE)
    log.warning("outbox row %s to %s blocked: it %s", row.id, row.channel_name, BLOCKED)
    return False
