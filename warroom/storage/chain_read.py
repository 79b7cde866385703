"""An incident's chain as plain rows for verification: streamed, no ORM objects, no re-parsing.

A million entries are verified in constant memory: the rows come through a server-side
cursor on PostgreSQL (``stream_results``) and SQLite's own stepping cursor, in batches.
On SQLite the time and the data are read as the stored text: the time is turned into its
canonical form by slicing (SQLAlchemy stores ``YYYY-MM-DD HH:MM:SS.ffffff``, naive UTC), and
the data is decoded by one reused decoder, instead of building a datetime and re-rendering
it for every entry. The rows are :data:`~warroom.domain.chain_walk.ChainRow` tuples.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from typing import Any

from sqlalchemy import Select, String, bindparam, func, select, type_coerce
from sqlalchemy.orm import Session

from warroom.domain.chain_walk import ChainRow, VerifyCheckpoint
from warroom.domain.clock import iso_utc
from warroom.storage.chain_rows import (
    VERIFIED_BY_LENGTH,
    checkpoint_from,
    event_seqs_text,
    sqlite_chain_row,
)
from warroom.storage.models import TimelineEntryRow, VerifyCheckpointRow

BATCH = 2000
_T = TimelineEntryRow


def _columns(sqlite: bool) -> tuple[Any, ...]:
    stored = (type_coerce(_T.created_at, String), type_coerce(_T.data, String))
    created, data = stored if sqlite else (_T.created_at, _T.data)
    return (_T.seq, _T.kind, _T.text, _T.author, created, _T.corrects_seq, data)


def _query(sqlite: bool) -> Select[Any]:
    return select(*_columns(sqlite), _T.prev_hash, _T.hash).where(
        _T.incident_id == bindparam("incident")
    )


_FROM = {
    sqlite: _query(sqlite).where(_T.seq > bindparam("after")).order_by(_T.seq)
    for sqlite in (True, False)
}
_AT = {
    sqlite: _query(sqlite).where(_T.seq.in_(bindparam("seqs", expanding=True))).order_by(_T.seq)
    for sqlite in (True, False)
}
_COUNT = select(func.count()).select_from(_T).where(_T.incident_id == bindparam("incident"))


def _is_sqlite(session: Session) -> bool:
    return session.get_bind().dialect.name == "sqlite"


def rows(session: Session, incident_id: int, *, after: int = 0) -> Generator[ChainRow, None, None]:
    """Yield the entries numbered above ``after`` in order, streaming."""
    sqlite = _is_sqlite(session)
    connection = session.connection().execution_options(stream_results=True, yield_per=BATCH)
    result = connection.execute(_FROM[sqlite], {"incident": incident_id, "after": after})
    # Closed even when the caller stops early (a verification stops at the first break).
    try:
        while batch := result.fetchmany(BATCH):
            yield from (_row(raw, sqlite) for raw in batch)
    finally:
        result.close()


def rows_at(session: Session, incident_id: int, seqs: Iterable[int]) -> list[ChainRow]:
    """Return the entries with these numbers (those that exist), in order."""
    sqlite = _is_sqlite(session)
    found: list[ChainRow] = []
    wanted = sorted(set(seqs))
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        result = session.connection().execute(_AT[sqlite], {"incident": incident_id, "seqs": chunk})
        found.extend(_row(raw, sqlite) for raw in result)
    return found


def entry_total(session: Session, incident_id: int) -> int:
    """Return how many entries the incident holds (one count over its index range)."""
    return int(session.connection().execute(_COUNT, {"incident": incident_id}).scalar() or 0)


def _row(raw: Any, sqlite: bool) -> ChainRow:
    if sqlite:
        return sqlite_chain_row(raw)
    seq, kind, text, author, created, corrects, data, prev_hash, digest = raw
    return (seq, kind, text, author, iso_utc(created), corrects, data or {}, prev_hash, digest)


# --- checkpoints ------------------------------------------------------------------------------


def checkpoint(session: Session, incident_id: int) -> VerifyCheckpoint | None:
    """Return the incident's verify checkpoint, if one was saved."""
    row = session.get(VerifyCheckpointRow, incident_id)
    if row is None:
        return None
    return checkpoint_from(row)


def save_checkpoint(session: Session, point: VerifyCheckpoint) -> None:
    """Keep ``point`` as the incident's checkpoint (replacing the one before)."""
    row = session.get(VerifyCheckpointRow, point.incident_id)
    if row is None:
        row = VerifyCheckpointRow(incident_id=point.incident_id)
        session.add(row)
    row.entry_count = point.entry_count
    row.head_hash = point.head_hash
    row.event_seqs = event_seqs_text(point)
    row.verified_at = point.verified_at
    row.verified_by = point.verified_by[:VERIFIED_BY_LENGTH]


def drop_checkpoint(session: Session, incident_id: int) -> None:
    """Forget the incident's checkpoint (the next verification is a full one)."""
    row = session.get(VerifyCheckpointRow, incident_id)
    if row is not None:
        session.delete(row)
