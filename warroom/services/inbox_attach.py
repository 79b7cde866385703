"""Linking inbox items to incidents, with the timeline entry that quotes them.

Shared by a person's ``inbox attach`` and by the pull worker's automatic attachment of
items matching an incident's tracked terms; called inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from warroom.domain.clock import iso_utc
from warroom.domain.inbound_text import preview
from warroom.domain.inbox import InboxItem
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.domain.triage import term_matches
from warroom.storage import inbox_repo
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

QUOTE_MAX = 1000


def attach_item(
    session: Session,
    item: InboxItem,
    incident_id: int,
    *,
    actor: str,
    at: datetime,
    term: str | None = None,
) -> InboxItem:
    """Link ``item`` to the incident and append an ``inbound`` entry quoting it.

    ``term`` set means the attachment was automatic (that tracked term matched); the entry
    says so.
    """
    attached = inbox_repo.attach(session, item.id, incident_id, automatic=term is not None)
    who = f"@{item.author.handle}" if item.author.handle else "someone"
    quote = preview(item.text, QUOTE_MAX)
    text = f'Inbound on {item.source_name} from {who}: "{quote}"'
    if item.url:
        text += f" {item.url}"
    if term is not None:
        text += f" (attached automatically: tracked term {term!r})"
    data: dict[str, Any] = {
        "event": TimelineEvent.INBOUND_ATTACHED,
        "item": item.id,
        "source": item.source_name,
        "remote_id": item.remote_id,
        "url": item.url,
        "author": item.author.handle,
        "posted_at": iso_utc(item.posted_at),
        "automatic": term is not None,
    }
    if term is not None:
        data["term"] = term
    append(
        session,
        incident_id=incident_id,
        kind=EntryKind.INBOUND,
        text=text,
        author=actor,
        at=at,
        data=data,
    )
    return attached


def match_terms(item: InboxItem, terms: Sequence[tuple[int, str]]) -> tuple[int, str] | None:
    """Return the first (incident, term) whose term occurs in the item, if any."""
    haystack = f"{item.subject}\n{item.text}"
    for incident_id, term in terms:
        if term_matches(term, haystack):
            return incident_id, term
    return None


def auto_attach(
    session: Session, items: Sequence[InboxItem], *, actor: str, at: datetime
) -> list[InboxItem]:
    """Attach the new items that match an open incident's tracked terms; return them."""
    terms = inbox_repo.open_incident_terms(session)
    if not terms:
        return []
    attached = []
    for item in items:
        if item.incident_id is not None:
            continue
        found = match_terms(item, terms)
        if found is not None:
            attached.append(attach_item(session, item, found[0], actor=actor, at=at, term=found[1]))
    return attached
