"""People and roles: who may do what, checked inside every changing use case.

The rules live in :mod:`warroom.domain.people`; this module reads who is registered in the
same transaction as the change it guards, so a role change takes effect on the next action.
"""

from __future__ import annotations

import logging

from warroom.domain.changes import Area
from warroom.domain.people import (
    Action,
    Person,
    Role,
    ensure_allowed,
    ensure_can_remove_person,
    ensure_can_set_person,
    refusal,
    validate_name,
)
from warroom.services.context import ServiceContext
from warroom.storage import changes, people_repo
from warroom.storage.database import Session

log = logging.getLogger(__name__)


def authorize(session: Session, actor: str, action: Action) -> None:
    """Refuse (NotPermittedError) unless ``actor`` may do ``action``; a no-op with no people."""
    if not people_repo.any_registered(session):
        return
    ensure_allowed(actor, people_repo.role_of(session, actor), action, enforcing=True)


class PeopleService:
    """Register people, give them roles, and answer 'may X do Y?' for the window."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def all(self) -> list[Person]:
        """Return everyone registered, by name (empty: single-user mode, no role checks)."""
        with self._ctx.db.reading() as session:
            return people_repo.all_people(session)

    def enforcing(self) -> bool:
        """Tell whether roles are checked (at least one person is registered)."""
        with self._ctx.db.reading() as session:
            return people_repo.any_registered(session)

    def refusal(self, actor: str, action: Action) -> str | None:
        """Say why ``actor`` may not do ``action`` now (None if they may), for tooltips."""
        with self._ctx.db.reading() as session:
            enforcing = people_repo.any_registered(session)
            role = people_repo.role_of(session, actor) if enforcing else None
        return refusal(actor, role, action, enforcing=enforcing)

    def put(self, name: str, role: Role | str, actor: str) -> Person:
        """Add ``name`` with ``role``, or change their role (leads only; first one a lead)."""
        cleaned = validate_name(name)
        wanted = role if isinstance(role, Role) else Role.parse(role)
        with self._ctx.db.transaction() as session:
            # People changes queue up, so two leads demoting each other at once cannot
            # leave the room without a lead.
            changes.lock_for(session, "people")
            people = people_repo.all_people(session)
            ensure_can_set_person(actor, people, cleaned, wanted)
            before = next((p.role for p in people if p.name == cleaned), None)
            person = people_repo.put(session, cleaned, wanted, actor, self._ctx.clock())
            changes.record(session, None, Area.PEOPLE)
        if before is None:
            log.info("%s added %s to the war room as %s", actor, cleaned, wanted.value)
        elif before is not wanted:
            log.info("%s changed %s from %s to %s", actor, cleaned, before.value, wanted.value)
        return person

    def remove(self, name: str, actor: str) -> Person:
        """Remove ``name`` from the war room (leads only; never the last lead of a team)."""
        cleaned = validate_name(name)
        with self._ctx.db.transaction() as session:
            changes.lock_for(session, "people")
            people = people_repo.all_people(session)
            ensure_can_remove_person(actor, people, cleaned)
            person = people_repo.remove(session, cleaned)
            changes.record(session, None, Area.PEOPLE)
        log.info("%s removed %s (%s) from the war room", actor, cleaned, person.role.value)
        return person
