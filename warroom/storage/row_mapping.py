"""Stored rows to domain objects, once for both ways of reading them.

The repositories read ORM rows through SQLAlchemy; the quick paths (``quick_chain.py``) read
the same tables through the standard ``sqlite3`` module, without importing SQLAlchemy. Both
hand their rows here, as any object with the columns as attributes and the values already in
their Python types (aware UTC datetimes, decoded JSON, booleans), so that an incident or a
statement read either way is the same domain object. Nothing here imports SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.incidents import Incident, IncidentState, IncidentStatus, Severity
from warroom.domain.statements import Approval, Revision, Statement, StatementState
from warroom.domain.variants import Variant


def incident_from(row: Any) -> Incident:
    """Return the incident a row of ``incidents`` holds."""
    return Incident(
        id=row.id,
        title=row.title,
        severity=Severity(row.severity),
        state=IncidentState(row.state),
        playbook_key=row.playbook_key,
        began_at=row.began_at,
        aware_at=row.aware_at,
        declared_at=row.declared_at,
        closed_at=row.closed_at,
        created_by=row.created_by,
        approvals_override=row.approvals_override,
        entry_count=row.entry_count,
        head_hash=row.head_hash,
        lessons_learned=row.lessons_learned or "",
        status=IncidentStatus(row.status or IncidentStatus.INVESTIGATING.value),
        cadence_minutes=row.cadence_minutes,
        hold_minutes=row.hold_minutes,
        approval_window_minutes=row.approval_window_minutes,
    )


def channel_from(row: Any) -> Channel:
    """Return the channel a row of ``channels`` holds (no secrets: those are in the keychain)."""
    return Channel(
        id=row.id,
        name=row.name,
        kind=ChannelKind(row.kind),
        settings=dict(row.settings or {}),
        configured=row.configured,
        last_ok_at=row.last_ok_at,
        last_error=row.last_error or "",
        last_checked_at=row.last_checked_at,
        uid=row.uid,
        legacy_secret_name=row.legacy_secret_name,
    )


def approval_from(row: Any) -> Approval:
    """Return the approval a row of ``approvals`` holds."""
    return Approval(
        row.statement_id,
        row.approver,
        row.approved_at,
        row.content_hash,
        row.revision,
        row.review_round or 0,
        row.signature or "",
        row.key or "",
    )


def statement_from(
    row: Any,
    links: Sequence[Any],
    channels: Mapping[int, Channel],
    approvals: Iterable[Approval],
) -> Statement:
    """Return the statement a row of ``statements`` holds.

    ``links`` are its rows of ``statement_channels`` in their position order, ``channels``
    the linked channels by id, ``approvals`` its approvals in the order given.
    """
    return Statement(
        id=row.id,
        incident_id=row.incident_id,
        channels=tuple(channels[link.channel_id] for link in links),
        edited_variants=tuple(
            Variant(
                channels[link.channel_id].name,
                link.variant_subject or "",
                link.variant_text,
                edited=True,
            )
            for link in links
            if link.variant_text is not None
        ),
        scheduled_for=row.scheduled_for,
        scheduled_by=row.scheduled_by,
        subject=row.subject,
        text=row.text,
        state=StatementState(row.state),
        revision=row.revision,
        author=row.author,
        revision_author=row.revision_author,
        created_at=row.created_at,
        updated_at=row.updated_at,
        version=row.version,
        next_update_by=row.next_update_by,
        template_key=row.template_key,
        approvals=tuple(approvals),
        rejection_reason=row.rejection_reason or "",
        released_at=row.released_at,
        released_by=row.released_by,
        review_round=row.review_round or 0,
    )


def revision_from(row: Any, variants: Iterable[Any]) -> Revision:
    """Return the revision a row of ``statement_revisions`` holds, with its rows of
    ``statement_revision_variants`` (in their stored order)."""
    return Revision(
        row.statement_id,
        row.revision,
        row.subject,
        row.text,
        row.author,
        row.created_at,
        row.content_hash,
        tuple(row.channels or ()),
        tuple(Variant(v.channel, v.subject, v.text, edited=True) for v in variants),
    )
