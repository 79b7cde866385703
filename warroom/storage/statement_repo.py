"""Statements, their revisions and approvals in the database."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from warroom.domain.channels import Channel
from warroom.domain.errors import NotFoundError
from warroom.domain.statements import (
    Approval,
    DraftConflict,
    Revision,
    Statement,
    StatementState,
)
from warroom.storage import channel_repo
from warroom.storage.models import (
    ApprovalRow,
    ChannelRow,
    RevisionRow,
    RevisionVariantRow,
    StatementChannelRow,
    StatementRow,
)
from warroom.storage.row_mapping import (
    approval_from,
    revision_from,
    statement_from,
)

#: a channel's own (subject, text), by channel name, as a save gives them
Own = Mapping[str, tuple[str, str]]


def _to_domain(session: Session, row: StatementRow) -> Statement:
    """Map one row to its statement with its channels and approvals."""
    return _to_domain_many(session, [row])[0]


def _to_domain_many(session: Session, rows: Sequence[StatementRow]) -> list[Statement]:
    """Map rows to statements with their channels and approvals.

    Two queries for the whole batch, whatever its size (channels, approvals), rather than two
    per statement: the drafts pane and every export list all of an incident's statements.
    """
    if not rows:
        return []
    channel_ids = {link.channel_id for row in rows for link in row.channel_links}
    channels = {
        c.id: channel_repo.to_domain(c)
        for c in session.scalars(select(ChannelRow).where(ChannelRow.id.in_(channel_ids)))
    }
    approvals: dict[int, list[Approval]] = defaultdict(list)
    for a in session.scalars(
        select(ApprovalRow)
        .where(ApprovalRow.statement_id.in_([row.id for row in rows]))
        .order_by(ApprovalRow.id)
    ):
        approvals[a.statement_id].append(approval_from(a))
    return [statement_from(row, row.channel_links, channels, approvals[row.id]) for row in rows]


def _row(session: Session, statement_id: int, *, for_update: bool = False) -> StatementRow:
    query = (
        select(StatementRow)
        .where(StatementRow.id == statement_id)
        .options(selectinload(StatementRow.channel_links))
    )
    if for_update:
        # Lock the row (PostgreSQL) and refresh it: under READ COMMITTED the lock waits for a
        # concurrent writer, and the copy must then be the one it committed, not a stale one
        # from this session's identity map.
        query = query.with_for_update(of=StatementRow).execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"no statement {statement_id}")
    return row


def get(session: Session, statement_id: int, *, for_update: bool = False) -> Statement:
    """Return the statement with its channels and approvals, or raise NotFoundError.

    ``for_update`` locks it until the transaction ends, so that two workstations changing
    the same statement (approve, release, edit) take turns and each sees the other's result.
    """
    return _to_domain(session, _row(session, statement_id, for_update=for_update))


def list_for_incident(session: Session, incident_id: int) -> list[Statement]:
    """Return an incident's statements, oldest first."""
    rows = session.scalars(
        select(StatementRow)
        .where(StatementRow.incident_id == incident_id)
        .options(selectinload(StatementRow.channel_links))
        .order_by(StatementRow.id)
    ).all()
    return _to_domain_many(session, rows)


def add(
    session: Session,
    *,
    incident_id: int,
    channels: list[Channel],
    subject: str,
    text: str,
    author: str,
    at: datetime,
    next_update_by: datetime | None,
    template_key: str | None,
    own: Own | None = None,
) -> Statement:
    """Insert a draft and its first revision (``own``: channels with their own variant)."""
    row = StatementRow(
        incident_id=incident_id,
        subject=subject,
        text=text,
        state=StatementState.DRAFT.value,
        revision=1,
        author=author,
        revision_author=author,
        created_at=at,
        updated_at=at,
        next_update_by=next_update_by,
        template_key=template_key,
        rejection_reason="",
        channel_links=_links(channels, own or {}),
    )
    session.add(row)
    session.flush()
    statement = _to_domain(session, row)
    _add_revision(session, statement, author, at)
    return statement


def _links(channels: Sequence[Channel], own: Own) -> list[StatementChannelRow]:
    """Return the channel links in order, each with its own variant if it has one."""
    links = []
    for position, channel in enumerate(channels):
        subject, text = own.get(channel.name, (None, None))
        links.append(
            StatementChannelRow(
                channel_id=channel.id,
                position=position,
                variant_subject=subject,
                variant_text=text,
            )
        )
    return links


def _add_revision(session: Session, statement: Statement, author: str, at: datetime) -> None:
    revision = RevisionRow(
        statement_id=statement.id,
        revision=statement.revision,
        subject=statement.subject,
        text=statement.text,
        author=author,
        created_at=at,
        content_hash=statement.content_hash,
        channels=list(statement.channel_names),
    )
    session.add(revision)
    if statement.edited_variants:
        session.flush()
        session.add_all(
            RevisionVariantRow(
                revision_id=revision.id, channel=v.channel, subject=v.subject, text=v.text
            )
            for v in statement.edited_variants
        )


def _checked_row(session: Session, statement_id: int, expected_version: int | None) -> StatementRow:
    row = _row(session, statement_id)
    if expected_version is not None and row.version != expected_version:
        raise DraftConflict(_to_domain(session, row))
    return row


def update_content(
    session: Session,
    statement_id: int,
    *,
    subject: str,
    text: str,
    channels: list[Channel] | None,
    next_update_by: datetime | None,
    author: str,
    at: datetime,
    state: StatementState,
    expected_version: int | None,
    own: Own,
) -> Statement:
    """Save new content as a new revision; ``expected_version`` guards against lost edits.

    ``channels`` None keeps the targets; ``own`` is every channel's own variant after the
    save (a channel not in it follows the main text). A schedule is called off.
    """
    row = _checked_row(session, statement_id, expected_version)
    row.subject = subject
    row.text = text
    row.revision += 1
    row.revision_author = author
    row.updated_at = at
    row.state = state.value
    row.next_update_by = next_update_by
    row.rejection_reason = ""
    row.scheduled_for = None
    row.scheduled_by = None
    if channels is not None and [c.id for c in channels] != [
        link.channel_id for link in row.channel_links
    ]:
        row.channel_links = _links(channels, own)
    else:
        names = {c.id: c.name for c in channel_repo.list_all(session)}
        for link in row.channel_links:
            variant_subject, variant_text = own.get(names[link.channel_id], (None, None))
            link.variant_subject, link.variant_text = variant_subject, variant_text
    session.flush()
    statement = _to_domain(session, row)
    _add_revision(session, statement, author, at)
    session.flush()
    return statement


def set_state(
    session: Session,
    statement_id: int,
    state: StatementState,
    at: datetime,
    *,
    expected_version: int | None = None,
    rejection_reason: str | None = None,
    released_by: str | None = None,
    scheduled_for: datetime | None = None,
) -> Statement:
    """Move a statement to ``state`` (recording who released or scheduled it, or why it was
    rejected).

    A rejection also starts a new review round: the approvals of the round before no
    longer count, even if the same text is submitted again. Leaving the scheduled state
    other than by its release calls the schedule off.
    """
    row = _checked_row(session, statement_id, expected_version)
    row.state = state.value
    row.updated_at = at
    if rejection_reason is not None:
        row.rejection_reason = rejection_reason
        row.review_round = (row.review_round or 0) + 1
    if state is StatementState.SCHEDULED:
        row.scheduled_for = scheduled_for
        row.scheduled_by = released_by
    elif state is not StatementState.RELEASED:
        row.scheduled_for = row.scheduled_by = None
    if state is StatementState.RELEASED:
        row.released_at = at
        row.released_by = released_by
    session.flush()
    return _to_domain(session, row)


def add_approval(
    session: Session,
    statement: Statement,
    approver: str,
    at: datetime,
    *,
    signature: str = "",
    key: str = "",
) -> None:
    """Record ``approver``'s signed approval of the statement's current content and round."""
    session.add(
        ApprovalRow(
            statement_id=statement.id,
            approver=approver,
            approved_at=at,
            content_hash=statement.content_hash,
            revision=statement.revision,
            review_round=statement.review_round,
            signature=signature,
            key=key,
        )
    )
    session.flush()


def revisions(session: Session, statement_id: int) -> list[Revision]:
    """Return every revision of a statement, oldest first, with its edited variants."""
    rows = session.scalars(
        select(RevisionRow)
        .where(RevisionRow.statement_id == statement_id)
        .order_by(RevisionRow.revision)
    ).all()
    own: dict[int, list[RevisionVariantRow]] = defaultdict(list)
    for v in session.scalars(
        select(RevisionVariantRow)
        .where(RevisionVariantRow.revision_id.in_([r.id for r in rows]))
        .order_by(RevisionVariantRow.id)
    ):
        own[v.revision_id].append(v)
    return [revision_from(r, own[r.id]) for r in rows]


def scheduled_due(session: Session, now: datetime) -> list[int]:
    """Return the ids of scheduled statements whose release time has come, oldest first."""
    return list(
        session.scalars(
            select(StatementRow.id)
            .where(
                StatementRow.state == StatementState.SCHEDULED.value,
                StatementRow.scheduled_for <= now,
            )
            .order_by(StatementRow.scheduled_for, StatementRow.id)
        )
    )
