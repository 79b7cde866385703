"""An incident's chain, header and statements read with the standard ``sqlite3`` module.

What a verification of a live incident reads (:class:`~warroom.services.verify_run.
VerifyReads`), from one read-only snapshot of a plain embedded file at this version's schema
(:func:`~warroom.storage.quick_open.open_snapshot`), plus the one write it makes: its new
checkpoint. ``warroom verify --incident ID`` after a few new entries reads a few rows; through
SQLAlchemy it would first spend ~300 ms importing and mapping the models.

The rows are mapped to domain objects by the very functions the repositories use
(:mod:`warroom.storage.row_mapping`, :mod:`warroom.storage.chain_rows`); only the reading of
the column types (stored time text, JSON text, 0/1) is done here, as SQLAlchemy's types do
it. A test compares everything read here with the repositories' reads of the same file.
"""

from __future__ import annotations

import json
import sqlite3
from collections import defaultdict
from collections.abc import Generator, Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from warroom.domain.chain_walk import ChainRow, VerifyCheckpoint
from warroom.domain.channels import Channel
from warroom.domain.incidents import Incident
from warroom.domain.statement_record import StatementRecord
from warroom.domain.statements import Approval
from warroom.storage.chain_rows import (
    VERIFIED_BY_LENGTH,
    checkpoint_from,
    event_seqs_text,
    sqlite_chain_row,
    sqlite_stored_time,
    sqlite_time,
)
from warroom.storage.quick_open import open_snapshot, open_writer
from warroom.storage.row_mapping import (
    approval_from,
    channel_from,
    incident_from,
    revision_from,
    statement_from,
)

_BATCH = 2000
_CHAIN_COLUMNS = "seq, kind, text, author, created_at, corrects_seq, data, prev_hash, hash"
# The columns of each table that hold a time, JSON or a boolean (as models.py declares them).
_TIMES = {
    "incidents": ("began_at", "aware_at", "declared_at", "closed_at"),
    "channels": ("last_ok_at", "last_checked_at"),
    "statements": ("created_at", "updated_at", "next_update_by", "released_at", "scheduled_for"),
    "statement_revisions": ("created_at",),
    "approvals": ("approved_at",),
    "verify_checkpoints": ("verified_at",),
}
_JSON = {"channels": ("settings",), "statement_revisions": ("channels",)}
_BOOLEANS = {"channels": ("configured",)}


class QuickChain:
    """One read-only snapshot of an embedded file, for verifying an incident."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._connection = connection
        self.path = path

    def _rows(self, table: str, where: str, params: Iterable[Any] = ()) -> list[SimpleNamespace]:
        """Return the rows of ``table`` matching ``where``, each with its columns as
        attributes in the Python types the models give them."""
        cursor = self._connection.execute(f"SELECT * FROM {table} WHERE {where}", tuple(params))
        names = [column[0] for column in cursor.description]
        times, jsons, booleans = (
            _TIMES.get(table, ()),
            _JSON.get(table, ()),
            _BOOLEANS.get(table, ()),
        )
        found = []
        for values in cursor:
            row = dict(zip(names, values, strict=True))
            for name in times:
                row[name] = sqlite_time(row[name])
            for name in jsons:
                row[name] = None if row[name] is None else json.loads(row[name])
            for name in booleans:
                row[name] = None if row[name] is None else bool(row[name])
            found.append(SimpleNamespace(**row))
        return found

    def incident(self, incident_id: int) -> Incident | None:
        """Return the incident, or None when there is none of that number."""
        rows = self._rows("incidents", "id = ?", (incident_id,))
        return incident_from(rows[0]) if rows else None

    def checkpoint(self, incident_id: int) -> VerifyCheckpoint | None:
        """Return the incident's verify checkpoint, if one was saved."""
        rows = self._rows("verify_checkpoints", "incident_id = ?", (incident_id,))
        return checkpoint_from(rows[0]) if rows else None

    def rows(self, incident_id: int, *, after: int = 0) -> Generator[ChainRow, None, None]:
        """Yield the entries numbered above ``after`` in order, streaming."""
        cursor = self._connection.execute(
            f"SELECT {_CHAIN_COLUMNS} FROM timeline_entries "
            "WHERE incident_id = ? AND seq > ? ORDER BY seq",
            (incident_id, after),
        )
        try:
            while batch := cursor.fetchmany(_BATCH):
                yield from (sqlite_chain_row(raw) for raw in batch)
        finally:
            cursor.close()

    def rows_at(self, incident_id: int, seqs: Iterable[int]) -> list[ChainRow]:
        """Return the entries with these numbers (those that exist), in order."""
        wanted = sorted(set(seqs))
        found: list[ChainRow] = []
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cursor = self._connection.execute(
                f"SELECT {_CHAIN_COLUMNS} FROM timeline_entries "
                f"WHERE incident_id = ? AND seq IN ({marks}) ORDER BY seq",
                (incident_id, *chunk),
            )
            found.extend(sqlite_chain_row(raw) for raw in cursor)
        return found

    def statement_records(self, incident_id: int) -> list[StatementRecord]:
        """Return the incident's statements, oldest first, each with every revision."""
        statements = self._rows("statements", "incident_id = ? ORDER BY id", (incident_id,))
        if not statements:
            return []
        ids = [s.id for s in statements]
        links: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for link in self._rows(
            "statement_channels",
            f"statement_id IN ({_marks(ids)}) ORDER BY statement_id, position",
            ids,
        ):
            links[link.statement_id].append(link)
        channel_ids = sorted({link.channel_id for group in links.values() for link in group})
        channels: dict[int, Channel] = {
            c.id: channel_from(c)
            for c in self._rows("channels", f"id IN ({_marks(channel_ids)})", channel_ids)
        }
        approvals: dict[int, list[Approval]] = defaultdict(list)
        for a in self._rows("approvals", f"statement_id IN ({_marks(ids)}) ORDER BY id", ids):
            approvals[a.statement_id].append(approval_from(a))
        return [
            StatementRecord(
                statement_from(s, links[s.id], channels, approvals[s.id]),
                self._revisions(s.id),
                (),
            )
            for s in statements
        ]

    def _revisions(self, statement_id: int) -> tuple[Any, ...]:
        revisions = self._rows(
            "statement_revisions", "statement_id = ? ORDER BY revision", (statement_id,)
        )
        ids = [r.id for r in revisions]
        own: dict[int, list[SimpleNamespace]] = defaultdict(list)
        for v in self._rows(
            "statement_revision_variants", f"revision_id IN ({_marks(ids)}) ORDER BY id", ids
        ):
            own[v.revision_id].append(v)
        return tuple(revision_from(r, own[r.id]) for r in revisions)

    def close(self) -> None:
        """End the snapshot and close the file."""
        self._connection.close()


def _marks(values: list[int]) -> str:
    """Return one ``?`` per value (``NULL`` for none: ``IN (NULL)`` matches nothing)."""
    return ",".join("?" * len(values)) or "NULL"


def open_quick_chain(url: str | None) -> QuickChain | None:
    """Return a snapshot of the embedded file ``url`` names, or None to take the full path."""
    opened = open_snapshot(url)
    return QuickChain(*opened) if opened is not None else None


def save_checkpoint(path: Path, point: VerifyCheckpoint) -> None:
    """Keep ``point`` as its incident's checkpoint (replacing the one before), in one
    transaction committed under ``synchronous=FULL``, as ``chain_read.save_checkpoint``."""
    connection = open_writer(path)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO verify_checkpoints "
            "(incident_id, entry_count, head_hash, event_seqs, verified_at, verified_by) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (incident_id) DO UPDATE SET "
            "entry_count = excluded.entry_count, head_hash = excluded.head_hash, "
            "event_seqs = excluded.event_seqs, verified_at = excluded.verified_at, "
            "verified_by = excluded.verified_by",
            (
                point.incident_id,
                point.entry_count,
                point.head_hash,
                event_seqs_text(point),
                sqlite_stored_time(point.verified_at),
                point.verified_by[:VERIFIED_BY_LENGTH],
            ),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()
