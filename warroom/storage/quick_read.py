"""Read-only commands on the embedded file without SQLAlchemy: the standard ``sqlite3`` only.

Importing SQLAlchemy and mapping the models costs a few hundred milliseconds before the
first row, far more than ``warroom log list 1 --last 50`` or ``warroom search refund`` spend
reading. When the database is a plain SQLite file that is already at this version's schema,
those commands read it here, in one read-only snapshot, with the very SQL the full path runs
(:mod:`warroom.storage.search_sql`). In every other case (a server URL, a missing, empty,
foreign, encrypted or older file, any error opening it) :func:`open_quick_reader` returns
None and the command takes the full path, which creates, migrates, decrypts or refuses with
the usual messages. Nothing here ever writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence

from warroom.domain.search import SearchFilters, SearchQuery, SearchResults, StatementHit
from warroom.domain.timeline import TimelineEntry
from warroom.storage import listing_sql, search_sql
from warroom.storage.quick_open import open_snapshot, translated_errors

_FETCH_ROWS = 500


class QuickReader:
    """One read-only snapshot of an embedded War Room file."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def has_incident(self, incident_id: int) -> bool:
        """Tell whether the incident exists."""
        with translated_errors():
            row = self._connection.execute(
                "SELECT 1 FROM incidents WHERE id = :id", {"id": incident_id}
            ).fetchone()
        return row is not None

    def entries(
        self,
        incident_id: int,
        *,
        kinds: Sequence[str] = (),
        query: SearchQuery | None = None,
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[TimelineEntry]:
        """Yield an incident's entries in order of record, streaming."""
        sql = search_sql.select_entries(
            "sqlite",
            SearchFilters(incident_id=incident_id, kinds=tuple(kinds)),
            query=query,
            newest_first=newest_first,
            limit=limit,
        )
        with translated_errors():
            cursor = self._connection.execute(sql.text, sql.params)
            try:
                while rows := cursor.fetchmany(_FETCH_ROWS):
                    yield from (search_sql.entry_from_row(row) for row in rows)
            finally:
                cursor.close()

    def listing(
        self, incident_id: int, *, kinds: Sequence[str] = (), query: SearchQuery | None = None
    ) -> Iterator[list[str]]:
        """Yield the lines of an incident's whole listing, oldest first, a batch at a time."""
        sql = listing_sql.select_listing("sqlite", incident_id, kinds=kinds, query=query)
        with translated_errors():
            cursor = self._connection.execute(sql.text, sql.params)
            try:
                while rows := cursor.fetchmany(_FETCH_ROWS):
                    yield listing_sql.listing_lines(rows)
            finally:
                cursor.close()

    def search(
        self, query: SearchQuery, filters: SearchFilters, *, limit: int, with_count: bool = False
    ) -> SearchResults:
        """Return the newest matching entries and statements, as the full path does."""
        with translated_errors():
            return self._search(query, filters, limit=limit, with_count=with_count)

    def _search(
        self, query: SearchQuery, filters: SearchFilters, *, limit: int, with_count: bool
    ) -> SearchResults:
        found = search_sql.select_entries("sqlite", filters, query=query, limit=limit)
        entries = tuple(
            search_sql.entry_from_row(row)
            for row in self._connection.execute(found.text, found.params)
        )
        total = None
        if with_count:
            counted = search_sql.count_entries("sqlite", query, filters)
            total = self._connection.execute(counted.text, counted.params).fetchone()[0]
        statements: tuple[StatementHit, ...] = ()
        if not filters.kinds and not filters.author and filters.since is None:
            hits = search_sql.search_statements(
                "sqlite", query, filters.incident_id, limit=search_sql.STATEMENT_HITS_MAX
            )
            statements = tuple(
                search_sql.statement_hit_from_row(row)
                for row in self._connection.execute(hits.text, hits.params)
            )
        return SearchResults(query, entries, statements, total)

    def close(self) -> None:
        """End the snapshot and close the file."""
        self._connection.close()


def open_quick_reader(url: str | None) -> QuickReader | None:
    """Return a reader of the embedded file ``url`` names, or None to take the full path."""
    opened = open_snapshot(url)
    return QuickReader(opened[0]) if opened is not None else None
