"""Listening sources in the database: settings (no secrets), cursors and last outcome."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import delete as sa_delete
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from warroom.domain.errors import NotFoundError
from warroom.domain.inbox import Source, SourceKind
from warroom.storage.models import InboxItemRow, SourceRow


def to_domain(row: SourceRow) -> Source:
    """Map a row to the domain object."""
    return Source(
        id=row.id,
        name=row.name,
        kind=SourceKind(row.kind),
        settings=dict(row.settings or {}),
        cursors=dict(row.cursors or {}),
        created_at=row.created_at,
        last_pulled_at=row.last_pulled_at,
        last_ok_at=row.last_ok_at,
        last_error=row.last_error or "",
        stopped_reason=row.stopped_reason or "",
        items_count=row.items_count,
        skipped_count=row.skipped_count,
    )


def list_all(session: Session) -> list[Source]:
    """Return every source by name."""
    return [to_domain(row) for row in session.scalars(select(SourceRow).order_by(SourceRow.name))]


def _row(session: Session, name: str) -> SourceRow:
    row = session.scalar(select(SourceRow).where(SourceRow.name == name))
    if row is None:
        known = ", ".join(s.name for s in list_all(session)) or "none"
        raise NotFoundError(f"no source {name!r} (sources: {known})")
    return row


def by_name(session: Session, name: str) -> Source:
    """Return the source called ``name`` or raise NotFoundError listing the known names."""
    return to_domain(_row(session, name))


def by_id(session: Session, source_id: int) -> Source:
    """Return the source with ``source_id`` or raise NotFoundError."""
    row = session.get(SourceRow, source_id)
    if row is None:
        raise NotFoundError(f"no source {source_id}")
    return to_domain(row)


def upsert(
    session: Session,
    *,
    name: str,
    kind: SourceKind,
    settings: Mapping[str, Any],
    at: datetime,
    reset_cursors: bool,
) -> Source:
    """Create the source or reconfigure it; a reconfigured source is polled again."""
    row = session.scalar(select(SourceRow).where(SourceRow.name == name))
    if row is None:
        row = SourceRow(
            name=name,
            kind=kind.value,
            cursors={},
            created_at=at,
            last_error="",
            stopped_reason="",
            items_count=0,
            skipped_count=0,
        )
        session.add(row)
    row.kind = kind.value
    row.settings = dict(settings)
    if reset_cursors:
        row.cursors = {}
    row.stopped_reason = ""
    row.last_error = ""
    session.flush()
    return to_domain(row)


def delete(session: Session, source_id: int) -> None:
    """Delete the source; its items stay (they keep the source's name and kind)."""
    session.execute(
        update(InboxItemRow)
        .where(InboxItemRow.source_id == source_id)
        .values(source_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(sa_delete(SourceRow).where(SourceRow.id == source_id))


def record_pull(
    session: Session,
    source_id: int,
    at: datetime,
    *,
    error: str = "",
    cursors: Mapping[str, Any] | None = None,
    added: int = 0,
    skipped: int = 0,
    stopped_reason: str | None = None,
) -> None:
    """Remember a pull's outcome, and (in the same transaction as its items) the cursors."""
    row = session.get(SourceRow, source_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"no source {source_id}")
    row.last_pulled_at = at
    row.last_error = error
    if not error:
        row.last_ok_at = at
    if cursors is not None:
        row.cursors = dict(cursors)
    row.items_count += added
    row.skipped_count += skipped
    if stopped_reason is not None:
        row.stopped_reason = stopped_reason
