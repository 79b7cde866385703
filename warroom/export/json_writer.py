"""The JSON export (schema ``warroom.incident-log/3``, see SCHEMA.md), written as a stream.

The timeline is written one entry at a time as it streams from the database, so a
million-entry log never needs it in memory; the document is still a single ordinary JSON
object. The footer's chain verdict comes last, from the pass that wrote the entries.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TextIO

from warroom.domain.checklist import ChecklistItem
from warroom.domain.clock import iso_utc
from warroom.domain.clocks import ClockReading
from warroom.domain.incident_log import SCHEMA, IncidentLog, Person, StatementRecord
from warroom.domain.incidents import Incident
from warroom.domain.outbox import Delivery
from warroom.domain.publication import public_times
from warroom.domain.review import Review
from warroom.domain.statements import Statement
from warroom.domain.timeline import GENESIS_HASH, ChainRecord
from warroom.domain.variants import Variant, by_language, language_of
from warroom.export.formats import Progress, no_progress
from warroom.export.inbox_figures import inbox_json

PROGRESS_EVERY = 500


def _time(value: datetime | None) -> str | None:
    return iso_utc(value) if value is not None else None


def _seconds(value: timedelta | None) -> float | None:
    return value.total_seconds() if value is not None else None


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def incident_json(incident: Incident) -> dict[str, Any]:
    """Return the incident header as JSON data."""
    return {
        "id": incident.id,
        "title": incident.title,
        "severity": int(incident.severity),
        "severity_label": incident.severity.label,
        "state": incident.state.value,
        "playbook": incident.playbook_key,
        "began_at": _time(incident.began_at),
        "aware_at": _time(incident.aware_at),
        "declared_at": _time(incident.declared_at),
        "closed_at": _time(incident.closed_at),
        "created_by": incident.created_by,
        "approvals_required": incident.approvals_required,
        "update_cadence_seconds": _seconds(incident.update_cadence),
        "lessons_learned": incident.lessons_learned,
        "status": incident.status.value,
        "hold_window_seconds": _seconds(incident.hold_window),
        "approval_window_minutes": incident.approval_window_minutes,
    }


def person_json(person: Person) -> dict[str, Any]:
    """Return one person and their roles as JSON data."""
    return {"name": person.name, "roles": list(person.roles), "entries": person.entries}


def entry_json(record: ChainRecord, corrected_by: tuple[int, ...] = ()) -> dict[str, Any]:
    """Return one chained timeline entry as JSON data (every hashed field, verbatim)."""
    return {
        "seq": record.seq,
        "created_at": _time(record.created_at),
        "kind": record.kind,
        "author": record.author,
        "text": record.text,
        "corrects_seq": record.corrects_seq,
        "corrected_by": list(corrected_by),
        "data": dict(record.data),
        "prev_hash": record.prev_hash,
        "hash": record.hash,
    }


def delivery_json(row: Delivery) -> dict[str, Any]:
    """Return one delivery receipt (outbox row) as JSON data; it carries no secrets."""
    return {
        "channel": row.channel_name,
        "state": row.state.value,
        "attempts": row.attempts,
        "remote_id": row.remote_id,
        "remote_url": row.remote_url,
        "error": row.last_error,
        "created_at": _time(row.created_at),
        "updated_at": _time(row.updated_at),
        "posted_by": row.posted_by or None,
        "posted_at": _time(row.posted_at),
    }


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
    languages = {c.name: language_of(c.settings) for c in statement.channels}
    return [
        {**variant_json(v), "language": language}
        for language, group in by_language(statement.variants, languages)
        for v in group
    ]


def statement_json(record: StatementRecord) -> dict[str, Any]:
    """Return a statement with revisions, approvals and deliveries as JSON data."""
    statement = record.statement
    valid = statement.valid_approvals
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
        "created_at": _time(statement.created_at),
        "updated_at": _time(statement.updated_at),
        "next_update_by": _time(statement.next_update_by),
        "template": statement.template_key,
        "rejection_reason": statement.rejection_reason,
        "released_at": _time(statement.released_at),
        "released_by": statement.released_by,
        "public_at": _time(public_times(record.deliveries).get(statement.id)),
        "scheduled_for": _time(statement.scheduled_for),
        "variants": statement_variants(statement),
        "revisions": [
            {
                "revision": r.revision,
                "subject": r.subject,
                "text": r.text,
                "author": r.author,
                "created_at": _time(r.created_at),
                "content_hash": r.content_hash,
                "channels": list(r.channels) if r.channels else None,
                "variants": [variant_json(v) for v in r.variants] if r.channels else None,
            }
            for r in record.revisions
        ],
        "approvals": [
            {
                "approver": a.approver,
                "approved_at": _time(a.approved_at),
                "content_hash": a.content_hash,
                "revision": a.revision,
                "review_round": a.review_round,
                "valid": a in valid,
                "signature": a.signature,
                "key": a.key,
            }
            for a in statement.approvals
        ],
        "deliveries": [delivery_json(row) for row in record.deliveries],
    }


def checklist_json(item: ChecklistItem) -> dict[str, Any]:
    """Return one checklist item as JSON data."""
    return {
        "phase": item.phase.value,
        "position": item.position,
        "text": item.text,
        "owner_role": item.owner_role,
        "due_at": _time(item.due_at),
        "done_by": item.done_by,
        "done_at": _time(item.done_at),
        "assignee": item.assignee,
    }


def clock_json(reading: ClockReading) -> dict[str, Any]:
    """Return one clock reading as JSON data."""
    return {
        "due_at": _time(reading.due_at),
        "remaining_seconds": _seconds(reading.remaining),
        "alarm": reading.alarm.value,
        "since": _time(reading.since),
        "state": reading.state.value,
        "turns_at": _time(reading.turns_at),
    }


def review_json(review: Review) -> dict[str, Any]:
    """Return the post-incident review as JSON data (durations in seconds)."""
    times = review.times
    cadence = review.cadence
    return {
        "computed_at": _time(review.computed_at),
        "began_at": _time(times.began_at),
        "aware_at": _time(times.aware_at),
        "declared_at": _time(times.declared_at),
        "closed_at": _time(times.closed_at),
        "detection_delay_seconds": _seconds(times.detection_delay),
        "declaration_delay_seconds": _seconds(times.declaration_delay),
        "first_statement": {
            "statement": review.first_statement_id,
            "released_at": _time(review.first_statement_at),
            "after_declaration_seconds": _seconds(review.time_to_first_statement),
            "after_awareness_seconds": _seconds(review.first_statement_after_awareness),
        },
        "promises": [
            {
                "statement": p.statement_id,
                "released_at": _time(p.released_at),
                "promised_by": _time(p.promised_by),
                "status": p.status.value,
                "honoured_by": p.honoured_by,
                "honoured_at": _time(p.honoured_at),
                "late_by_seconds": _seconds(p.late_by),
            }
            for p in review.promises
        ],
        "cadence": {
            "cadence_seconds": _seconds(cadence.cadence),
            "adherence": cadence.adherence,
            "periods": [
                {
                    "start": _time(p.start),
                    "severity": int(p.severity),
                    "cadence_seconds": _seconds(p.cadence),
                }
                for p in cadence.periods
            ],
            "gaps": [
                {
                    "start": _time(g.start),
                    "end": _time(g.end),
                    "seconds": _seconds(g.length),
                    "after_statement": g.after_statement,
                    "until_statement": g.until_statement,
                    "over_cadence": g.over_cadence,
                }
                for g in cadence.gaps
            ],
        },
        "approvals": [
            {
                "statement": a.statement_id,
                "submitted_at": _time(a.submitted_at),
                "approved_at": _time(a.approved_at),
                "turnaround_seconds": _seconds(a.turnaround),
                "rounds": a.rounds,
                "rejections": a.rejections,
            }
            for a in review.approvals
        ],
        "deliveries": [
            {
                "channel": d.channel,
                "total": d.total,
                "sent": d.sent,
                "failed": d.failed,
                "uncertain": d.uncertain,
                "pending": d.pending,
                "success_rate": d.success_rate,
            }
            for d in review.deliveries
        ],
        "checklist": [
            {
                "phase": c.phase.value,
                "total": c.total,
                "done": c.done,
                "overdue": c.overdue,
                "done_late": c.done_late,
            }
            for c in review.checklist
        ],
        "overdue_items": [checklist_json(item) for item in review.overdue_items],
        "lessons_learned": review.lessons_learned,
        "languages": [
            {
                "language": use.language,
                "channels": list(use.channels),
                "statements": list(use.statements),
            }
            for use in review.languages
        ],
    }


def _head(log: IncidentLog) -> Mapping[str, Any]:
    return {
        "schema": SCHEMA,
        "generator": log.generator,
        "exported_at": _time(log.exported_at),
        "exported_by": log.exported_by,
        "incident": incident_json(log.incident),
        "people": [person_json(p) for p in log.people],
        "keys": [
            {
                "person": k.person,
                "fingerprint": k.fingerprint,
                "public_key": k.public_key,
                "registered_at": _time(k.created_at),
            }
            for k in log.keys
        ],
    }


def _tail(log: IncidentLog) -> Mapping[str, Any]:
    clocks = log.clocks
    footer = log.footer
    signature = footer.signature
    chain = log.chain()
    return {
        "statements": [statement_json(s) for s in log.statements],
        "checklist": [checklist_json(item) for item in log.checklist],
        "clocks": {
            "age": clock_json(clocks.age),
            "cadence": clock_json(clocks.cadence),
            "promise": clock_json(clocks.promise),
            "regulator": {
                **clock_json(clocks.regulator),
                "label": clocks.regulator_label,
                "notified_at": _time(clocks.regulator_notified_at),
            },
        },
        "review": review_json(log.review),
        "inbox": inbox_json(log.inbox) if log.inbox is not None else None,
        "footer": {
            "entry_count": footer.entry_count,
            "head_hash": footer.head_hash,
            "genesis_hash": GENESIS_HASH,
            "chain_ok_at_export": chain.ok,
            "problem_at_export": "" if chain.ok else chain.describe(),
            "statement_hashes": {str(sid): h for sid, h in footer.statement_hashes},
            "signed_by": log.exported_by if signature else None,
            "key": signature.key if signature else None,
            "public_key": signature.public_key if signature else None,
            "signature": signature.signature if signature else None,
        },
    }


def document(log: IncidentLog) -> dict[str, Any]:
    """Return the whole export as one in-memory JSON object (what write_json streams)."""
    timeline = [entry_json(e.record, e.corrected_by) for e in log.entries]
    return {**_head(log), "timeline": timeline, **_tail(log)}


def write_json(log: IncidentLog, out: TextIO, progress: Progress = no_progress) -> None:
    """Write ``log`` as one JSON document, reporting progress every few hundred entries."""
    total = log.entries.count
    out.write("{\n")
    for key, value in _head(log).items():
        out.write(f"  {_dumps(key)}: {_dumps(value)},\n")
    out.write('  "timeline": [')
    separator = "\n    "
    dumps = _ENCODER.encode
    for done, entry in enumerate(log.entries, start=1):
        out.write(separator)
        out.write(dumps(entry_json(entry.record, entry.corrected_by)))
        separator = ",\n    "
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    out.write("\n  ]")
    for key, value in _tail(log).items():
        out.write(f",\n  {_dumps(key)}: {_dumps(value)}")
    out.write("\n}\n")
    progress(total, total)
