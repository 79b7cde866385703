"""Read-only commands on the embedded file, without loading SQLAlchemy.

The same reads as :meth:`TimelineService.entries` and :meth:`SearchService.search`, with
the same results and errors, for commands that only read: see
:mod:`warroom.storage.quick_read` for when this path applies. :func:`open_quick_reads`
returns None whenever it does not, and the command then uses the full services.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from warroom.domain.errors import NotFoundError
from warroom.domain.search import SEARCH_LIMIT_MAX, SearchFilters, SearchResults, parse_query
from warroom.domain.timeline import TimelineEntry
from warroom.storage.quick_read import QuickReader, open_quick_reader


class QuickReads:
    """Timeline listing and search over one read-only snapshot of the embedded file."""

    def __init__(self, reader: QuickReader) -> None:
        self._reader = reader

    def entries(
        self,
        incident_id: int,
        *,
        kinds: Sequence[str] = (),
        search: str = "",
        newest_first: bool = False,
        limit: int | None = None,
    ) -> Iterator[TimelineEntry]:
        """Yield an incident's entries in order of record (streaming), as the service does."""
        query = parse_query(search) if search.strip() else None
        if not self._reader.has_incident(incident_id):
            raise NotFoundError(f"no incident {incident_id}")
        return self._reader.entries(
            incident_id, kinds=kinds, query=query, newest_first=newest_first, limit=limit
        )

    def lines(
        self, incident_id: int, *, kinds: Sequence[str] = (), search: str = ""
    ) -> Iterator[list[str]]:
        """Yield the lines of the whole listing, a batch at a time, as
        :meth:`TimelineListing.lines` does."""
        query = parse_query(search) if search.strip() else None
        if not self._reader.has_incident(incident_id):
            raise NotFoundError(f"no incident {incident_id}")
        return self._reader.listing(incident_id, kinds=kinds, query=query)

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        limit: int = 50,
        with_count: bool = False,
    ) -> SearchResults:
        """Return the newest matches, as :meth:`SearchService.search` does."""
        query = parse_query(text)
        chosen = filters or SearchFilters()
        if chosen.incident_id is not None and not self._reader.has_incident(chosen.incident_id):
            raise NotFoundError(f"no incident {chosen.incident_id}")
        return self._reader.search(
            query, chosen, limit=max(1, min(limit, SEARCH_LIMIT_MAX)), with_count=with_count
        )

    def close(self) -> None:
        """Close the snapshot."""
        self._reader.close()


def open_quick_reads(url: str | None) -> QuickReads | None:
    """Return quick reads of the database ``url`` names, or None to use the services."""
    reader = open_quick_reader(url)
    return QuickReads(reader) if reader is not None else None
