"""People and roles: who may do what, checked inside every changing use case.

The rules live in :mod:`warroom.domain.people`; this module reads who is registered in the
same transaction as the change it guards, so a role change takes effect on the next action.
In team mode the acting person is the connection's own login (see services.identity).
"""

from __future__ import annotations

import logging

from warroom.domain.changes import Area
from warroom.domain.errors import RuleViolation
from warroom.domain.names import name_key
from warroom.domain.people import (
    Action,
    Person,
    Role,
    ensure_allowed,
    ensure_can_remove_person,
    ensure_can_set_person,
    find_person,
    refusal,
    validate_name,
)
from warroom.domain.trust import PublicKey
from warroom.services.context import ServiceContext
from warroom.services.identity import connected_person, ensure_acting_as_self
from warroom.storage import changes, db_roles, people_repo
from warroom.storage.database import Session
from warroom.storage.secrets import SecretStore

log = logging.getLogger(__name__)

OWNER_ONLY = (
    "people are managed from the database owner's connection (migrations and people "
    "management run as the owner role); you are connected as {name}"
)


def authorize(session: Session, actor: str, action: Action) -> None:
    """Refuse (NotPermittedError) unless ``actor`` may do ``action``; a no-op with no people.

    In team mode, acting as anyone but the connection's own person is refused first.
    """
    ensure_acting_as_self(session, actor)
    if not people_repo.any_registered(session):
        return
    ensure_allowed(actor, people_repo.role_of(session, actor), action, enforcing=True)


class PeopleService:
    """Register people, give them roles, and answer 'may X do Y?' for the window."""

    def __init__(self, context: ServiceContext, secrets: SecretStore | None = None) -> None:
        self._ctx = context
        self._secrets = secrets

    def all(self) -> list[Person]:
        """Return everyone registered, by name (empty: single-user mode, no role checks)."""
        with self._ctx.db.reading() as session:
            return people_repo.all_people(session)

    def enforcing(self) -> bool:
        """Tell whether roles are checked (at least one person is registered)."""
        with self._ctx.db.reading() as session:
            return people_repo.any_registered(session)

    def connected_person(self) -> Person | None:
        """Return the person this connection is bound to (team mode), else None."""
        with self._ctx.db.reading() as session:
            return connected_person(session)

    def refusal(self, actor: str, action: Action) -> str | None:
        """Say why ``actor`` may not do ``action`` now (None if they may), for tooltips."""
        with self._ctx.db.reading() as session:
            enforcing = people_repo.any_registered(session)
            role = people_repo.role_of(session, actor) if enforcing else None
        return refusal(actor, role, action, enforcing=enforcing)

    def put(
        self, name: str, role: Role | str, actor: str, *, login_password: str | None = None
    ) -> Person:
        """Add ``name`` with ``role``, or change their role (leads only; first one a lead).

        With ``login_password`` (team mode), also create the person's own database login,
        named after their name key, with exactly the privileges a person needs.
        """
        cleaned = validate_name(name)
        wanted = role if isinstance(role, Role) else Role.parse(role)
        with self._ctx.db.transaction() as session:
            me = connected_person(session)
            if me is not None:
                raise RuleViolation(OWNER_ONLY.format(name=me.name))
            # People changes queue up, so two leads demoting each other at once cannot
            # leave the room without a lead.
            changes.lock_for(session, "people")
            people = people_repo.all_people(session)
            ensure_can_set_person(actor, people, cleaned, wanted)
            before = find_person(people, cleaned)
            login = None
            if login_password is not None:
                if before is not None and before.login:
                    raise RuleViolation(f"{before.name} already has the login {before.login!r}")
                if not login_password:
                    raise RuleViolation("a login needs a password (give it on standard input)")
                login = db_roles.login_name_for(name_key(cleaned))
                db_roles.create_login(session, login, login_password)
            person = people_repo.put(
                session, cleaned, wanted, actor, self._ctx.clock(), login=login
            )
            changes.record(session, None, Area.PEOPLE)
        if before is None:
            log.info("%s added %s to the war room as %s", actor, cleaned, wanted.value)
        elif before.role is not wanted:
            log.info("%s changed %s from %s to %s", actor, cleaned, before.role.value, wanted.value)
        return person

    def remove(self, name: str, actor: str) -> Person:
        """Remove ``name`` from the war room (leads only; never the last lead of a team)."""
        cleaned = validate_name(name)
        with self._ctx.db.transaction() as session:
            me = connected_person(session)
            if me is not None:
                raise RuleViolation(OWNER_ONLY.format(name=me.name))
            changes.lock_for(session, "people")
            people = people_repo.all_people(session)
            ensure_can_remove_person(actor, people, cleaned)
            person = people_repo.remove(session, cleaned)
            changes.record(session, None, Area.PEOPLE)
        log.info("%s removed %s (%s) from the war room", actor, cleaned, person.role.value)
        return person

    def key(self, actor: str, name: str | None = None, *, new: bool = False) -> PublicKey:
        """Return the current public key of ``name`` (default: the actor).

        For the actor themselves, a key is made (private half in this keychain) when they
        have none yet, or when ``new`` asks for a fresh one; a new key is logged on the
        timeline of every open incident.
        """
        from warroom.services.signing import Keys
        from warroom.storage import key_repo

        with self._ctx.db.transaction() as session:
            ensure_acting_as_self(session, actor)
            keys = Keys(self._secrets or self._ctx.secrets)
            if name is not None and not _same(name, actor):
                if new:
                    raise RuleViolation(f"only {name} can make a new key for {name}")
                return keys.registered(session, name)
            current = key_repo.current(session, actor)
            if current is not None and not new:
                return current
            key = keys.create(session, actor, self._ctx.clock(), fresh=new).public
            # The new key is logged on every open incident's timeline: a room-wide change.
            changes.record(session, None, Area.PEOPLE, Area.TIMELINE)
            return key


def _same(first: str, second: str) -> bool:
    return name_key(first) == name_key(second)
