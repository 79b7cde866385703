"""Signing keys: each person's Ed25519 key pair, the private half only in their keychain.

Solo mode (SQLite, or a server connection that is not a person's own login): a person's key
is made on their first signature at this machine, so ``--as`` workflows keep working. Team
mode (connected with a person's own login): only that login registers its key
(``warroom person key``), and signing without one is refused with how to make it. A new key
is a timeline entry (``key.registered``) on the incident it was made for, or, made by
``warroom person key``, on every open incident.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from warroom.domain.errors import NotFoundError, RuleViolation
from warroom.domain.names import name_key, same_name
from warroom.domain.statements import Statement
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.domain.trust import PublicKey, approval_document, fingerprint
from warroom.export import signatures
from warroom.services.identity import connected_person
from warroom.storage import db_roles, incident_repo, key_repo, people_repo, timeline_repo
from warroom.storage.database import Session
from warroom.storage.secrets import SecretStore

KEY_HELP = "create it with 'warroom person key' at your own workstation, connected as yourself"


@dataclass(frozen=True, slots=True)
class SigningKey:
    """A person's registered public key with its private half from this keychain."""

    public: PublicKey
    private: str

    def sign(self, message: bytes) -> str:
        """Return the hex signature of ``message``."""
        return signatures.sign(self.private, message)


class Keys:
    """Find, make and register signing keys (inside the caller's transaction)."""

    def __init__(self, secrets: SecretStore | None = None) -> None:
        self._secrets = secrets or SecretStore()

    def for_signing(
        self, session: Session, person: str, at: datetime, incident_id: int | None = None
    ) -> SigningKey:
        """Return ``person``'s key for signing now, making it first in solo mode (logged on
        incident ``incident_id``)."""
        me = connected_person(session)
        _ensure_own_login(session, person)
        registered = key_repo.current(session, person)
        if registered is None:
            if me is not None:
                raise RuleViolation(f"{person} has no signing key yet; {KEY_HELP}")
            return self.create(session, person, at, incident_id=incident_id)
        private = self._secrets.get_signing_key(name_key(person))
        if not private or signatures.public_key_of(private) != registered.public_key:
            raise RuleViolation(
                f"the signing key of {person} (fingerprint {registered.fingerprint}) is not in "
                "this machine's keychain; sign at the machine that holds it, or make a new key "
                "with 'warroom person key --new'"
            )
        return SigningKey(registered, private)

    def create(
        self,
        session: Session,
        person: str,
        at: datetime,
        *,
        fresh: bool = False,
        incident_id: int | None = None,
    ) -> SigningKey:
        """Register ``person``'s key (a new one, or the unregistered one this keychain holds).

        A new key is logged on the timeline of the incident it is made for (``incident_id``:
        the one being approved or exported), or without one on every open incident.
        """
        me = connected_person(session)
        if me is not None and not same_name(me.name, person):
            raise RuleViolation(
                f"you are connected as {me.name}; only {person}'s own login registers their key"
            )
        _ensure_own_login(session, person)
        private = self._secrets.get_signing_key(name_key(person))
        public = signatures.public_key_of(private) if private else ""
        if (
            fresh
            or not private
            or key_repo.by_fingerprints(session, [fingerprint(bytes.fromhex(public))])
        ):
            private = signatures.new_private_key()
            public = signatures.public_key_of(private)
            self._secrets.set_signing_key(name_key(person), private)
        registered = key_repo.add(session, person, fingerprint(bytes.fromhex(public)), public, at)
        incidents = (
            [incident_repo.get(session, incident_id)]
            if incident_id is not None
            else incident_repo.list_all(session)
        )
        for incident in incidents:
            if incident.is_open:
                timeline_repo.append(
                    session,
                    incident_id=incident.id,
                    kind=EntryKind.STATUS,
                    text=f"New signing key of {person}: fingerprint {registered.fingerprint}",
                    author=person,
                    at=at,
                    data={
                        "event": TimelineEvent.KEY_REGISTERED,
                        "person": person,
                        "key": registered.fingerprint,
                        "public_key": public,
                    },
                )
        return SigningKey(registered, private)

    def registered(self, session: Session, person: str) -> PublicKey:
        """Return ``person``'s current public key, or refuse when they have none."""
        key = key_repo.current(session, person)
        if key is None:
            raise NotFoundError(f"{person} has no signing key yet")
        return key


def _ensure_own_login(session: Session, person: str) -> None:
    """Refuse to sign as (or make a key for) someone with a login from another connection."""
    registered = people_repo.get(session, person)
    if (
        registered is not None
        and registered.login
        and db_roles.current_login(session) != registered.login
    ):
        raise RuleViolation(
            f"only {registered.name}'s own login registers their key and signs as them; "
            f"connect as {registered.login!r}"
        )


def registered_name(session: Session, actor: str) -> str:
    """Return the actor's name as registered (as typed when added), else as given."""
    person = people_repo.get(session, actor)
    return person.name if person is not None else actor


def ensure_signed(session: Session, statement: Statement) -> None:
    """Refuse a release counting an approval whose signature does not check out.

    The approvals table is insert-only, but someone with the database file could still add
    a row: each counted approval must be signed by the approver's registered key.
    """
    approvals = statement.valid_approvals
    keys = key_repo.by_fingerprints(session, [a.key for a in approvals if a.key])
    for approval in approvals:
        key = keys.get(approval.key)
        document = approval_document(
            incident_id=statement.incident_id,
            statement_id=statement.id,
            revision=approval.revision,
            content_hash=approval.content_hash,
            approver=approval.approver,
            approved_at=approval.approved_at,
        )
        if (
            key is None
            or not same_name(key.person, approval.approver)
            or not signatures.is_valid(key.public_key, approval.signature, document)
        ):
            raise RuleViolation(
                f"the approval of statement {statement.id} by {approval.approver} is not signed "
                "by their registered key; it cannot count towards a release"
            )
