"""Reading an incident for an export: everything but the timeline at once, the timeline
as a stream (:class:`~warroom.domain.entry_stream.EntryStream`) inside the same read
transaction, so a million-entry export holds one batch of entries at a time.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import TYPE_CHECKING

from warroom import __version__
from warroom.domain.cadence import cadence_periods
from warroom.domain.clocks import read_clocks, regulator_deadline
from warroom.domain.entry_stream import EntryStream
from warroom.domain.inbox_stats import InboxStats, bucket_seconds, compute_stats
from warroom.domain.incident_log import (
    Footer,
    FooterSignature,
    IncidentLog,
    people_and_roles,
)
from warroom.domain.review import build_review
from warroom.domain.statement_record import StatementRecord
from warroom.domain.trust import footer_document
from warroom.storage import (
    checklist_repo,
    inbox_stats_repo,
    incident_repo,
    key_repo,
    outbox_repo,
    statement_repo,
    timeline_stream,
)
from warroom.storage.database import Session

if TYPE_CHECKING:
    from warroom.services.signing import SigningKey


def read_log(
    session: Session, incident_id: int, actor: str, now: datetime, *, in_memory: bool = False
) -> IncidentLog:
    """Return the incident as an export sees it; its entries stream from ``session``.

    The caller keeps ``session``'s read transaction open while the log is written (every
    pass over the entries reads them anew, in the same snapshot). ``in_memory`` reads the
    entries once into a list instead (a live verification, which needs them all anyway).
    """
    incident = incident_repo.get(session, incident_id)
    count, head = incident.entry_count, incident.head_hash
    statements = statement_repo.list_for_incident(session, incident_id)
    deliveries = outbox_repo.list_rows(session, incident_id=incident_id)
    records = tuple(
        StatementRecord(
            statement,
            tuple(statement_repo.revisions(session, statement.id)),
            tuple(row for row in deliveries if row.statement_id == statement.id),
        )
        for statement in statements
    )
    checklist = checklist_repo.list_for_incident(session, incident_id)
    window, label = incident_repo.regulator_deadline(session, incident_id)
    used = {a.key for s in statements for a in s.approvals if a.key}
    keys = key_repo.by_fingerprints(session, used)
    authors = timeline_stream.author_counts(session, incident_id, count)
    events = timeline_stream.review_events(session, incident_id, count)
    if in_memory:
        held = tuple(timeline_stream.logged_entries(session, incident_id, count))
        entries = EntryStream(lambda: iter(held), count, head)
    else:
        entries = EntryStream(
            lambda: timeline_stream.logged_entries(session, incident_id, count), count, head
        )
    regulator = regulator_deadline(incident, window, label, checklist)
    # The window's computation: notifying the regulator stops its clock; closing stops
    # every clock; only what the public got counts as public.
    clocks = read_clocks(
        incident, statements, deliveries, cadence_periods(incident, events), regulator, now
    )
    return IncidentLog(
        incident=incident,
        exported_at=now,
        exported_by=actor,
        generator=f"warroom {__version__}",
        people=tuple(people_and_roles(incident, authors, statements, checklist)),
        entries=entries,
        statements=records,
        checklist=tuple(checklist),
        clocks=clocks,
        review=build_review(incident, statements, events, deliveries, checklist, now),
        footer=Footer(count, head, tuple((s.id, s.content_hash) for s in statements)),
        keys=tuple(sorted(keys.values(), key=lambda k: (k.created_at, k.fingerprint))),
        inbox=inbox_figures(session, incident_id, now),
    )


#: the bucket width of the exported inbox figures
INBOX_BUCKET = "15m"


def inbox_figures(session: Session, incident_id: int, now: datetime) -> InboxStats:
    """Return the incident's inbox figures as ``inbox stats --incident ID`` shows them."""
    width = bucket_seconds(INBOX_BUCKET)
    waiting, oldest = inbox_stats_repo.waiting(session, incident_id)
    return compute_stats(
        incident_id=incident_id,
        bucket=INBOX_BUCKET,
        now=now,
        counts=inbox_stats_repo.volume(session, incident_id, width),
        responses=inbox_stats_repo.response_delays(session, incident_id),
        waiting=waiting,
        oldest_waiting_since=oldest,
    )


def signed(log: IncidentLog, key: SigningKey) -> IncidentLog:
    """Return ``log`` with ``key``'s signature over its footer (made before any entry is
    written: the footer names the count and head recorded on the incident)."""
    document = footer_document(
        incident_id=log.incident.id,
        entry_count=log.footer.entry_count,
        head_hash=log.footer.head_hash,
        statement_hashes=dict(log.footer.statement_hashes),
        exported_at=log.exported_at,
        exported_by=log.exported_by,
        key=key.public.fingerprint,
    )
    signature = FooterSignature(key.public.fingerprint, key.public.public_key, key.sign(document))
    keys = {k.fingerprint: k for k in (*log.keys, key.public)}
    return replace(
        log,
        footer=replace(log.footer, signature=signature),
        keys=tuple(sorted(keys.values(), key=lambda k: (k.created_at, k.fingerprint))),
    )
