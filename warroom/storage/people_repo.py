"""People and roles in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, select
from sqlalchemy.orm import Session

from warroom.domain.errors import NotFoundError
from warroom.domain.people import Person, Role
from warroom.storage.models import PersonRow


def _to_domain(row: PersonRow) -> Person:
    return Person(name=row.name, role=Role(row.role), added_by=row.added_by, added_at=row.added_at)


def any_registered(session: Session) -> bool:
    """Tell whether anyone is registered (then roles are enforced)."""
    return bool(session.scalar(select(exists().where(PersonRow.id.is_not(None)))))


def role_of(session: Session, name: str) -> Role | None:
    """Return the role of ``name``, or None if they are not registered."""
    value = session.scalar(select(PersonRow.role).where(PersonRow.name == name))
    return Role(value) if value is not None else None


def all_people(session: Session) -> list[Person]:
    """Return everyone, by name."""
    return [_to_domain(row) for row in session.scalars(select(PersonRow).order_by(PersonRow.name))]


def put(session: Session, name: str, role: Role, by: str, at: datetime) -> Person:
    """Register ``name`` with ``role``, or change the role of someone registered."""
    row = session.scalar(select(PersonRow).where(PersonRow.name == name))
    if row is None:
        row = PersonRow(name=name, role=role.value, added_by=by, added_at=at)
        session.add(row)
    else:
        row.role = role.value
    session.flush()
    return _to_domain(row)


def remove(session: Session, name: str) -> Person:
    """Unregister ``name`` and return who they were, or raise NotFoundError."""
    row = session.scalar(select(PersonRow).where(PersonRow.name == name))
    if row is None:
        raise NotFoundError(f"{name} is not a member of this war room")
    person = _to_domain(row)
    session.execute(delete(PersonRow).where(PersonRow.id == row.id))
    return person
