"""Who is acting: in team mode the database login decides, not ``--as``.

A person connected with their own PostgreSQL login is that person: naming anyone else
(``--as``, ``WARROOM_USER``, the window's identity) is refused. On SQLite, or on the owner's
connection (migrations, people management), the acting person is whoever is named.
"""

from __future__ import annotations

from warroom.domain.names import same_name
from warroom.domain.people import NotPermittedError, Person
from warroom.storage import db_roles, people_repo
from warroom.storage.database import Session


def connected_person(session: Session) -> Person | None:
    """Return the person whose own login this connection uses (None: solo or owner)."""
    login = db_roles.current_login(session)
    return people_repo.by_login(session, login) if login else None


def ensure_acting_as_self(session: Session, actor: str) -> None:
    """Refuse ``actor`` when this connection is someone else's own login."""
    me = connected_person(session)
    if me is not None and not same_name(me.name, actor):
        raise NotPermittedError(f"you are connected as {me.name}")
