"""Inbox items and tracked terms in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, or_, select
from sqlalchemy.orm import Session

from warroom.domain.errors import NotFoundError, ValidationError
from warroom.domain.inbox import (
    Author,
    Heard,
    InboxFilter,
    InboxItem,
    InboxState,
    Source,
    SourceKind,
    Suggestion,
)
from warroom.storage.models import InboxItemRow, IncidentRow, TrackedTermRow

SEARCH_MAX = 200


def to_domain(row: InboxItemRow) -> InboxItem:
    """Map a row to the domain object."""
    return from_plain(row)


def from_plain(row: Any) -> InboxItem:
    """Map anything with the row's attributes (a row, a plain result row, insert values)."""
    return InboxItem(
        id=row.id,
        source_id=row.source_id,
        source_name=row.source_name,
        source_kind=SourceKind(row.source_kind),
        remote_id=row.remote_id,
        url=row.url or "",
        author=Author(
            handle=row.author_handle or "",
            name=row.author_name or "",
            followers=row.author_followers,
            address=row.author_address or "",
        ),
        text=row.text,
        subject=row.subject or "",
        posted_at=row.posted_at,
        received_at=row.received_at,
        language=row.language or "",
        thread=dict(row.thread or {}),
        state=InboxState(row.state),
        suggestion=Suggestion(
            priority=row.suggested_priority,
            reasons=tuple(row.suggestion_reasons or ()),
            sentiment=row.sentiment,
            risk_words=tuple(row.risk_words or ()),
        ),
        priority=row.priority,
        assignee=row.assignee or "",
        tags=tuple(row.tags or ()),
        incident_id=row.incident_id,
        attached_automatically=row.attached_automatically,
        reply_url=row.reply_url or "",
        responded_at=row.responded_at,
        truncated=row.truncated,
        attachments=row.attachments,
        version=row.version,
    )


def add_heard(
    session: Session,
    source: Source,
    heard: Sequence[tuple[Heard, Suggestion]],
    at: datetime,
) -> list[InboxItem]:
    """Store what is new among ``heard`` (deduplicated by remote id); return the new items."""
    wanted: dict[str, tuple[Heard, Suggestion]] = {}
    for item, suggestion in heard:
        wanted.setdefault(item.remote_id, (item, suggestion))
    if not wanted:
        return []
    known: set[str] = set()
    ids = list(wanted)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        known.update(
            session.scalars(
                select(InboxItemRow.remote_id).where(
                    InboxItemRow.source_id == source.id, InboxItemRow.remote_id.in_(chunk)
                )
            )
        )
    values = [
        _new_values(source, item, suggestion, at)
        for remote_id, (item, suggestion) in wanted.items()
        if remote_id not in known
    ]
    if not values:
        return []
    # Core executemany with RETURNING (SQLAlchemy's "insertmanyvalues"): one round trip per
    # thousand rows instead of a unit of work per object; ids come back in input order.
    ids_back = session.scalars(
        insert(InboxItemRow).returning(InboxItemRow.id, sort_by_parameter_order=True), values
    ).all()
    return [_from_values(item_id, row) for item_id, row in zip(ids_back, values, strict=True)]


def _new_values(
    source: Source, item: Heard, suggestion: Suggestion, at: datetime
) -> dict[str, Any]:
    return {
        "source_id": source.id,
        "source_name": source.name,
        "source_kind": source.kind.value,
        "remote_id": item.remote_id,
        "url": item.url[:1000],
        "author_handle": item.author.handle[:300],
        "author_name": item.author.name[:300],
        "author_followers": item.author.followers,
        "author_address": item.author.address[:300],
        "subject": item.subject[:300],
        "text": item.text,
        "language": item.language[:16],
        "thread": dict(item.thread),
        "posted_at": item.posted_at,
        "posted_epoch": int(item.posted_at.timestamp()),
        "received_at": at,
        "truncated": item.truncated,
        "attachments": item.attachments,
        "state": InboxState.NEW.value,
        "suggested_priority": suggestion.priority,
        "suggestion_reasons": list(suggestion.reasons),
        "risk_words": list(suggestion.risk_words),
        "sentiment": suggestion.sentiment,
        "priority": None,
        "assignee": "",
        "tags": [],
        "incident_id": None,
        "attached_automatically": False,
        "reply_url": "",
        "responded_at": None,
        "response_seconds": None,
        "version": 1,
    }


def _from_values(item_id: int, values: dict[str, Any]) -> InboxItem:
    """Return the domain object of a row just inserted from ``values``."""
    return from_plain(SimpleNamespace(id=item_id, **values))


def _row(session: Session, item_id: int, *, for_update: bool = False) -> InboxItemRow:
    query = select(InboxItemRow).where(InboxItemRow.id == item_id)
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"no inbox item {item_id}")
    return row


def get(session: Session, item_id: int, *, for_update: bool = False) -> InboxItem:
    """Return one item or raise NotFoundError; ``for_update`` locks it (PostgreSQL)."""
    return to_domain(_row(session, item_id, for_update=for_update))


def filter_conditions(filters: InboxFilter, *, indexed: bool = True) -> list[ColumnElement[bool]]:
    """Return the SQL conditions of ``filters``.

    ``indexed=False`` writes them so that no index serves them (``incident_id + 0``,
    ``state || ''``): the query then walks the index of its order instead (see
    ``inbox_page_repo``). The items they select are the same.
    """
    incident: Any = InboxItemRow.incident_id if indexed else InboxItemRow.incident_id + 0
    state: Any = InboxItemRow.state if indexed else InboxItemRow.state + ""
    source: Any = InboxItemRow.source_name if indexed else InboxItemRow.source_name + ""
    conditions: list[ColumnElement[bool]] = []
    if filters.incident_id is not None:
        conditions.append(incident == filters.incident_id)
    if filters.unassigned:
        conditions.append(incident.is_(None))
    if filters.states:
        conditions.append(state.in_([s.value for s in filters.states]))
    if filters.source:
        conditions.append(source == filters.source)
    if filters.priority is not None:
        conditions.append(
            or_(
                InboxItemRow.priority == filters.priority,
                (InboxItemRow.priority.is_(None))
                & (InboxItemRow.suggested_priority == filters.priority),
            )
        )
    if filters.search.strip():
        conditions.append(_contains(filters.search))
    return conditions


def _contains(text: str) -> ColumnElement[bool]:
    if len(text) > SEARCH_MAX:
        raise ValidationError(f"the search text is over {SEARCH_MAX} characters")
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return InboxItemRow.text.ilike(f"%{escaped}%", escape="\\")


def list_items(
    session: Session, filters: InboxFilter, *, limit: int | None = 200, offset: int = 0
) -> list[InboxItem]:
    """Return the items that pass ``filters``, newest first."""
    query = (
        select(InboxItemRow)
        .where(*filter_conditions(filters))
        .order_by(InboxItemRow.posted_at.desc(), InboxItemRow.id.desc())
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [to_domain(row) for row in session.scalars(query)]


def count(session: Session, filters: InboxFilter) -> int:
    """Return how many items pass ``filters``."""
    query = select(func.count()).select_from(InboxItemRow).where(*filter_conditions(filters))
    return int(session.scalar(query) or 0)


def update(
    session: Session,
    item_id: int,
    *,
    state: InboxState | None = None,
    priority: int | None = None,
    assignee: str | None = None,
    tags: Sequence[str] | None = None,
    responded_at: datetime | None = None,
    reply_url: str | None = None,
) -> InboxItem:
    """Change an item's triage fields (only those given); the first response time sticks."""
    row = _row(session, item_id)
    if state is not None:
        row.state = state.value
    if priority is not None:
        row.priority = priority
    if assignee is not None:
        row.assignee = assignee
    if tags is not None:
        row.tags = list(tags)
    if responded_at is not None and row.responded_at is None:
        record_response(row, responded_at)
    if reply_url is not None:
        row.reply_url = reply_url[:1000]
    row.version += 1
    session.flush()
    return to_domain(row)


def record_response(row: InboxItemRow, at: datetime) -> None:
    """Remember the first response to an item and how long it took."""
    row.responded_at = at
    row.response_seconds = max(0, int((at - row.posted_at).total_seconds()))


def attach(session: Session, item_id: int, incident_id: int, *, automatic: bool) -> InboxItem:
    """Link an item to an incident."""
    row = _row(session, item_id)
    row.incident_id = incident_id
    row.attached_automatically = automatic
    row.version += 1
    session.flush()
    return to_domain(row)


def unattached_containing(session: Session, text: str, *, limit: int = 10_000) -> list[InboxItem]:
    """Return items attached to no incident whose text contains ``text`` (any case)."""
    query = (
        select(InboxItemRow)
        .where(InboxItemRow.incident_id.is_(None), _contains(text))
        .order_by(InboxItemRow.id)
        .limit(limit)
    )
    return [to_domain(row) for row in session.scalars(query)]


# --- tracked terms ---------------------------------------------------------------------------


def add_term(session: Session, incident_id: int, term: str, actor: str, at: datetime) -> bool:
    """Track ``term`` for an incident; False when it was tracked already."""
    exists = session.scalar(
        select(TrackedTermRow.id).where(
            TrackedTermRow.incident_id == incident_id, TrackedTermRow.term == term
        )
    )
    if exists is not None:
        return False
    session.add(TrackedTermRow(incident_id=incident_id, term=term, added_by=actor, added_at=at))
    session.flush()
    return True


def remove_term(session: Session, incident_id: int, term: str) -> bool:
    """Stop tracking ``term``; False when it was not tracked."""
    result = session.execute(
        delete(TrackedTermRow).where(
            TrackedTermRow.incident_id == incident_id, TrackedTermRow.term == term
        )
    )
    return bool(getattr(result, "rowcount", 0))


def terms(session: Session, incident_id: int) -> list[str]:
    """Return an incident's tracked terms in the order they were added."""
    query = (
        select(TrackedTermRow.term)
        .where(TrackedTermRow.incident_id == incident_id)
        .order_by(TrackedTermRow.id)
    )
    return list(session.scalars(query))


def open_incident_terms(session: Session) -> list[tuple[int, str]]:
    """Return (incident id, term) for every open incident's tracked terms, oldest first."""
    query = (
        select(TrackedTermRow.incident_id, TrackedTermRow.term)
        .join(IncidentRow, IncidentRow.id == TrackedTermRow.incident_id)
        .where(IncidentRow.state == "open")
        .order_by(TrackedTermRow.incident_id, TrackedTermRow.id)
    )
    return [(int(i), str(t)) for i, t in session.execute(query)]
