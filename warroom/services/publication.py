"""Statements posted by hand: a war room without network posts from a phone and records it.

The record makes the statement public on that channel from the time the person gives (the
clocks count it, the review and the export show it as posted by hand), and settles the
channel's outbox row as sent, so the worker never posts it a second time.
"""

from __future__ import annotations

from datetime import datetime

from warroom.domain.changes import Area
from warroom.domain.clock import as_utc, iso_utc
from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.lifecycle import check_not_future
from warroom.domain.names import same_name
from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.people import Action
from warroom.domain.statements import StatementState
from warroom.domain.terminal_text import has_controls
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, incident_repo, outbox_decisions, outbox_repo, statement_repo
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

URL_MAX = 500


def validate_post_url(url: str) -> str:
    """Accept an empty URL or an http(s) address of at most 500 characters on one line."""
    cleaned = url.strip()
    if not cleaned:
        return ""
    if has_controls(cleaned) or " " in cleaned:
        raise ValidationError("the URL must be one address without spaces or control characters")
    if not cleaned.lower().startswith(("https://", "http://")):
        raise ValidationError("the URL must start with https:// or http://")
    if len(cleaned) > URL_MAX:
        raise ValidationError(f"the URL is over {URL_MAX} characters")
    return cleaned


class PublicationService:
    """Record posts made by hand."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def posted(
        self,
        statement_id: int,
        channel_name: str,
        actor: str,
        *,
        url: str = "",
        at: datetime | None = None,
    ) -> Delivery:
        """Record that ``actor`` posted the released statement on ``channel_name`` by hand
        (at ``at``, default now)."""
        address = validate_post_url(url)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.RELEASE)
            statement = statement_repo.get(session, statement_id, for_update=True)
            incident_repo.get(session, statement.incident_id, for_update=True).ensure_open()
            if statement.state is not StatementState.RELEASED or statement.released_at is None:
                raise RuleViolation(
                    f"statement {statement_id} is {statement.state.value.replace('_', ' ')}; "
                    "only a released statement can be recorded as posted"
                )
            now = self._ctx.clock()
            when = check_not_future(as_utc(at), now, "when it was posted") if at else now
            if when < statement.released_at:
                raise ValidationError(
                    f"statement {statement_id} was released at "
                    f"{statement.released_at:%Y-%m-%d %H:%M}Z; it cannot have been posted before"
                )
            row = _row_for(session, statement_id, channel_name, statement.channel_names)
            if row.state is DeliveryState.SENT:
                where = row.remote_url or row.remote_id or "no address recorded"
                raise RuleViolation(
                    f"statement {statement_id} is already out on {row.channel_name} ({where})"
                )
            if row.state is DeliveryState.SENDING:
                raise RuleViolation(
                    f"statement {statement_id} is being sent on {row.channel_name} right now; "
                    "wait for the outcome (warroom sync --status)"
                )
            if not outbox_decisions.posted_by_hand(
                session, row.id, row.state, by=actor, at=when, url=address, now=now
            ):
                raise RuleViolation(
                    f"outbox row {row.id} changed meanwhile; look again (warroom sync --status)"
                )
            data: dict[str, object] = {
                "event": TimelineEvent.STATEMENT_POSTED,
                "statement": statement_id,
                "channel": row.channel_name,
                "outbox": row.id,
                "posted_at": iso_utc(when),
                "previous_state": row.state.value,
            }
            if address:
                data["url"] = address
            append(
                session,
                incident_id=statement.incident_id,
                kind=EntryKind.STATEMENT,
                text=f"Statement #{statement_id} posted by hand on {row.channel_name} by {actor} "
                f"at {when:%Y-%m-%d %H:%M} UTC" + (f": {address}" if address else ""),
                author=actor,
                at=now,
                data=data,
            )
            changes.record(session, statement.incident_id, Area.OUTBOX, Area.TIMELINE)
            return outbox_repo.get(session, row.id)


def _row_for(
    session: Session, statement_id: int, channel_name: str, channels: tuple[str, ...]
) -> Delivery:
    """Return the statement's outbox row for the named channel, or refuse the channel."""
    rows = outbox_repo.list_rows(session, statement_id=statement_id)
    found = next((r for r in rows if same_name(r.channel_name, channel_name)), None)
    if found is None:
        names = ", ".join(channels) or "none"
        if any(same_name(name, channel_name) for name in channels):
            raise NotFoundError(f"statement {statement_id} has no outbox row for {channel_name}")
        raise ValidationError(
            f"statement {statement_id} was not released on {channel_name!r}; its channels: {names}"
        )
    return found
