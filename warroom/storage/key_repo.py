"""Public signing keys of people: registered once, never edited (insert-only table)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from warroom.domain.names import name_key
from warroom.domain.trust import PublicKey
from warroom.storage.models import PersonKeyRow


def _to_domain(row: PersonKeyRow) -> PublicKey:
    return PublicKey(row.person, row.fingerprint, row.public_key, row.created_at)


def current(session: Session, person: str) -> PublicKey | None:
    """Return the newest key registered for ``person`` (compared as a name), or None."""
    row = session.scalar(
        select(PersonKeyRow)
        .where(PersonKeyRow.person_key == name_key(person))
        .order_by(PersonKeyRow.id.desc())
        .limit(1)
    )
    return _to_domain(row) if row is not None else None


def by_fingerprints(session: Session, fingerprints: Iterable[str]) -> dict[str, PublicKey]:
    """Return the keys with these fingerprints, by fingerprint."""
    wanted = set(fingerprints)
    if not wanted:
        return {}
    rows = session.scalars(select(PersonKeyRow).where(PersonKeyRow.fingerprint.in_(wanted)))
    return {row.fingerprint: _to_domain(row) for row in rows}


def add(
    session: Session, person: str, fingerprint: str, public_key: str, at: datetime
) -> PublicKey:
    """Register a new public key for ``person``."""
    row = PersonKeyRow(
        person=person,
        person_key=name_key(person),
        fingerprint=fingerprint,
        public_key=public_key,
        created_at=at,
    )
    session.add(row)
    session.flush()
    return _to_domain(row)
