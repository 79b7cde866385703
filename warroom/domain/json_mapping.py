"""The one JSON mapping of incidents, timeline entries and statements (export and CLI).

Two public contracts print these objects: the export (schema ``warroom.incident-log/3``,
``export/SCHEMA.md``; its members are hashed and verified, so its bytes never change for the
same data) and the CLI's ``--json`` (which may only be extended). They used to have a mapper
each, with different fields. Here the export's fields are the core: :func:`incident_json`,
:func:`entry_json` and :func:`statement_json` return exactly what the export writes, and the
``cli_*`` functions start from that core and layer the CLI's own fields on top.

Where the CLI printed a key of the same name with another value before the two were joined,
the CLI keeps its value (scripts read it); each case is listed in the ``cli_*`` docstring.
Pure functions of domain objects: no I/O. Domain modules that a listing does not need are
imported when used (the cold start of ``incident list``, issue 2).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from warroom.domain.clock import iso_utc

if TYPE_CHECKING:
    from warroom.domain.incidents import Incident
    from warroom.domain.outbox import Delivery
    from warroom.domain.statement_record import StatementRecord
    from warroom.domain.statements import Approval, Revision, Statement
    from warroom.domain.timeline import ChainRecord, TimelineEntry
    from warroom.domain.variants import Variant


def time_text(value: datetime | None) -> str | None:
    """Return a moment as ISO 8601 UTC text (None stays None)."""
    return iso_utc(value) if value is not None else None


def seconds(value: timedelta | None) -> float | None:
    """Return a duration in seconds (None stays None)."""
    return value.total_seconds() if value is not None else None


# --- incidents -----------------------------------------------------------------------------


def incident_json(incident: Incident) -> dict[str, Any]:
    """Return the incident header as the export writes it (the core)."""
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": int(incident.severity),
        "severity_label": incident.severity.label,
        "state": incident.state.value,
        "playbook": incident.playbook_key,
        "began_at": time_text(incident.began_at),
        "aware_at": time_text(incident.aware_at),
        "declared_at": time_text(incident.declared_at),
        "closed_at": time_text(incident.closed_at),
        "created_by": incident.created_by,
        "approvals_required": incident.approvals_required,
        "update_cadence_seconds": seconds(incident.update_cadence),
        "lessons_learned": incident.lessons_learned,
        "status": incident.status.value,
        "hold_window_seconds": seconds(incident.hold_window),
        "approval_window_minutes": incident.approval_window_minutes,
    }


def cli_incident_json(incident: Incident) -> dict[str, Any]:
    """Return an incident as the CLI's ``--json`` prints it: the core plus the CLI's fields.

    Differs from the core on one key: ``approval_window_minutes`` is the window in effect
    (1440 when none was set), where the export writes the stored setting (null for the
    default). The CLI adds ``entry_count``, ``head_hash``, ``cadence_minutes`` (the setting;
    null: the severity's cadence) and ``hold_minutes``.
    """
    return {
        **incident_json(incident),
        "approval_window_minutes": int(incident.approval_window.total_seconds() // 60),
        "entry_count": incident.entry_count,
        "head_hash": incident.head_hash,
        "cadence_minutes": incident.cadence_minutes,
        "hold_minutes": incident.hold_minutes,
    }


# --- timeline entries ----------------------------------------------------------------------


def _entry_fields(
    entry: ChainRecord | TimelineEntry, corrects: str, corrected_by: list[int]
) -> dict[str, Any]:
    """Return the hashed fields of an entry in the export's order, naming what it corrects
    by ``corrects`` (one dict literal: the export maps a million entries with it)."""
    return {
        "seq": entry.seq,
        "created_at": time_text(entry.created_at),
        "kind": str(entry.kind),  # EntryKind is a StrEnum: its str is its value
        "author": entry.author,
        "text": entry.text,
        corrects: getattr(entry, corrects),
        "corrected_by": corrected_by,
        "data": dict(entry.data),
        "prev_hash": entry.prev_hash,
        "hash": entry.hash,
    }


def entry_json(record: ChainRecord, corrected_by: tuple[int, ...] = ()) -> dict[str, Any]:
    """Return one chained timeline entry as the export writes it (every hashed field)."""
    return _entry_fields(record, "corrects_seq", list(corrected_by))


def cli_entry_json(entry: TimelineEntry) -> dict[str, Any]:
    """Return a timeline entry as the CLI prints it: the core's fields plus row ids.

    No key differs in value. The CLI names the corrected entry by its row id
    (``corrects_id``), as it always has, and has no ``corrects_seq``/``corrected_by`` (a
    stored entry knows what it corrects, not the seq of it nor what corrects it).
    """
    fields = _entry_fields(entry, "corrects_id", [])
    del fields["corrected_by"]
    return {"id": entry.id, "incident_id": entry.incident_id, **fields}


# --- statements ----------------------------------------------------------------------------


def variant_json(variant: Variant) -> dict[str, Any]:
    """Return one channel's variant as JSON data."""
    return {
        "channel": variant.channel,
        "subject": variant.subject,
        "text": variant.text,
        "edited": variant.edited,
    }


def statement_variants(statement: Statement) -> list[dict[str, Any]]:
    """Return a statement's variants grouped by their channel's language (then by name)."""
    from warroom.domain.variants import by_language, language_of

    languages = {c.name: language_of(c.settings) for c in statement.channels}
    return [
        {**variant_json(v), "language": language}
        for language, group in by_language(statement.variants, languages)
        for v in group
    ]


def revision_json(revision: Revision) -> dict[str, Any]:
    """Return one revision as the export writes it (channels and variants: null before 0007)."""
    return {
        "revision": revision.revision,
        "subject": revision.subject,
        "text": revision.text,
        "author": revision.author,
        "created_at": time_text(revision.created_at),
        "content_hash": revision.content_hash,
        "channels": list(revision.channels) if revision.channels else None,
        "variants": [variant_json(v) for v in revision.variants] if revision.channels else None,
    }


def approval_json(approval: Approval, valid: bool) -> dict[str, Any]:
    """Return one approval as the export writes it (``valid``: it counts now)."""
    return {
        "approver": approval.approver,
        "approved_at": time_text(approval.approved_at),
        "content_hash": approval.content_hash,
        "revision": approval.revision,
        "review_round": approval.review_round,
        "valid": valid,
        "signature": approval.signature,
        "key": approval.key,
    }


def delivery_json(row: Delivery) -> dict[str, Any]:
    """Return one delivery receipt (outbox row) as the export writes it; no secrets."""
    return {
        "channel": row.channel_name,
        "state": row.state.value,
        "attempts": row.attempts,
        "remote_id": row.remote_id,
        "remote_url": row.remote_url,
        "error": row.last_error,
        "created_at": time_text(row.created_at),
        "updated_at": time_text(row.updated_at),
        "posted_by": row.posted_by or None,
        "posted_at": time_text(row.posted_at),
    }


def _statement_head(statement: Statement) -> dict[str, Any]:
    """Return the core's fields that the statement alone gives, up to ``released_by``."""
    return {
        "id": statement.id,
        "channels": list(statement.channel_names),
        "state": statement.state.value,
        "subject": statement.subject,
        "text": statement.text,
        "content_hash": statement.content_hash,
        "revision": statement.revision,
        "review_round": statement.review_round,
        "author": statement.author,
        "created_at": time_text(statement.created_at),
        "updated_at": time_text(statement.updated_at),
        "next_update_by": time_text(statement.next_update_by),
        "template": statement.template_key,
        "rejection_reason": statement.rejection_reason,
        "released_at": time_text(statement.released_at),
        "released_by": statement.released_by,
    }


def statement_json(record: StatementRecord) -> dict[str, Any]:
    """Return a statement with revisions, approvals and deliveries as the export writes it."""
    from warroom.domain.publication import public_times

    statement = record.statement
    valid = statement.valid_approvals
    return {
        **_statement_head(statement),
        "public_at": time_text(public_times(record.deliveries).get(statement.id)),
        "scheduled_for": time_text(statement.scheduled_for),
        "variants": statement_variants(statement),
        "revisions": [revision_json(r) for r in record.revisions],
        "approvals": [approval_json(a, a in valid) for a in statement.approvals],
        "deliveries": [delivery_json(row) for row in record.deliveries],
    }


def cli_statement_json(statement: Statement) -> dict[str, Any]:
    """Return a statement as the CLI prints it: the core's own fields plus the CLI's.

    Differs from the core on two keys, which keep the CLI's meaning:

    - ``approvals[].valid`` is true when the approval is for the current content; the export's
      ``valid`` also needs the current review round (an approval of the same text given before
      a rejection is ``valid`` here, not there). The export's verdict is the CLI's ``counts``.
    - ``variants`` lists the channels in the statement's order, each with its measure
      (``kind``, ``derived``, ``length``, ``limit``, ``unit``, ``fits``); the export groups
      them by language. The keys they share have the same values.

    The CLI adds ``incident_id``, ``version``, ``revision_author``, ``scheduled_by`` and
    ``approvals[].at`` (= ``approved_at``); it has no ``public_at``, ``revisions`` or
    ``deliveries`` (they need the history and the outbox; ``draft show`` adds its own).
    """
    current, valid = statement.content_hash, statement.valid_approvals
    return {
        **_statement_head(statement),
        "incident_id": statement.incident_id,
        "version": statement.version,
        "revision_author": statement.revision_author,
        "scheduled_for": time_text(statement.scheduled_for),
        "scheduled_by": statement.scheduled_by,
        "approvals": [
            {
                **approval_json(a, a.content_hash == current),
                "at": time_text(a.approved_at),
                "counts": a in valid,
            }
            for a in statement.approvals
        ],
        "variants": cli_variants_json(statement),
    }


def cli_variants_json(statement: Statement) -> list[dict[str, Any]]:
    """Return each target channel's variant, in channel order, with how it fits."""
    from warroom.domain.channels import fit
    from warroom.domain.variants import language_of

    rows = []
    for channel, variant in zip(statement.channels, statement.variants, strict=True):
        measured = fit(channel, variant.text)
        rows.append(
            {
                **variant_json(variant),
                "kind": channel.kind.value,
                "language": language_of(channel.settings),
                "derived": not variant.edited,
                "length": measured.length,
                "limit": measured.maximum,
                "unit": measured.unit,
                "fits": measured.fits,
            }
        )
    return rows


def cli_revision_json(revision: Revision) -> dict[str, Any]:
    """Return a revision as ``draft show`` prints it: the core with ``variants`` always a list.

    Differs from the core on ``variants`` for a revision written before channels were
    recorded (migration 0007): the CLI prints ``[]``, the export null.
    """
    return {**revision_json(revision), "variants": [variant_json(v) for v in revision.variants]}
