"""A realistic sample incident, written through the real services so every rule holds.

The clock steps forward between actions, so the sample reads like the last three hours of
a real war room: a SEV2 checkout outage with statements in every state and a checklist
half done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from warroom.domain.clock import utc_now
from warroom.domain.errors import RuleViolation
from warroom.domain.incidents import Incident
from warroom.domain.timeline import EntryKind
from warroom.services.container import build_services
from warroom.services.playbooks import PlaybookCatalog
from warroom.storage.database import Database
from warroom.storage.secrets import SecretStore, SecretStoreUnavailable

LEAD = "Dana Reyes"
COMMS = "Sam Okafor"
LEGAL = "Priya Nair"
SUPPORT = "Marta Silva"
SCRIBE = "Lee Chen"


class _SteppingClock:
    """A clock that starts in the past and moves forward a few minutes per action."""

    def __init__(self, start: datetime) -> None:
        self.moment = start

    def __call__(self) -> datetime:
        return self.moment

    def step(self, minutes: float) -> None:
        self.moment += timedelta(minutes=minutes)


DEMO_TITLE = "Checkout API outage: card payments failing in the EU"


def existing_demo(db: Database) -> Incident | None:
    """Return the sample incident if this database already holds one (by title and lead)."""
    services = build_services(db)
    for incident in services.incidents.all():
        if incident.title == DEMO_TITLE and incident.created_by == LEAD:
            return incident
    return None


def _demo_keychain() -> SecretStore:
    """Return the keychain for the sample people's signing keys: this machine's, so they can
    go on signing in the window; on a machine without one, keys kept in memory (the sample's
    signatures still verify: their public keys are registered and chained)."""
    store = SecretStore()
    try:
        store.check()
    except SecretStoreUnavailable:
        return SecretStore.in_memory()
    return store


def load_demo(
    db: Database, *, now: datetime | None = None, playbooks: PlaybookCatalog | None = None
) -> Incident:
    """Write the sample incident into ``db`` and return it."""
    end = now or utc_now()
    clock = _SteppingClock(end - timedelta(hours=1, minutes=50))
    s = build_services(db, clock=clock, playbooks=playbooks, secrets=_demo_keychain())
    if s.people.enforcing():  # its sample people are not members: refuse before writing
        raise RuleViolation(
            "the demo writes as its own sample people, so it runs only on a database with no "
            "people registered (try: warroom demo --db demo.db)"
        )
    log, statements = s.timeline, s.statements

    def note(minutes: float, who: str, text: str, kind: EntryKind = EntryKind.NOTE) -> None:
        clock.step(minutes)
        log.add(incident.id, text, who, kind)

    incident = s.incidents.open(
        DEMO_TITLE,
        2,
        LEAD,
        playbook_key="service-outage",
        began_at=clock() - timedelta(minutes=26),
        aware_at=clock() - timedelta(minutes=11),
    )
    holding, email = statements.for_incident(incident.id)[:2]
    began = f"{incident.began_at:%H:%M} UTC"
    note(
        1,
        SCRIBE,
        f"Pager alert: checkout error rate 38% in eu-west-1 since {began}",
        EntryKind.INBOUND,
    )
    note(
        1, LEAD, "Roles: Dana lead, Sam comms, Lee scribe, Ahmed technical lead", EntryKind.DECISION
    )
    note(2, "Ahmed Haddad", "Payment gateway returns 502 for ~40% of EU card payments")
    note(
        1,
        SUPPORT,
        "Support queue: 112 new tickets in 10 minutes, mostly 'card declined'",
        EntryKind.INBOUND,
    )
    items = s.checklist.items(incident.id)
    clock.step(2)
    s.checklist.done(incident.id, items[0].id, LEAD)
    clock.step(1)
    s.checklist.done(incident.id, items[1].id, LEAD)
    note(
        2,
        "Ahmed Haddad",
        f"Rolled back the gateway config deployed shortly before {began} as first suspect",
        EntryKind.ACTION,
    )
    clock.step(2)
    promise = clock() + timedelta(minutes=30)
    statements.edit(
        holding.id,
        COMMS,
        text="We are investigating problems with card payments at checkout in Europe. Some "
        f"payments fail; no card is charged twice. Next update by {promise:%H:%M} UTC.",
        next_update_by=promise,
    )
    clock.step(1)
    statements.submit(holding.id, COMMS)
    clock.step(2)
    statements.approve(holding.id, LEGAL)
    clock.step(1)
    statements.approve(holding.id, SUPPORT)
    clock.step(1)
    statements.release(holding.id, LEAD)
    # The room's network is flaky: comms posts the holding statement on Mastodon from a phone
    # and records it, so it is public there (Bluesky still waits in the outbox).
    clock.step(1)
    s.publication.posted(
        holding.id,
        "mastodon",
        COMMS,
        url="https://mastodon.example/@acme/110042",
        at=clock(),
    )
    s.checklist.done(incident.id, items[2].id, COMMS)
    note(
        3,
        SCRIBE,
        "@shopper_anna on Mastodon: 'third time my card is declined, is it you?'",
        EntryKind.INBOUND,
    )
    note(2, "Ahmed Haddad", "Rollback did not help; error rate still 35%")
    note(4, LEAD, "Escalate to gateway vendor, P1 ticket #88231", EntryKind.DECISION)
    note(1, SCRIBE, "Vendor acknowledged P1, engineer joining bridge", EntryKind.INBOUND)
    clock.step(2)
    s.checklist.done(incident.id, items[3].id, SUPPORT)
    note(5, "Ahmed Haddad", f"Vendor sees TLS handshake failures from their EU edge since {began}")
    note(2, LEAD, "Fail over EU card traffic to the US gateway region", EntryKind.DECISION)
    note(6, "Ahmed Haddad", "Failover done for 50% of EU traffic; errors falling", EntryKind.ACTION)
    wrong = log.add(incident.id, "Error rate down to 4%", SCRIBE)
    clock.step(3)
    log.correct(incident.id, wrong.id, "Error rate down to 14% (4% was the US figure)", SCRIBE)
    note(2, SUPPORT, "Ticket inflow slowing: 30 in the last 10 minutes", EntryKind.INBOUND)
    clock.step(2)
    statements.edit(
        email.id,
        COMMS,
        subject="Checkout: card payments failing in Europe",
        text=f"Dear customer,\n\nSince {began} some card payments at checkout in Europe fail. "
        "No card has been charged twice.\n\nWe have moved payments to a backup route and "
        "most now succeed. We will write again once the problem is fixed.\n\n"
        "We are sorry for the disruption.\n\nThe Shopwise team",
    )
    clock.step(1)
    statements.submit(email.id, COMMS)
    clock.step(4)
    statements.approve(email.id, LEGAL)
    note(3, LEAD, "Public update cadence: every 30 minutes while SEV2", EntryKind.DECISION)
    clock.step(1)
    s.checklist.done(incident.id, items[5].id, COMMS)
    clock.step(3)
    update = statements.draft(
        incident.id,
        ["mastodon", "bluesky"],
        "Update: most card payments in Europe work again through a backup route. We are still "
        "fixing the cause with our payment provider. Next update within 30 minutes.",
        COMMS,
    )
    clock.step(1)
    statements.submit(update.id, COMMS)
    clock.step(3)
    statements.reject(update.id, LEGAL, "Do not name the provider's fault before they confirm")
    clock.step(2)
    statements.edit(
        update.id,
        COMMS,
        text=(
            "Update: most card payments in Europe work again through a backup route. We are still "
            "working on the cause. Next update within 30 minutes."
        ),
    )
    clock.step(1)
    statements.submit(update.id, COMMS)
    clock.step(2)
    statements.approve(update.id, LEGAL)
    clock.step(1)
    statements.approve(update.id, LEAD)
    note(4, "Ahmed Haddad", "Failover at 100% of EU traffic; error rate 0.6%", EntryKind.ACTION)
    note(2, SCRIBE, "Status page updated by web team (manual)", EntryKind.STATUS)
    note(
        3,
        SUPPORT,
        "Large merchant Nordlicht GmbH asks for a written incident report",
        EntryKind.INBOUND,
    )
    note(
        2, LEAD, "Account owner to call Nordlicht today; report after root cause", EntryKind.ACTION
    )
    note(5, "Ahmed Haddad", "Vendor found expired intermediate certificate on EU edge")
    note(3, LEAD, "Stay on failover until vendor confirms fix in writing", EntryKind.DECISION)
    note(2, SCRIBE, "Bluesky mention volume back to baseline", EntryKind.INBOUND)
    note(4, SUPPORT, "Macro for 'was I charged twice?' tickets published", EntryKind.ACTION)
    clock.step(2)
    statements.draft(
        incident.id,
        ["email"],
        "Resolution summary for merchants: cause, timeline, refunds (to be completed).",
        SCRIBE,
        subject="Incident report: EU checkout payment failures",
    )
    note(
        6, "Ahmed Haddad", "Vendor rotated certificate; monitoring 30 minutes before switching back"
    )
    note(3, SCRIBE, "Error rate 0.2% for the last 20 minutes", EntryKind.STATUS)
    return s.incidents.get(incident.id)
