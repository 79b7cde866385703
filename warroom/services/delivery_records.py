"""What a delivery outcome may overwrite, how long a claim lasts, and what the timeline says.

Kept apart from the worker (``services.delivery``) because these are the rules a reviewer
checks against the promise "exactly once": a confirmed delivery wins over every other
outcome; a claim is never taken for dead while its worker may still be waiting for the
server; every outcome is told on the timeline in words.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from warroom.domain.channels import Channel
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.storage import channel_repo, outbox_repo, reply_repo
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append
from warroom.sync.http import timeouts
from warroom.sync.outcomes import DeliveryResult

log = logging.getLogger(__name__)

#: Added to a channel's connect + read timeouts: a claim younger than that may still be
#: in its network call, so it is never taken for an interrupted one.
STALE_MARGIN = timedelta(seconds=1)
#: The states an outcome may replace. A success replaces anything but a recorded success.
SETTLE_FROM: dict[DeliveryState, tuple[DeliveryState, ...]] = {
    DeliveryState.SENT: (
        DeliveryState.SENDING,
        DeliveryState.UNCERTAIN,
        DeliveryState.QUEUED,
        DeliveryState.FAILED,
    ),
    DeliveryState.FAILED: (DeliveryState.SENDING,),
    DeliveryState.UNCERTAIN: (DeliveryState.SENDING,),
}


def minimum_stale_after(channel: Channel) -> timedelta:
    """Return the shortest stale-claim window ``channel``'s timeouts allow."""
    connect, read = timeouts(channel.settings)
    return timedelta(seconds=connect + read) + STALE_MARGIN


def timeline_entry(
    row: Delivery,
    channel: Channel,
    state: DeliveryState,
    result: DeliveryResult | None,
    reason: str,
    previous: DeliveryState = DeliveryState.SENDING,
) -> tuple[str, dict[str, Any]]:
    """Return the timeline text and data of a delivery outcome (``previous``: the row's
    state when the outcome was recorded, which tells a late confirmation from a plain one)."""
    base: dict[str, Any] = {
        "statement": row.statement_id,
        "channel": channel.name,
        "outbox": row.id,
        "attempts": row.attempts,
    }
    if state is DeliveryState.SENT and result is not None:
        where = result.remote_url or result.remote_id
        data = {
            "event": TimelineEvent.DELIVERY_SENT,
            **base,
            "remote_id": result.remote_id,
            "url": result.remote_url,
        }
        if result.detail:
            data["detail"] = result.detail
        text = f"Statement #{row.statement_id} sent on {channel.name}: {where}"
        if previous is DeliveryState.SENT:
            data["event"] = TimelineEvent.DELIVERY_DUPLICATE
            text = (
                f"Statement #{row.statement_id} was delivered again on {channel.name} (a "
                f"delivery was already recorded): {where}"
            )
        elif previous is not DeliveryState.SENDING:
            data["previous_state"] = previous.value
            text += f" (confirmed after the row had been marked {previous.value})"
        return text, data
    if state is DeliveryState.UNCERTAIN:
        text = (
            f"Statement #{row.statement_id} may or may not have gone out on {channel.name}: "
            f"{reason}. Check, then run 'warroom sync --resend {row.id}' or "
            f"'warroom sync --mark-sent {row.id}'"
        )
        return text, {"event": TimelineEvent.DELIVERY_UNCERTAIN, **base, "reason": reason}
    text = f"Statement #{row.statement_id} failed on {channel.name}: {reason}"
    return text, {"event": TimelineEvent.DELIVERY_FAILED, **base, "reason": reason}


def settle(
    session: Session,
    row: Delivery,
    channel: Channel,
    state: DeliveryState,
    *,
    at: datetime,
    actor: str,
    result: DeliveryResult | None = None,
    reason: str = "",
    check: bool = False,
) -> bool:
    """Record a final outcome and its timeline receipt, in the caller's transaction.

    Returns False (and writes nothing) when another worker settled the row meanwhile. A
    confirmed delivery wins over whatever happened to the row meanwhile (another worker took
    it for interrupted and made it 'uncertain', a person queued it again): it did go out, so
    it must never be offered for resend. ``check``: also record the channel as reachable
    (or its credentials as refused). The caller records the change-feed areas last.
    """
    sent = state is DeliveryState.SENT
    previous = outbox_repo.current_state(session, row.id)
    settled = previous is not DeliveryState.SENT and outbox_repo.finish(
        session,
        row.id,
        state,
        at,
        error=reason,
        remote_id=result.remote_id if result else "",
        remote_url=result.remote_url if result else "",
        from_states=SETTLE_FROM[state],
    )
    if not settled and not (sent and previous is DeliveryState.SENT):
        log.warning("outbox row %s was settled by another worker meanwhile", row.id)
        return False
    if sent and row.thread:  # an answer to an inbox item: the item is now replied, with where
        where = (result.remote_url or result.remote_id) if result else ""
        reply_repo.mark_replied(session, row.statement_id, where, at)
    if check:
        channel_repo.record_check(session, channel.id, at, reason)
    text, data = timeline_entry(row, channel, state, result, reason, previous)
    append(
        session,
        incident_id=row.incident_id,
        kind=EntryKind.STATEMENT,
        text=text,
        author=actor,
        at=at,
        data=data,
    )
    return True
