"""Incidents in the database."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain.errors import NotFoundError
from warroom.domain.incidents import Incident, IncidentState, IncidentStatus, Severity
from warroom.domain.timeline import GENESIS_HASH
from warroom.storage.models import IncidentRow
from warroom.storage.row_mapping import incident_from


def to_domain(row: IncidentRow) -> Incident:
    """Map a row to the domain object."""
    return incident_from(row)


def regulator_deadline(session: Session, incident_id: int) -> tuple[timedelta | None, str]:
    """Return the regulator deadline (from awareness) and its label, as set at opening."""
    row = _row(session, incident_id)
    minutes = row.regulator_deadline_minutes
    return (timedelta(minutes=minutes) if minutes else None), row.regulator_deadline_label


def add(
    session: Session,
    *,
    title: str,
    severity: Severity,
    playbook_key: str | None,
    began_at: datetime,
    aware_at: datetime,
    declared_at: datetime,
    created_by: str,
    approvals_override: int | None,
    regulator_deadline: timedelta | None,
    regulator_deadline_label: str,
    hold_minutes: int,
) -> int:
    """Insert an incident with an empty timeline; return its id."""
    row = IncidentRow(
        title=title,
        severity=int(severity),
        state=IncidentState.OPEN.value,
        playbook_key=playbook_key,
        began_at=began_at,
        aware_at=aware_at,
        declared_at=declared_at,
        created_by=created_by,
        approvals_override=approvals_override,
        regulator_deadline_minutes=(
            int(regulator_deadline.total_seconds() // 60) if regulator_deadline else None
        ),
        regulator_deadline_label=regulator_deadline_label,
        entry_count=0,
        head_hash=GENESIS_HASH,
        lessons_learned="",
        version=1,
        status=IncidentStatus.INVESTIGATING.value,
        cadence_minutes=None,
        hold_minutes=hold_minutes,
    )
    session.add(row)
    session.flush()
    return row.id


def _row(session: Session, incident_id: int, *, for_update: bool = False) -> IncidentRow:
    query = select(IncidentRow).where(IncidentRow.id == incident_id)
    if for_update:
        # Refresh too: a row already in the session's identity map would otherwise keep the
        # values read before the lock was granted (PostgreSQL, READ COMMITTED).
        query = query.with_for_update().execution_options(populate_existing=True)
    row = session.scalar(query)
    if row is None:
        raise NotFoundError(f"no incident {incident_id}")
    return row


def get(session: Session, incident_id: int, *, for_update: bool = False) -> Incident:
    """Return the incident or raise NotFoundError. ``for_update`` locks its row (PostgreSQL)."""
    return to_domain(_row(session, incident_id, for_update=for_update))


def list_all(session: Session) -> list[Incident]:
    """Return every incident, open ones first, newest first."""
    rows = session.scalars(
        select(IncidentRow).order_by(IncidentRow.state.desc(), IncidentRow.id.desc())
    )
    return [to_domain(row) for row in rows]


def close(session: Session, incident_id: int, at: datetime) -> None:
    """Mark the incident closed at ``at``."""
    row = _row(session, incident_id)
    row.state = IncidentState.CLOSED.value
    row.closed_at = at
    row.version += 1


def hold_windows(session: Session, incident_ids: Iterable[int]) -> dict[int, timedelta]:
    """Return the hold window of each of these incidents (the sync worker's pass)."""
    wanted = set(incident_ids)
    if not wanted:
        return {}
    query = select(IncidentRow.id, IncidentRow.hold_minutes).where(IncidentRow.id.in_(wanted))
    return {row_id: timedelta(minutes=minutes) for row_id, minutes in session.execute(query)}


def update_fields(session: Session, incident_id: int, **values: object) -> None:
    """Set plain fields (severity, status, times, cadence, lessons learned...) on an incident.

    Header fields must also be chained (an ``incident.updated`` entry): see
    ``services.lifecycle``."""
    row = _row(session, incident_id)
    for name, value in values.items():
        setattr(row, name, value)
    row.version += 1
