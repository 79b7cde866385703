"""``log list`` of a whole incident through the database layer (a server, or a file the
stdlib reader cannot take): lines streamed in batches, in one read transaction.

Kept apart from :class:`~warroom.services.timeline.TimelineService` on purpose: that module
loads the ORM models (appends, corrections, the chain), a fifth of a second before the
first line that a listing does not need; this one runs plain statements on a plain
connection (:meth:`Database.read_connection`), so not even SQLAlchemy's ORM is loaded.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from warroom.domain.errors import NotFoundError
from warroom.domain.search import SearchQuery, parse_query
from warroom.services.context import ServiceContext
from warroom.storage import search_repo


class TimelineListing:
    """The lines of an incident's timeline, as ``log list`` prints them."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def lines(
        self, incident_id: int, *, kinds: Sequence[str] = (), search: str = ""
    ) -> Iterator[list[str]]:
        """Return the whole timeline (matching ``search``, if given), oldest first, as
        batches of lines: the first batch comes at once and one batch is held at a time.
        An unknown incident is refused here, not at the first batch."""
        query = parse_query(search) if search.strip() else None
        with self._ctx.db.read_connection() as connection:
            if not search_repo.has_incident(connection, incident_id):
                raise NotFoundError(f"no incident {incident_id}")
        return self._lines(incident_id, kinds, query)

    def _lines(
        self, incident_id: int, kinds: Sequence[str], query: SearchQuery | None
    ) -> Iterator[list[str]]:
        with self._ctx.db.read_connection() as connection:
            batches = search_repo.stream_lines(connection, incident_id, query=query, kinds=kinds)
            try:
                yield from batches
            finally:
                batches.close()
