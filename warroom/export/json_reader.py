"""Verify a JSON export: strict parsing, the hash chain, every field against the chain,
every signature, and (optionally) that the exporter's key is one the verifier trusts.

Order of the checks, each naming the first problem it finds: the file's members (no
duplicate keys, no unknown or missing members), the chain and the footer's count and head,
the incident header, chained keys, statements (none removed, none added; every field,
revision and approval, with signatures), then the footer's signature by the exporter.
A ``warroom.incident-log/2`` file (before the incident's life was exported) is checked the
same way on the members it has; a ``/1`` file is verified as before, with a warning saying
what that older layout does not cover.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from warroom.domain.chain_state import derive
from warroom.domain.clock import parse_iso
from warroom.domain.errors import ValidationError
from warroom.domain.incident_log import SCHEMA, SCHEMA_V1, SCHEMA_V2
from warroom.domain.timeline import ChainRecord, verify_chain
from warroom.domain.trust import fingerprint, footer_document, parse_fingerprint
from warroom.export import json_reader_v1
from warroom.export.chain_check import (
    INCIDENT_FIELDS,
    INCIDENT_FIELDS_V2,
    Problem,
    fields_problem,
)
from warroom.export.export_check import ExportCheck
from warroom.export.json_reader_v1 import Foreign, member
from warroom.export.signatures import is_valid
from warroom.export.strict_json import SPECS, StrictJSONError, check_members, loads

V1_WARNING = (
    "this file uses the older schema warroom.incident-log/1: its chain, revisions and "
    "approvals were verified as before, but it carries no signatures and its incident header, "
    "statement states and channels are not covered by the chain"
)

__all__ = [
    "ExportCheck",
    "check_document",
    "load_document",
    "parse_document",
    "verify_export_file",
]


def load_document(path: Path) -> dict[str, Any]:
    """Read an export file strictly, refusing anything that is not a War Room incident log."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ValidationError(f"cannot read {path}: {error.strerror or error}") from None
    return parse_document(data, str(path))


def parse_document(data: bytes, path: str) -> dict[str, Any]:
    """Parse an export's bytes strictly (``path`` names it in messages); see
    :func:`load_document`."""
    try:
        document = loads(data)
    except StrictJSONError as error:
        raise ValidationError(f"{path} is not a valid War Room export: {error}") from None
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationError(f"{path} is not a War Room export: it is not valid JSON") from None
    found = document.get("schema") if isinstance(document, dict) else None
    if found not in (SCHEMA, SCHEMA_V2, SCHEMA_V1):
        detail = f"schema {found!r}" if found else "no schema"
        raise ValidationError(f"{path} is not a War Room export ({detail}; expected {SCHEMA!r})")
    assert isinstance(document, dict)
    return document


def check_document(
    document: Mapping[str, Any], *, signed: bool = True, trusted: Collection[str] = ()
) -> ExportCheck:
    """Verify a parsed export; ``signed=False`` for a live snapshot (no footer signature)."""
    if document.get("schema") == SCHEMA_V1:
        check = json_reader_v1.check_document(document)
        if trusted:
            return replace(
                check,
                ok=False,
                broken_seq=None,
                problem="a /1 export carries no signature, so no key can be trusted for it",
            )
        return replace(check, warnings=(V1_WARNING,))
    schema = str(document.get("schema"))
    try:
        check_members(document, SPECS.get(schema))
        incident = member(document, "incident", dict, "the export")
        incident_id = member(incident, "id", int, "the incident")
        title = member(incident, "title", str, "the incident")
        footer = document["footer"]
        expected_count = member(footer, "entry_count", int, "the footer")
        expected_head = member(footer, "head_hash", str, "the footer")
        records = _records(document["timeline"], incident_id)
    except (StrictJSONError, Foreign) as error:
        raise ValidationError(f"not a valid War Room export: {error}") from None
    report = verify_chain(records, expected_count=expected_count, expected_head=expected_head)
    base = ExportCheck(True, incident_id, title, report.entry_count, report.head_hash)
    if not report.ok:
        return replace(base, ok=False, broken_seq=report.broken_seq, problem=report.problem)
    state = derive(records)
    fields = INCIDENT_FIELDS_V2 if schema == SCHEMA_V2 else INCIDENT_FIELDS
    verdict = fields_problem(document, state, incident_id, fields)
    base = replace(base, warnings=verdict.warnings, approval_keys=verdict.approval_keys)
    found = verdict.problem
    if found is None and signed:
        found = _footer_problem(document, incident_id)
        if found is None:
            base = replace(base, signer=str(footer["signed_by"]), signer_key=str(footer["key"]))
            found = _trust_problem(base, trusted)
    if found is not None:
        seq, problem = found
        return replace(base, ok=False, broken_seq=seq, problem=problem)
    return base


def _records(timeline: list[Any], incident_id: int) -> list[ChainRecord]:
    """Return the timeline as chain records (members already checked: types only here)."""
    records = []
    for index, raw in enumerate(timeline, start=1):
        seq, corrects, data = raw["seq"], raw["corrects_seq"], raw["data"]
        strings = (raw["kind"], raw["text"], raw["author"], raw["prev_hash"], raw["hash"])
        if (
            type(seq) is not int
            or (corrects is not None and type(corrects) is not int)
            or type(data) is not dict
            or any(type(value) is not str for value in strings)
        ):
            raise Foreign(f"timeline item {index} has a member of the wrong type")
        try:
            created_at = parse_iso(raw["created_at"])
        except (ValueError, TypeError, AttributeError):
            raise Foreign(f"timeline item {index}: 'created_at' is not a time") from None
        kind, text, author, prev_hash, digest = strings
        records.append(
            ChainRecord(
                incident_id, seq, kind, text, author, created_at, corrects, data, prev_hash, digest
            )
        )
    return records


def _footer_problem(document: Mapping[str, Any], incident_id: int) -> Problem | None:
    """Check the exporter's signature over the footer (entries cut from the end break it)."""
    footer = document["footer"]
    hashes = footer["statement_hashes"]
    listed = {str(s["id"]): s["content_hash"] for s in document["statements"]}
    if not isinstance(hashes, dict) or hashes != listed:
        return None, "the footer's statement hashes do not match the statements"
    key, public, signature = footer["key"], footer["public_key"], footer["signature"]
    if not all(isinstance(v, str) for v in (key, public, signature, footer["signed_by"])):
        return None, "the export is not signed (its footer has no signature)"
    try:
        own = fingerprint(bytes.fromhex(public))
        exported_at = parse_iso(str(document["exported_at"]))
    except ValueError:
        return None, "the footer's signature is malformed"
    if own != key or footer["signed_by"] != document["exported_by"]:
        return None, "the footer names a key or signer that does not match it"
    message = footer_document(
        incident_id=incident_id,
        entry_count=footer["entry_count"],
        head_hash=footer["head_hash"],
        statement_hashes={int(sid): h for sid, h in hashes.items()},
        exported_at=exported_at,
        exported_by=str(document["exported_by"]),
        key=key,
    )
    if not is_valid(public, signature, message):
        return None, (
            "the footer's signature does not match (entries were removed from the end, or the "
            "footer, export time or exporter was changed)"
        )
    return None


def _trust_problem(check: ExportCheck, trusted: Collection[str]) -> Problem | None:
    if not trusted or check.signer_key in trusted:
        return None
    return None, (
        f"the export was signed by {check.signer} with key {check.signer_key}, which is not "
        "one you trust (--trust)"
    )


def verify_export_file(path: Path, trusted: Collection[str] = ()) -> ExportCheck:
    """Load and verify an export file; ``trusted`` fingerprints, if any, must include the
    exporter's."""
    wanted = {parse_fingerprint(f) for f in trusted}
    return check_document(load_document(path), trusted=wanted)
