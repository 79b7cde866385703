"""People and roles in the database. Names are looked up as names (see domain.names)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, exists, func, select
from sqlalchemy.orm import Session

from warroom.domain.errors import NotFoundError
from warroom.domain.names import name_key
from warroom.domain.people import Person, Role
from warroom.storage.models import PersonKeyRow, PersonRow
from warroom.storage.prepared import Prepared


def _to_domain(row: PersonRow, fingerprint: str = "") -> Person:
    return Person(
        name=row.name,
        role=Role(row.role),
        added_by=row.added_by,
        added_at=row.added_at,
        login=row.login or "",
        fingerprint=fingerprint,
    )


def _row(session: Session, name: str) -> PersonRow | None:
    return session.scalar(select(PersonRow).where(PersonRow.name_key == name_key(name)))


def any_registered(session: Session) -> bool:
    """Tell whether anyone is registered (then roles are enforced).

    Asked by every write use case: a prepared statement on the session's connection.
    """
    return bool(_ANYONE.first(session.connection(), {})[0])


_ANYONE = Prepared(select(exists().where(PersonRow.id.is_not(None))))


def role_of(session: Session, name: str) -> Role | None:
    """Return the role of ``name`` (compared as a name), or None if they are not registered."""
    value = session.scalar(select(PersonRow.role).where(PersonRow.name_key == name_key(name)))
    return Role(value) if value is not None else None


def get(session: Session, name: str) -> Person | None:
    """Return the registered person called ``name`` (as a name), or None."""
    row = _row(session, name)
    return _to_domain(row) if row is not None else None


def by_login(session: Session, login: str) -> Person | None:
    """Return the person whose database login role is ``login``, or None."""
    if not login:
        return None
    row = session.scalar(select(PersonRow).where(PersonRow.login == login))
    return _to_domain(row) if row is not None else None


def all_people(session: Session) -> list[Person]:
    """Return everyone, by name, each with the fingerprint of their current key."""
    latest = (
        select(PersonKeyRow.person_key, func.max(PersonKeyRow.id).label("last"))
        .group_by(PersonKeyRow.person_key)
        .subquery()
    )
    fingerprints: dict[str, str] = {
        person_key: fingerprint
        for person_key, fingerprint in session.execute(
            select(PersonKeyRow.person_key, PersonKeyRow.fingerprint).join(
                latest, PersonKeyRow.id == latest.c.last
            )
        )
    }
    rows = session.scalars(select(PersonRow).order_by(PersonRow.name))
    return [_to_domain(row, fingerprints.get(row.name_key, "")) for row in rows]


def put(
    session: Session, name: str, role: Role, by: str, at: datetime, *, login: str | None = None
) -> Person:
    """Register ``name`` with ``role``, or change the role of someone registered."""
    row = _row(session, name)
    if row is None:
        row = PersonRow(
            name=name,
            name_key=name_key(name),
            role=role.value,
            added_by=by,
            added_at=at,
            login=login or "",
        )
        session.add(row)
    else:
        row.role = role.value
        if login is not None:
            row.login = login
    session.flush()
    return _to_domain(row)


def remove(session: Session, name: str) -> Person:
    """Unregister ``name`` and return who they were, or raise NotFoundError."""
    row = _row(session, name)
    if row is None:
        raise NotFoundError(f"{name} is not a member of this war room")
    person = _to_domain(row)
    session.execute(delete(PersonRow).where(PersonRow.id == row.id))
    return person
