"""Full-text search across incidents: the timeline and the statements."""

from __future__ import annotations

from warroom.domain.search import SEARCH_LIMIT_MAX, SearchFilters, SearchResults, parse_query
from warroom.services.context import ServiceContext
from warroom.storage import incident_repo, search_repo


class SearchService:
    """Find entries and statements by their words, newest first."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def search(
        self,
        text: str,
        filters: SearchFilters | None = None,
        *,
        limit: int = 50,
        before_id: int | None = None,
        with_count: bool = False,
    ) -> SearchResults:
        """Return the newest ``limit`` matches of ``text`` (see :mod:`warroom.domain.search`).

        ``before_id`` pages back from the oldest match shown; ``with_count`` also counts every
        matching entry (the window's "N of M").
        """
        query = parse_query(text)
        chosen = filters or SearchFilters()
        with self._ctx.db.reading() as session:
            if chosen.incident_id is not None:
                incident_repo.get(session, chosen.incident_id)
            return search_repo.search(
                session,
                query,
                chosen,
                limit=max(1, min(limit, SEARCH_LIMIT_MAX)),
                before_id=before_id,
                with_count=with_count,
            )
