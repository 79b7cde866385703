"""Checklist items of incidents in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain.checklist import ChecklistItem, Phase
from warroom.domain.errors import NotFoundError
from warroom.storage.models import ChecklistItemRow

if TYPE_CHECKING:
    from warroom.domain.playbooks import PlaybookItem


def to_domain(row: ChecklistItemRow) -> ChecklistItem:
    """Map a row to the domain object."""
    offset = row.due_offset_minutes
    return ChecklistItem(
        id=row.id,
        incident_id=row.incident_id,
        phase=Phase(row.phase),
        position=row.position,
        text=row.text,
        owner_role=row.owner_role,
        due_offset=timedelta(minutes=offset) if offset is not None else None,
        due_at=row.due_at,
        done_by=row.done_by,
        done_at=row.done_at,
        stops_regulator_clock=row.stops_regulator_clock,
    )


def add_from_playbook(
    session: Session, incident_id: int, items: Sequence[PlaybookItem], declared_at: datetime
) -> None:
    """Create an incident's checklist; due times run from the declaration."""
    for position, item in enumerate(items, start=1):
        offset = item.due_offset
        session.add(
            ChecklistItemRow(
                incident_id=incident_id,
                phase=item.phase.value,
                position=position,
                text=item.text,
                owner_role=item.owner_role,
                due_offset_minutes=int(offset.total_seconds() // 60)
                if offset is not None
                else None,
                due_at=declared_at + offset if offset is not None else None,
                stops_regulator_clock=item.stops_regulator_clock,
            )
        )
    session.flush()


def list_for_incident(session: Session, incident_id: int) -> list[ChecklistItem]:
    """Return the checklist in playbook order."""
    rows = session.scalars(
        select(ChecklistItemRow)
        .where(ChecklistItemRow.incident_id == incident_id)
        .order_by(ChecklistItemRow.position)
    )
    return [to_domain(row) for row in rows]


def get(session: Session, incident_id: int, item_id: int) -> ChecklistItem:
    """Return item ``item_id`` of the incident (its position number is accepted too)."""
    row = session.scalar(
        select(ChecklistItemRow).where(
            ChecklistItemRow.incident_id == incident_id, ChecklistItemRow.id == item_id
        )
    )
    if row is None:
        raise NotFoundError(f"no checklist item {item_id} in incident {incident_id}")
    return to_domain(row)


def mark_done(session: Session, item_id: int, by: str, at: datetime) -> ChecklistItem:
    """Tick an item."""
    row = session.get(ChecklistItemRow, item_id)
    if row is None:
        raise NotFoundError(f"no checklist item {item_id}")
    row.done_by = by
    row.done_at = at
    session.flush()
    return to_domain(row)
