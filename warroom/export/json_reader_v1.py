"""Verify a ``warroom.incident-log/1`` export (made before signatures and full chain coverage).

Rebuild the hash chain from the file and cross-check what it claims.

The chain proves that no timeline entry was altered, removed or reordered (the footer's
count and head hash reveal entries cut from the end). Statement revisions and approvals are
not chained themselves, but every one of them was logged on the timeline with its content
hash, so each is checked against its chained entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from warroom.domain.clock import parse_iso
from warroom.domain.content import legacy_content_hash
from warroom.domain.errors import ValidationError
from warroom.domain.timeline import ChainRecord, TimelineEvent, verify_chain
from warroom.export.export_check import ExportCheck


class Foreign(Exception):
    """The document is not a War Room incident log."""


def member(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise Foreign(f"{where} has no {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise Foreign(f"{where}: {key!r} has the wrong type")
    return value


def time_member(obj: Any, key: str, where: str) -> datetime:
    text = member(obj, key, str, where)
    try:
        return parse_iso(text)
    except ValueError:
        raise Foreign(f"{where}: {key!r} is not a time") from None


def chain_records(document: Mapping[str, Any], incident_id: int) -> list[ChainRecord]:
    timeline = member(document, "timeline", list, "the export")
    records = []
    for index, raw in enumerate(timeline, start=1):
        where = f"timeline item {index}"
        corrects = raw.get("corrects_seq") if isinstance(raw, dict) else None
        if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
            raise Foreign(f"{where}: 'corrects_seq' has the wrong type")
        records.append(
            ChainRecord(
                incident_id=incident_id,
                seq=member(raw, "seq", int, where),
                kind=member(raw, "kind", str, where),
                text=member(raw, "text", str, where),
                author=member(raw, "author", str, where),
                created_at=time_member(raw, "created_at", where),
                corrects_seq=corrects,
                data=member(raw, "data", dict, where),
                prev_hash=member(raw, "prev_hash", str, where),
                hash=member(raw, "hash", str, where),
            )
        )
    return records


def statement_problem(
    statement: Any, events: dict[tuple[int, str], list[ChainRecord]]
) -> tuple[int | None, str] | None:
    """Return (entry, problem) for the first claim of a statement the timeline contradicts."""
    sid = member(statement, "id", int, "a statement")
    where = f"statement #{sid}"
    revisions = member(statement, "revisions", list, where)
    logged = {
        record.data.get("revision"): record
        for event in (TimelineEvent.STATEMENT_DRAFTED, TimelineEvent.STATEMENT_EDITED)
        for record in events.get((sid, event), [])
    }
    for revision in revisions:
        number = member(revision, "revision", int, where)
        claimed = member(revision, "content_hash", str, where)
        subject = member(revision, "subject", str, where)
        text = member(revision, "text", str, where)
        entry = logged.get(number)
        if entry is None:
            return None, f"{where} revision {number} was never logged on the timeline"
        if (
            legacy_content_hash(subject, text) != claimed
            or entry.data.get("content_hash") != claimed
        ):
            return entry.seq, f"{where} revision {number} does not match the text logged here"
    if revisions:
        last = revisions[-1]
        current = legacy_content_hash(
            member(statement, "subject", str, where), member(statement, "text", str, where)
        )
        if current != last.get("content_hash"):
            return None, f"{where}: its text does not match its last revision"
    approvals = member(statement, "approvals", list, where)
    approved = events.get((sid, TimelineEvent.STATEMENT_APPROVED), [])
    if len(approvals) != len(approved):
        return (
            approved[-1].seq if approved else None,
            f"{where} lists {len(approvals)} approval(s) but the timeline records {len(approved)}",
        )
    for approval, entry in zip(approvals, approved, strict=True):
        approver = member(approval, "approver", str, where)
        if (
            entry.data.get("approver") != approver
            or entry.data.get("content_hash") != member(approval, "content_hash", str, where)
            or entry.created_at != time_member(approval, "approved_at", where)
        ):
            return (
                entry.seq,
                f"{where}: the approval by {approver!r} does not match the approval "
                "logged here (approver, time or approved text differ)",
            )
    return None


def check_document(document: Mapping[str, Any]) -> ExportCheck:
    """Verify a parsed /1 export: the chain, the footer, then statements against the chain."""
    try:
        incident = member(document, "incident", dict, "the export")
        incident_id = member(incident, "id", int, "the incident")
        title = member(incident, "title", str, "the incident")
        footer = member(document, "footer", dict, "the export")
        expected_count = member(footer, "entry_count", int, "the footer")
        expected_head = member(footer, "head_hash", str, "the footer")
        records = chain_records(document, incident_id)
        report = verify_chain(records, expected_count=expected_count, expected_head=expected_head)
        if not report.ok:
            return ExportCheck(
                False,
                incident_id,
                title,
                report.entry_count,
                report.head_hash,
                report.broken_seq,
                report.problem,
            )
        events: dict[tuple[int, str], list[ChainRecord]] = {}
        for record in records:
            sid, event = record.data.get("statement"), record.data.get("event")
            if isinstance(sid, int) and isinstance(event, str):
                events.setdefault((sid, event), []).append(record)
        for statement in member(document, "statements", list, "the export"):
            found = statement_problem(statement, events)
            if found is not None:
                seq, problem = found
                return ExportCheck(
                    False, incident_id, title, report.entry_count, report.head_hash, seq, problem
                )
    except Foreign as error:
        raise ValidationError(f"not a valid War Room export: {error}") from None
    return ExportCheck(True, incident_id, title, report.entry_count, report.head_hash)
