"""The change feed: which (incident, area) each committed write changed, in commit order.

A write use case calls :func:`record` as the last step of its transaction. Readers ask for
the rows after the last ``seq`` they saw (:func:`since`), after a cheap ``max(seq)`` check.

Commit order matters: a reader that saw ``seq`` 11 must never later meet a ``seq`` 10 that
committed after it looked. SQLite serialises writers already (``BEGIN IMMEDIATE``); on
PostgreSQL :func:`record` takes a transaction-scoped advisory lock before it draws from the
sequence, so feed rows commit in ``seq`` order (the lock is held only from the end of the
use case to its commit). It also sends a NOTIFY, delivered at commit, that a
:class:`ChangeListener` turns into an immediate poll.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from warroom.domain.changes import Area, Changes
from warroom.storage.database import Database
from warroom.storage.models import ChangeFeedRow
from warroom.storage.prepared import Prepared

log = logging.getLogger(__name__)

CHANNEL = "warroom_changes"
#: An arbitrary constant: the advisory lock that orders feed rows (PostgreSQL).
_FEED_LOCK = 0x5752_4346
#: Rows kept; a reader that fell further behind refreshes everything.
KEEP_ROWS = 20_000
#: Prune once every this many feed rows (cheap: one range delete on the primary key).
PRUNE_EVERY = 1_000
#: More new rows than this in one look: refresh everything rather than list them.
MAX_ROWS_PER_LOOK = 5_000


def record(session: Session, incident_id: int | None, *areas: Area) -> None:
    """Record that this transaction changed ``areas`` of ``incident_id`` (None: room-wide).

    Call it last in the use case: on PostgreSQL it takes the feed's lock until commit.
    """
    if not areas:
        return
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        _TAKE_FEED_LOCK.first(connection, {"key": _FEED_LOCK})
    seqs = [
        _INSERT_ROW.first(connection, {"incident_id": incident_id, "area": area.value})[0]
        for area in dict.fromkeys(areas)
    ]
    newest = max(seqs)
    if postgres:
        _NOTIFY.first(connection, {"channel": CHANNEL, "seq": str(newest)})
    if any(seq % PRUNE_EVERY == 0 for seq in seqs):
        connection.execute(delete(ChangeFeedRow).where(ChangeFeedRow.seq <= newest - KEEP_ROWS))


# Prepared: one of these runs in every write use case (see storage.prepared).
_TAKE_FEED_LOCK = Prepared(text("SELECT pg_advisory_xact_lock(:key)"))
_NOTIFY = Prepared(text("SELECT pg_notify(:channel, :seq)"))
_INSERT_ROW = Prepared(
    insert(ChangeFeedRow)
    .values(incident_id=bindparam("incident_id"), area=bindparam("area"))
    .returning(ChangeFeedRow.seq)
)


def latest(session: Session) -> int:
    """Return the newest ``seq`` (0 for an empty feed): one index lookup."""
    return session.scalar(select(func.max(ChangeFeedRow.seq))) or 0


def since(session: Session, seen: int) -> tuple[int, Changes]:
    """Return the newest ``seq`` and what changed after ``seen``.

    ``Changes.all()`` when rows after ``seen`` were pruned (or are too many to list).
    """
    newest = latest(session)
    if newest <= seen:
        return newest, Changes()
    oldest = session.scalar(select(func.min(ChangeFeedRow.seq))) or 0
    if oldest > seen + 1 or newest - seen > MAX_ROWS_PER_LOOK:
        return newest, Changes.all()
    query = select(ChangeFeedRow.incident_id, ChangeFeedRow.area).where(
        ChangeFeedRow.seq > seen, ChangeFeedRow.seq <= newest
    )
    pairs = frozenset((incident, Area(area)) for incident, area in session.execute(query))
    return newest, Changes(pairs)


def lock_for(session: Session, table: str) -> None:
    """Queue up writers of ``table`` for the rest of the transaction (PostgreSQL; SQLite
    writers queue already). Plain reads of the table go on."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f'LOCK TABLE "{table}" IN SHARE ROW EXCLUSIVE MODE'))


class ChangeListener:
    """A connection of its own that LISTENs for committed changes (PostgreSQL only).

    :meth:`wait` blocks until a change is committed anywhere or the timeout passes; it is
    meant for a thread of its own. Any failure (the server went away) raises: the caller
    closes the listener, keeps polling, and opens a new one later.
    """

    def __init__(self, db: Database) -> None:
        self._connection: Connection = db.engine.connect().execution_options(
            isolation_level="AUTOCOMMIT"
        )
        self._raw: Any = self._connection.connection.dbapi_connection
        self._connection.exec_driver_sql(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        """Return True once a change was committed, False after ``timeout`` seconds."""
        if not any(True for _ in self._raw.notifies(timeout=timeout, stop_after=1)):
            return False
        for _ in self._raw.notifies(timeout=0.001):  # several commits: one poll for all
            pass
        return True

    def close(self) -> None:
        """Drop the connection (never back into the pool: it still listens)."""
        try:
            self._connection.invalidate()
            self._connection.close()
        except Exception as error:  # closing a connection to a dead server
            log.debug("change listener close: %s", error)


def supports_listening(db: Database) -> bool:
    """Tell whether the database can push changes (PostgreSQL) or must be polled."""
    return not db.is_sqlite
