"""Checklist items of incidents in the database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warroom.domain.checklist import ChecklistItem, Phase, item_due
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
        assignee=row.assignee or "",
    )


def add_from_playbook(
    session: Session,
    incident_id: int,
    items: Sequence[PlaybookItem],
    *,
    declared_at: datetime,
    aware_at: datetime,
    regulator_window: timedelta | None,
) -> None:
    """Create an incident's checklist; due times run from the declaration, except the step
    that notifies the regulator (due at the regulator deadline: see domain.checklist)."""
    for position, item in enumerate(items, start=1):
        offset = item.due_offset
        due_at = item_due(
            declared_at=declared_at,
            aware_at=aware_at,
            offset=offset,
            stops_regulator_clock=item.stops_regulator_clock,
            regulator_window=regulator_window,
        )
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
                due_at=due_at,
                stops_regulator_clock=item.stops_regulator_clock,
                assignee="",
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


def _item_row(session: Session, item_id: int) -> ChecklistItemRow:
    row = session.get(ChecklistItemRow, item_id)
    if row is None:
        raise NotFoundError(f"no checklist item {item_id}")
    return row


def mark_done(session: Session, item_id: int, by: str, at: datetime) -> ChecklistItem:
    """Tick an item."""
    row = _item_row(session, item_id)
    row.done_by = by
    row.done_at = at
    session.flush()
    return to_domain(row)


def mark_undone(session: Session, item_id: int) -> ChecklistItem:
    """Untick an item (the timeline keeps who ticked it, when, and why it was undone)."""
    row = _item_row(session, item_id)
    row.done_by = None
    row.done_at = None
    session.flush()
    return to_domain(row)


def assign(session: Session, item_id: int, person: str) -> ChecklistItem:
    """Assign an item to a person."""
    row = _item_row(session, item_id)
    row.assignee = person
    session.flush()
    return to_domain(row)


def add_item(
    session: Session,
    incident_id: int,
    *,
    phase: Phase,
    text: str,
    owner_role: str,
    due_at: datetime | None,
) -> ChecklistItem:
    """Add an item during the incident, after every existing one."""
    last = session.scalar(
        select(func.max(ChecklistItemRow.position)).where(
            ChecklistItemRow.incident_id == incident_id
        )
    )
    row = ChecklistItemRow(
        incident_id=incident_id,
        phase=phase.value,
        position=(last or 0) + 1,
        text=text,
        owner_role=owner_role,
        due_offset_minutes=None,
        due_at=due_at,
        stops_regulator_clock=False,
        assignee="",
    )
    session.add(row)
    session.flush()
    return to_domain(row)


def set_regulator_due(session: Session, incident_id: int, due_at: datetime) -> None:
    """Move the due time of the step that notifies the regulator (awareness was corrected)."""
    for row in session.scalars(
        select(ChecklistItemRow).where(
            ChecklistItemRow.incident_id == incident_id,
            ChecklistItemRow.stops_regulator_clock.is_(True),
        )
    ):
        row.due_at = due_at
    session.flush()
