"""Stored chain columns to plain rows and checkpoints, without SQLAlchemy.

Shared by the two readers of an incident's chain: :mod:`warroom.storage.chain_read` (through
the services' session) and :mod:`warroom.storage.quick_chain` (the standard ``sqlite3``
module on the embedded file), so that both give a verification the very same rows.

SQLAlchemy keeps a time in SQLite as the text ``YYYY-MM-DD HH:MM:SS.ffffff`` (naive UTC, see
``storage/types.UTCDateTime``) and JSON as its text; these functions read and write those
forms directly.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from warroom.domain.chain_walk import ChainRow, VerifyCheckpoint
from warroom.domain.clock import iso_utc

_DECODE = json.JSONDecoder().decode


def sqlite_chain_row(raw: Sequence[Any]) -> ChainRow:
    """Return the chain row of the stored columns ``seq, kind, text, author, created_at,
    corrects_seq, data, prev_hash, hash`` as SQLite gives them (time and data as text)."""
    seq, kind, text, author, created, corrects, data, prev_hash, digest = raw
    created = sqlite_canonical_time(created)
    data = {} if data == "{}" else _DECODE(data) if data else {}
    return (seq, kind, text, author, created, corrects, data, prev_hash, digest)


def sqlite_canonical_time(stored: str) -> str:
    """Return the canonical text (``iso_utc``) of a time as SQLAlchemy stores it in SQLite."""
    if len(stored) == 26 and stored[10] == " " and stored[19] == ".":
        return f"{stored[:10]}T{stored[11:]}Z"
    return iso_utc(datetime.fromisoformat(stored).replace(tzinfo=UTC))  # any other shape


def sqlite_time(stored: str | None) -> datetime | None:
    """Return the aware UTC time of a stored SQLite time (None stays None), as the
    ``UTCDateTime`` column type gives it back."""
    if stored is None:
        return None
    value = datetime.fromisoformat(stored)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def sqlite_stored_time(value: datetime) -> str:
    """Return ``value`` as SQLAlchemy stores a ``UTCDateTime`` in SQLite (naive UTC text)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return f"{value:%Y-%m-%d %H:%M:%S}.{value.microsecond:06d}"


def checkpoint_from(row: Any) -> VerifyCheckpoint:
    """Return the checkpoint a row of ``verify_checkpoints`` holds (its columns as
    attributes, the time already read)."""
    try:
        seqs = tuple(int(n) for n in json.loads(row.event_seqs))
    except (ValueError, TypeError):
        seqs = ()  # an unreadable list: the check of the fields then finds what is missing
    return VerifyCheckpoint(
        row.incident_id, row.entry_count, row.head_hash, seqs, row.verified_at, row.verified_by
    )


def event_seqs_text(point: VerifyCheckpoint) -> str:
    """Return the checkpoint's entry numbers as stored (a compact JSON list)."""
    return json.dumps(list(point.event_seqs), separators=(",", ":"))


#: how much of the verifying person's name a checkpoint keeps (the column's length)
VERIFIED_BY_LENGTH = 100
