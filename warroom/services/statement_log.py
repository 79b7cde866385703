"""The timeline entries of the statement workflow: what each step chains.

Every step of a statement is a ``statement.*`` entry with its id, revision and content hash;
a drafted or edited revision also chains its channels, promise, the hash of its main text
and, per target channel, whether the variant is edited and its hash (domain.chain_state
derives the statement from these; ``verify`` recomputes each channel's hash from an export).
"""

from __future__ import annotations

from datetime import datetime

from warroom.domain.clock import iso_utc
from warroom.domain.content import main_hash
from warroom.domain.statements import Statement
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.domain.variants import chain_data
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append


def content_data(statement: Statement) -> dict[str, object]:
    """Return what a drafted/edited entry chains: channels, promise, main text, variants."""
    return {
        "channels": list(statement.channel_names),
        "next_update_by": iso_utc(statement.next_update_by) if statement.next_update_by else None,
        "main_hash": main_hash(statement.subject, statement.text),
        "variants": chain_data(statement.variants),
    }


def log_statement(
    session: Session,
    statement: Statement,
    actor: str,
    at: datetime,
    what: str,
    event: TimelineEvent,
    **extra: object,
) -> None:
    """Append the entry of one workflow step: "Statement #N <what>"."""
    append(
        session,
        incident_id=statement.incident_id,
        kind=EntryKind.STATEMENT,
        text=f"Statement #{statement.id} {what}",
        author=actor,
        at=at,
        data={
            "event": event,
            "statement": statement.id,
            "revision": statement.revision,
            "content_hash": statement.content_hash,
            **extra,
        },
    )
