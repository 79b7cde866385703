"""The SQL of timeline reads and searches, written once for both ways in.

The same statements run through SQLAlchemy (``text()``, every command and the window) and
through the standard library's ``sqlite3`` (:mod:`warroom.storage.quick_read`, the fast path
of read-only commands on the embedded file), so this module imports neither: it builds SQL
strings with named parameters (``:name``, understood by both drivers) and maps result rows
back to domain objects.

Search terms reach the database only as parsed words (letters and digits: see
:mod:`warroom.domain.search`), each quoted, so nothing typed can act as a query operator.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from warroom.domain.search import COUNT_MAX, SearchFilters, SearchQuery, StatementHit
from warroom.domain.timeline import EntryKind, TimelineEntry

ENTRY_COLUMNS = (
    "e.id, e.incident_id, e.seq, e.kind, e.text, e.author, e.created_at, e.corrects_id, "
    "e.prev_hash, e.hash, e.data"
)
_SQLITE_TIME = "%Y-%m-%d %H:%M:%S.%f"


@dataclass
class Sql:
    """One statement and its parameters."""

    text: str
    params: dict[str, Any] = field(default_factory=dict)


def fts5_match(query: SearchQuery, incident_id: int | None = None, *, columns: str = "text") -> str:
    """Return the FTS5 MATCH expression: every term quoted, all required, in ``columns``.

    With ``incident_id`` the incident's own column of the index narrows the match, so the
    index intersects the two instead of the join filtering every other incident's matches.
    """
    parts = []
    for term in query.terms:
        quoted = '"' + " ".join(term.words) + '"'
        parts.append(quoted + "*" if term.prefix else quoted)
    expression = f"{columns} : (" + " AND ".join(parts) + ")"
    if incident_id is not None:
        expression += f' AND incident_id : "{int(incident_id)}"'
    return expression


def ts_query(query: SearchQuery) -> str:
    """Return the PostgreSQL ``to_tsquery`` text: phrases with ``<->``, prefixes ``:*``."""
    parts = []
    for term in query.terms:
        lexemes = [f"'{word}'" for word in term.words]
        if term.prefix:
            lexemes[-1] += ":*"
        parts.append("(" + " <-> ".join(lexemes) + ")")
    return " & ".join(parts)


def time_param(value: datetime, dialect: str) -> Any:
    """Return a time as each backend stores it (naive UTC text on SQLite)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    if dialect == "sqlite":
        return aware.astimezone(UTC).strftime(_SQLITE_TIME)
    return aware.astimezone(UTC)


def _entry_conditions(
    sql: Sql, filters: SearchFilters, dialect: str, kinds: Sequence[str] = ()
) -> list[str]:
    conditions = []
    if filters.incident_id is not None:
        conditions.append("e.incident_id = :incident_id")
        sql.params["incident_id"] = filters.incident_id
    wanted = tuple(kinds) or filters.kinds
    if wanted:
        names = [f":kind{n}" for n in range(len(wanted))]
        conditions.append(f"e.kind IN ({', '.join(names)})")
        sql.params.update({f"kind{n}": kind for n, kind in enumerate(wanted)})
    if filters.author:
        conditions.append("lower(e.author) = lower(:author)")
        sql.params["author"] = filters.author.strip()
    if filters.since is not None:
        conditions.append("e.created_at >= :since")
        sql.params["since"] = time_param(filters.since, dialect)
    return conditions


def select_entries(
    dialect: str,
    filters: SearchFilters,
    *,
    query: SearchQuery | None = None,
    newest_first: bool = True,
    limit: int | None = None,
    before_id: int | None = None,
    after_seq: int = 0,
    before_seq: int | None = None,
    count: bool = False,
    columns: str = ENTRY_COLUMNS,
) -> Sql:
    """Return entries passing ``filters`` (and matching ``query``), in order of record.

    ``count`` asks for the number of such entries instead. With a query the full-text index
    drives the read, in id order (ids rise with time, and within an incident with the entry
    number), so the newest matches come first without sorting them all; without one, the
    (incident, number) index does. ``columns`` chooses what each row holds (default:
    :data:`ENTRY_COLUMNS`, what :func:`entry_from_row` maps).
    """
    sql = Sql("")
    conditions = _entry_conditions(sql, filters, dialect)
    if before_id is not None:
        conditions.append("e.id < :before_id")
        sql.params["before_id"] = before_id
    if after_seq:
        conditions.append("e.seq > :after_seq")
        sql.params["after_seq"] = after_seq
    if before_seq is not None:
        conditions.append("e.seq < :before_seq")
        sql.params["before_seq"] = before_seq
    direction = "DESC" if newest_first else "ASC"
    if query is None:
        source, order = "timeline_entries e", f"e.seq {direction}"
        if filters.incident_id is None:
            order = f"e.id {direction}"
    elif dialect == "sqlite":
        # CROSS JOIN: SQLite keeps the index as the outer loop. Left to choose, it drove
        # counts from the entries of the incident and ran the MATCH once per entry
        # (seconds at 100,000 entries instead of milliseconds).
        source = "search_timeline CROSS JOIN timeline_entries e ON e.id = search_timeline.rowid"
        conditions.insert(0, "search_timeline MATCH :match")
        sql.params["match"] = fts5_match(query, filters.incident_id)
        order = f"search_timeline.rowid {direction}"
    else:
        source = "search_timeline s JOIN timeline_entries e ON e.id = s.entry_id"
        conditions.insert(0, "s.document @@ to_tsquery('simple', :tsquery)")
        sql.params["tsquery"] = ts_query(query)
        order = f"s.entry_id {direction}"
    where = " WHERE " + " AND ".join(conditions) if conditions else ""
    if count:
        # Counting every match of a word in most entries would cost more than the search:
        # count up to COUNT_MAX and say "more than" beyond.
        sql.text = f"SELECT count(*) FROM (SELECT 1 FROM {source}{where} LIMIT :cap) counted"
        sql.params["cap"] = COUNT_MAX + 1
        return sql
    sql.text = f"SELECT {columns} FROM {source}{where} ORDER BY {order}"
    if limit is not None:
        sql.text += " LIMIT :limit"
        sql.params["limit"] = limit
    return sql


def count_entries(dialect: str, query: SearchQuery, filters: SearchFilters) -> Sql:
    """Return how many entries match, up to COUNT_MAX + 1 (the window's "N of M")."""
    return select_entries(dialect, filters, query=query, count=True)


STATEMENT_HITS_MAX = 20
STATEMENT_COLUMNS = "st.id, st.incident_id, st.subject, st.text, st.state, st.updated_at"


def search_statements(
    dialect: str, query: SearchQuery, incident_id: int | None, *, limit: int
) -> Sql:
    """Return statements whose subject or text matches, newest first."""
    sql = Sql("", {"limit": limit})
    where = ""
    if incident_id is not None:
        where = " AND st.incident_id = :incident_id"
        sql.params["incident_id"] = incident_id
    if dialect == "sqlite":
        sql.params["match"] = fts5_match(query, columns="{subject text}")
        sql.text = (
            f"SELECT {STATEMENT_COLUMNS} FROM search_statements "
            "JOIN statements st ON st.id = search_statements.rowid "
            f"WHERE search_statements MATCH :match{where} "
            "ORDER BY search_statements.rowid DESC LIMIT :limit"
        )
    else:
        sql.params["tsquery"] = ts_query(query)
        sql.text = (
            f"SELECT {STATEMENT_COLUMNS} FROM search_statements s "
            "JOIN statements st ON st.id = s.statement_id "
            f"WHERE s.document @@ to_tsquery('simple', :tsquery){where} "
            "ORDER BY s.statement_id DESC LIMIT :limit"
        )
    return sql


def entry_from_row(row: Sequence[Any]) -> TimelineEntry:
    """Map a row of :data:`ENTRY_COLUMNS` (from either driver) to a timeline entry."""
    (id_, incident_id, seq, kind, text, author, created_at, corrects_id, prev, digest, data) = row
    return TimelineEntry(
        id=id_,
        incident_id=incident_id,
        seq=seq,
        kind=EntryKind(kind),
        text=text,
        author=author,
        created_at=as_time(created_at),
        corrects_id=corrects_id,
        prev_hash=prev,
        hash=digest,
        data=as_data(data),
    )


def as_time(value: Any) -> datetime:
    """Return a stored time (SQLite's naive UTC text, a server's datetime) in UTC."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def as_data(value: Any) -> dict[str, Any]:
    """Return an entry's data from the column (JSON text on SQLite, an object on a server)."""
    if value is None or value == "{}":  # most entries: no JSON parser needed
        return {}
    if isinstance(value, str):
        loaded = json.loads(value)
        return loaded if isinstance(loaded, dict) else {}
    return dict(value)


def statement_hit_from_row(row: Sequence[Any]) -> StatementHit:
    """Map a row of :data:`STATEMENT_COLUMNS` to a statement hit."""
    statement_id, incident_id, subject, text, state, updated_at = row
    return StatementHit(
        statement_id=statement_id,
        incident_id=incident_id,
        subject=subject,
        text=text,
        state=state,
        updated_at=as_time(updated_at),
    )
