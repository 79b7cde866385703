"""The JSON export (schema ``warroom.incident-log/3``, see SCHEMA.md), written as a stream.

The timeline is written one entry at a time as it streams from the database, so a
million-entry log never needs it in memory; the document is still a single ordinary JSON
object. The footer's chain verdict comes last, from the pass that wrote the entries.
The incident header, the entries and the statements are mapped by ``domain.json_mapping``,
the one mapper the CLI's ``--json`` builds on too.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, TextIO

from warroom.domain.checklist import ChecklistItem
from warroom.domain.clocks import ClockReading
from warroom.domain.incident_log import SCHEMA, IncidentLog, Person
from warroom.domain.json_mapping import entry_json, incident_json, statement_json
from warroom.domain.json_mapping import seconds as _seconds
from warroom.domain.json_mapping import time_text as _time
from warroom.domain.review import Review
from warroom.domain.timeline import GENESIS_HASH
from warroom.export.formats import Progress, no_progress
from warroom.export.inbox_figures import inbox_json

PROGRESS_EVERY = 500


_ENCODER = json.JSONEncoder(ensure_ascii=False)


def _dumps(value: Any) -> str:
    return _ENCODER.encode(value)


def person_json(person: Person) -> dict[str, Any]:
    """Return one person and their roles as JSON data."""
    return {"name": person.name, "roles": list(person.roles), "entries": person.entries}


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
