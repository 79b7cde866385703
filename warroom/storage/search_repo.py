"""Full-text search through SQLAlchemy: the SQL comes from :mod:`warroom.storage.search_sql`."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING

from sqlalchemy import text
from sqlalchemy.engine import Connection

from warroom.domain.search import SearchFilters, SearchQuery, SearchResults, StatementHit
from warroom.domain.timeline import TimelineEntry
from warroom.storage import listing_sql, search_sql

if TYPE_CHECKING:  # annotations only: the streamed listing runs without the ORM
    from sqlalchemy.orm import Session


def search(
    session: Session,
    query: SearchQuery,
    filters: SearchFilters,
    *,
    limit: int,
    before_id: int | None = None,
    with_count: bool = False,
    with_statements: bool = True,
) -> SearchResults:
    """Return the newest ``limit`` matching entries (and statements), newest first."""
    dialect = session.get_bind().dialect.name
    found = search_sql.select_entries(
        dialect, filters, query=query, limit=limit, before_id=before_id
    )
    entries = tuple(
        search_sql.entry_from_row(row) for row in session.execute(text(found.text), found.params)
    )
    total = None
    if with_count:
        counted = search_sql.count_entries(dialect, query, filters)
        total = session.execute(text(counted.text), counted.params).scalar_one()
    statements: tuple[StatementHit, ...] = ()
    if with_statements and not filters.kinds and not filters.author and filters.since is None:
        hits = search_sql.search_statements(
            dialect, query, filters.incident_id, limit=search_sql.STATEMENT_HITS_MAX
        )
        statements = tuple(
            search_sql.statement_hit_from_row(row)
            for row in session.execute(text(hits.text), hits.params)
        )
    return SearchResults(query, entries, statements, total)


def incident_entries(
    session: Session,
    incident_id: int,
    *,
    query: SearchQuery,
    kinds: Sequence[str] = (),
    newest_first: bool = False,
    limit: int | None = None,
    after_seq: int = 0,
    before_seq: int | None = None,
) -> list[TimelineEntry]:
    """Return one incident's entries matching ``query``, in order of record."""
    dialect = session.get_bind().dialect.name
    found = search_sql.select_entries(
        dialect,
        SearchFilters(incident_id=incident_id, kinds=tuple(kinds)),
        query=query,
        newest_first=newest_first,
        limit=limit,
        after_seq=after_seq,
        before_seq=before_seq,
    )
    rows = session.execute(text(found.text), found.params)
    return [search_sql.entry_from_row(row) for row in rows]


def count_incident_entries(
    session: Session, incident_id: int, *, query: SearchQuery, kinds: Sequence[str] = ()
) -> int:
    """Return how many of one incident's entries match ``query``, up to COUNT_MAX + 1."""
    dialect = session.get_bind().dialect.name
    counted = search_sql.count_entries(
        dialect, query, SearchFilters(incident_id=incident_id, kinds=tuple(kinds))
    )
    return int(session.execute(text(counted.text), counted.params).scalar_one())


#: Rows fetched per round trip of a streamed listing.
STREAM_ROWS = 500


def stream_entries(
    session: Session,
    incident_id: int,
    *,
    query: SearchQuery | None = None,
    kinds: Sequence[str] = (),
) -> Generator[TimelineEntry, None, None]:
    """Yield one incident's entries (matching ``query``, if any) oldest first, streaming:
    a server-side cursor on PostgreSQL, SQLite's stepping cursor, a batch at a time, so a
    listing of a million entries starts at once and holds one batch."""
    dialect = session.get_bind().dialect.name
    found = search_sql.select_entries(
        dialect,
        SearchFilters(incident_id=incident_id, kinds=tuple(kinds)),
        query=query,
        newest_first=False,
    )
    connection = session.connection().execution_options(stream_results=True, yield_per=STREAM_ROWS)
    result = connection.execute(text(found.text), found.params)
    try:  # closed even when the caller stops early
        while rows := result.fetchmany(STREAM_ROWS):
            yield from (search_sql.entry_from_row(row) for row in rows)
    finally:
        result.close()


def has_incident(connection: Connection, incident_id: int) -> bool:
    """Tell whether the incident exists (one plain query: no model is loaded for it)."""
    found = connection.execute(text("SELECT 1 FROM incidents WHERE id = :id"), {"id": incident_id})
    return found.first() is not None


def stream_lines(
    connection: Connection,
    incident_id: int,
    *,
    query: SearchQuery | None = None,
    kinds: Sequence[str] = (),
) -> Generator[list[str], None, None]:
    """Yield the lines of one incident's whole listing (``log list``), oldest first, a batch
    at a time: the rows of :mod:`warroom.storage.listing_sql` streamed as in
    :func:`stream_entries`, each batch made lines without an entry object per row."""
    found = listing_sql.select_listing(
        connection.dialect.name, incident_id, kinds=kinds, query=query
    )
    streaming = connection.execution_options(stream_results=True, yield_per=STREAM_ROWS)
    result = streaming.execute(text(found.text), found.params)
    try:  # closed even when the caller stops early
        while rows := result.fetchmany(STREAM_ROWS):
            yield listing_sql.listing_lines(rows)
    finally:
        result.close()
