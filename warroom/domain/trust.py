"""The documents people sign: an approval of one exact content, and an export's footer.

Each is a canonical JSON object (sorted keys, compact separators, UTF-8): the bytes that
are signed with Ed25519 and that anyone can rebuild from an export to check a signature.
The key's fingerprint names a public key in one short, comparable string.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from warroom.domain.clock import iso_utc
from warroom.domain.errors import ValidationError

APPROVAL_TYPE = "warroom.approval/1"
FOOTER_TYPE = "warroom.export-footer/1"
FINGERPRINT_CHARS = 32


@dataclass(frozen=True, slots=True)
class PublicKey:
    """A person's registered public key (raw Ed25519 bytes as hex) and its fingerprint."""

    person: str
    fingerprint: str
    public_key: str
    created_at: datetime


def _canonical(value: Mapping[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def fingerprint(public_key: bytes) -> str:
    """Return a public key's fingerprint: the first 128 bits of its SHA-256, in hex."""
    return hashlib.sha256(public_key).hexdigest()[:FINGERPRINT_CHARS]


def parse_fingerprint(text: str) -> str:
    """Return a fingerprint typed with or without spaces/colons, or refuse a malformed one."""
    cleaned = "".join(ch for ch in text.lower() if ch not in " :-")
    if len(cleaned) != FINGERPRINT_CHARS or any(ch not in "0123456789abcdef" for ch in cleaned):
        raise ValidationError(
            f"{text!r} is not a key fingerprint ({FINGERPRINT_CHARS} hex digits, as "
            "'warroom person key' shows it)"
        )
    return cleaned


def approval_document(
    *,
    incident_id: int,
    statement_id: int,
    revision: int,
    content_hash: str,
    approver: str,
    approved_at: datetime,
) -> bytes:
    """Return the bytes an approver signs: which statement, which revision, what content."""
    return _canonical(
        {
            "type": APPROVAL_TYPE,
            "incident": incident_id,
            "statement": statement_id,
            "revision": revision,
            "content_hash": content_hash,
            "approver": approver,
            "at": iso_utc(approved_at),
        }
    )


def footer_document(
    *,
    incident_id: int,
    entry_count: int,
    head_hash: str,
    statement_hashes: Mapping[int, str],
    exported_at: datetime,
    exported_by: str,
    key: str,
) -> bytes:
    """Return the bytes the exporting person signs: where the chain ends and what it says."""
    return _canonical(
        {
            "type": FOOTER_TYPE,
            "incident": incident_id,
            "entry_count": entry_count,
            "head_hash": head_hash,
            "statements": {str(sid): h for sid, h in sorted(statement_hashes.items())},
            "exported_at": iso_utc(exported_at),
            "exported_by": exported_by,
            "key": key,
        }
    )
