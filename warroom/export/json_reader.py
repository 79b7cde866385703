"""Verify a JSON export: rebuild the hash chain from the file and cross-check what it claims.

The chain proves that no timeline entry was altered, removed or reordered (the footer's
count and head hash reveal entries cut from the end). Statement revisions and approvals are
not chained themselves, but every one of them was logged on the timeline with its content
hash, so each is checked against its chained entry.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from warroom.domain.clock import parse_iso
from warroom.domain.errors import ValidationError
from warroom.domain.incident_log import SCHEMA
from warroom.domain.statements import content_hash
from warroom.domain.timeline import ChainRecord, verify_chain


@dataclass(frozen=True, slots=True)
class ExportCheck:
    """The verdict on one export file."""

    ok: bool
    incident_id: int
    title: str
    entry_count: int
    head_hash: str
    broken_seq: int | None = None
    problem: str = ""

    def describe(self) -> str:
        """Return one line a person can act on."""
        if self.ok:
            return (
                f"intact: incident {self.incident_id}, {self.entry_count} entries, "
                f"chain head {self.head_hash}"
            )
        if self.broken_seq is None:
            return f"broken: {self.problem}"
        return f"broken at entry {self.broken_seq}: {self.problem}"


class _Foreign(Exception):
    """The document is not a War Room incident log."""


def _get(obj: Any, key: str, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(obj, dict) or key not in obj:
        raise _Foreign(f"{where} has no {key!r}")
    value = obj[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Foreign(f"{where}: {key!r} has the wrong type")
    return value


def _time(obj: Any, key: str, where: str) -> datetime:
    text = _get(obj, key, str, where)
    try:
        return parse_iso(text)
    except ValueError:
        raise _Foreign(f"{where}: {key!r} is not a time") from None


def load_document(path: Path) -> dict[str, Any]:
    """Read an export file, refusing anything that is not a War Room incident log."""
    try:
        with path.open("rb") as stream:
            document = json.load(stream)
    except OSError as error:
        raise ValidationError(f"cannot read {path}: {error.strerror or error}") from None
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise ValidationError(f"{path} is not a War Room export: it is not valid JSON") from None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        found = document.get("schema") if isinstance(document, dict) else None
        detail = f"schema {found!r}" if found else "no schema"
        raise ValidationError(f"{path} is not a War Room export ({detail}; expected {SCHEMA!r})")
    return document


def _records(document: Mapping[str, Any], incident_id: int) -> list[ChainRecord]:
    timeline = _get(document, "timeline", list, "the export")
    records = []
    for index, raw in enumerate(timeline, start=1):
        where = f"timeline item {index}"
        corrects = raw.get("corrects_seq") if isinstance(raw, dict) else None
        if corrects is not None and (not isinstance(corrects, int) or isinstance(corrects, bool)):
            raise _Foreign(f"{where}: 'corrects_seq' has the wrong type")
        records.append(
            ChainRecord(
                incident_id=incident_id,
                seq=_get(raw, "seq", int, where),
                kind=_get(raw, "kind", str, where),
                text=_get(raw, "text", str, where),
                author=_get(raw, "author", str, where),
                created_at=_time(raw, "created_at", where),
                corrects_seq=corrects,
                data=_get(raw, "data", dict, where),
                prev_hash=_get(raw, "prev_hash", str, where),
                hash=_get(raw, "hash", str, where),
            )
        )
    return records


def _statement_problem(
    statement: Any, events: dict[tuple[int, str], list[ChainRecord]]
) -> tuple[int | None, str] | None:
    """Return (entry, problem) for the first claim of a statement the timeline contradicts."""
    sid = _get(statement, "id", int, "a statement")
    where = f"statement #{sid}"
    revisions = _get(statement, "revisions", list, where)
    logged = {
        record.data.get("revision"): record
        for event in ("statement.drafted", "statement.edited")
        for record in events.get((sid, event), [])
    }
    for revision in revisions:
        number = _get(revision, "revision", int, where)
        claimed = _get(revision, "content_hash", str, where)
        subject = _get(revision, "subject", str, where)
        text = _get(revision, "text", str, where)
        entry = logged.get(number)
        if entry is None:
            return None, f"{where} revision {number} was never logged on the timeline"
        if content_hash(subject, text) != claimed or entry.data.get("content_hash") != claimed:
            return entry.seq, f"{where} revision {number} does not match the text logged here"
    if revisions:
        last = revisions[-1]
        current = content_hash(
            _get(statement, "subject", str, where), _get(statement, "text", str, where)
        )
        if current != last.get("content_hash"):
            return None, f"{where}: its text does not match its last revision"
    approvals = _get(statement, "approvals", list, where)
    approved = events.get((sid, "statement.approved"), [])
    if len(approvals) != len(approved):
        return (
            approved[-1].seq if approved else None,
            f"{where} lists {len(approvals)} approval(s) but the timeline records {len(approved)}",
        )
    for approval, entry in zip(approvals, approved, strict=True):
        approver = _get(approval, "approver", str, where)
        if (
            entry.data.get("approver") != approver
            or entry.data.get("content_hash") != _get(approval, "content_hash", str, where)
            or entry.created_at != _time(approval, "approved_at", where)
        ):
            return (
                entry.seq,
                f"{where}: the approval by {approver!r} does not match the approval "
                "logged here (approver, time or approved text differ)",
            )
    return None


def check_document(document: Mapping[str, Any]) -> ExportCheck:
    """Verify a parsed export: the chain, the footer, then statements against the chain."""
    try:
        incident = _get(document, "incident", dict, "the export")
        incident_id = _get(incident, "id", int, "the incident")
        title = _get(incident, "title", str, "the incident")
        footer = _get(document, "footer", dict, "the export")
        expected_count = _get(footer, "entry_count", int, "the footer")
        expected_head = _get(footer, "head_hash", str, "the footer")
        records = _records(document, incident_id)
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
        for statement in _get(document, "statements", list, "the export"):
            found = _statement_problem(statement, events)
            if found is not None:
                seq, problem = found
                return ExportCheck(
                    False, incident_id, title, report.entry_count, report.head_hash, seq, problem
                )
    except _Foreign as error:
        raise ValidationError(f"not a valid War Room export: {error}") from None
    return ExportCheck(True, incident_id, title, report.entry_count, report.head_hash)


def verify_export_file(path: Path) -> ExportCheck:
    """Load and verify an export file."""
    return check_document(load_document(path))
