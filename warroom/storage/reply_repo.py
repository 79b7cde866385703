"""In-thread replies: which statement answers which inbox item, and where the thread is."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from warroom.domain.inbox import InboxState, ReplyLink
from warroom.storage import inbox_repo
from warroom.storage.models import InboxItemRow, InboxReplyRow


def add(session: Session, link: ReplyLink) -> None:
    """Bind a statement to the item it answers."""
    session.add(
        InboxReplyRow(
            statement_id=link.statement_id,
            item_id=link.item_id,
            approvals_required=link.approvals_required,
            template_key=link.template_key,
            preapproved_hash=link.preapproved_hash,
        )
    )
    session.flush()


def link_for(session: Session, statement_id: int) -> ReplyLink | None:
    """Return the reply link of a statement, or None for an ordinary statement."""
    row = session.get(InboxReplyRow, statement_id)
    if row is None:
        return None
    return ReplyLink(
        statement_id=row.statement_id,
        item_id=row.item_id,
        approvals_required=row.approvals_required,
        template_key=row.template_key,
        preapproved_hash=row.preapproved_hash or "",
    )


def statements_for_item(session: Session, item_id: int) -> list[int]:
    """Return the ids of the statements answering an item, oldest first."""
    query = (
        select(InboxReplyRow.statement_id)
        .where(InboxReplyRow.item_id == item_id)
        .order_by(InboxReplyRow.statement_id)
    )
    return list(session.scalars(query))


def threads_for(session: Session, statement_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Return, per replying statement, what its delivery needs to land in the thread.

    Keys: ``kind`` (the source kind) and the item's thread references, plus ``acct`` (the
    author's handle) and, for email, ``to`` (the sender, the only recipient of the answer).
    """
    ids = sorted(set(statement_ids))
    if not ids:
        return {}
    threads: dict[int, dict[str, Any]] = {}
    # Plain Core on the session's connection: asked for every batch of claimed outbox rows.
    rows = session.connection().execute(_THREADS, {"ids": ids})
    for statement_id, kind, thread, handle, address in rows:
        payload: dict[str, Any] = {**dict(thread or {}), "kind": kind, "acct": handle or ""}
        if address:
            payload["to"] = address
        threads[int(statement_id)] = payload
    return threads


_THREADS = (
    select(
        InboxReplyRow.statement_id,
        InboxItemRow.source_kind,
        InboxItemRow.thread,
        InboxItemRow.author_handle,
        InboxItemRow.author_address,
    )
    .join(InboxItemRow, InboxItemRow.id == InboxReplyRow.item_id)
    .where(InboxReplyRow.statement_id.in_(bindparam("ids", expanding=True)))
)


def mark_replied(session: Session, statement_id: int, url: str, at: datetime) -> int | None:
    """Mark the item a confirmed reply answers as replied (with the reply's URL).

    Returns the item's id, or None when the statement answers no item. The first response
    time is kept if the item had been answered before.
    """
    link = session.get(InboxReplyRow, statement_id)
    if link is None:
        return None
    item = session.get(InboxItemRow, link.item_id, with_for_update=True)
    if item is None:
        return None
    item.state = InboxState.REPLIED.value
    if url:
        item.reply_url = url[:1000]
    if item.responded_at is None:
        inbox_repo.record_response(item, at)
    item.version += 1
    return item.id
