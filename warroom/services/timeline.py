"""Logging to the timeline, reading it, and proving it was not altered."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import closing
from datetime import datetime

from warroom.domain.chain_walk import RowWalk
from warroom.domain.changes import Area
from warroom.domain.clock import as_utc, iso_utc
from warroom.domain.errors import RuleViolation
from warroom.domain.lifecycle import check_not_future
from warroom.domain.people import Action
from warroom.domain.search import MatchCount, SearchQuery, parse_query
from warroom.domain.timeline import (
    OCCURRED_AT,
    ChainReport,
    EntryKind,
    TimelineEntry,
    TimelineEvent,
    TimelinePage,
    validate_entry_text,
)
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import chain_read, changes, incident_repo, search_repo, timeline_repo
from warroom.storage.database import Session


class TimelineService:
    """Append-only access to incident timelines."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def add(
        self,
        incident_id: int,
        text: str,
        actor: str,
        kind: EntryKind = EntryKind.NOTE,
        *,
        occurred_at: datetime | None = None,
    ) -> TimelineEntry:
        """Log a fact, decision, action, inbound message, statement or status change.

        ``occurred_at`` says when it happened, if earlier than now: the entry still takes its
        place (and its recorded time) at the end of the chain; the order of record never
        changes.
        """
        cleaned = validate_entry_text(text)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            # One read locks the incident, refuses a closed one and gives the chain head.
            head = timeline_repo.lock_head(session, incident_id, open_only=True)
            now = self._ctx.clock()
            data = None
            if occurred_at is not None:
                when = check_not_future(as_utc(occurred_at), now, "when it happened")
                data = {OCCURRED_AT: iso_utc(when)}
            entry = timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=kind,
                text=cleaned,
                author=actor,
                at=now,
                data=data,
                head=head,
            )
            changes.record(session, incident_id, Area.TIMELINE)
            return entry

    def correct(self, incident_id: int, entry_id: int, text: str, actor: str) -> TimelineEntry:
        """Add a correction of an earlier entry: a new entry pointing at it, same kind."""
        cleaned = validate_entry_text(text)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            incident_repo.get(session, incident_id).ensure_open()
            original = timeline_repo.entry(session, entry_id)
            if original.incident_id != incident_id:
                raise RuleViolation(f"entry {entry_id} belongs to another incident")
            entry = timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=original.kind,
                text=cleaned,
                author=actor,
                at=self._ctx.clock(),
                corrects_id=entry_id,
                data={"event": TimelineEvent.ENTRY_CORRECTED, "corrects_seq": original.seq},
            )
            changes.record(session, incident_id, Area.TIMELINE)
            return entry

    def entries(
        self,
        incident_id: int,
        *,
        after_seq: int = 0,
        before_seq: int | None = None,
        limit: int | None = None,
        newest_first: bool = False,
        kinds: Sequence[EntryKind] = (),
        search: str = "",
    ) -> list[TimelineEntry]:
        """Return a slice of the timeline (oldest first unless ``newest_first``).

        ``search`` keeps the entries matching those words (see :mod:`warroom.domain.search`).
        """
        query = parse_query(search) if search.strip() else None
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return _slice(
                session,
                incident_id,
                query,
                after_seq=after_seq,
                before_seq=before_seq,
                limit=limit,
                newest_first=newest_first,
                kinds=kinds,
            )

    def stream(
        self, incident_id: int, *, kinds: Sequence[EntryKind] = (), search: str = ""
    ) -> Iterator[TimelineEntry]:
        """Return the whole timeline (matching ``search``, if given), oldest first, as a
        stream read in one transaction: ``log list`` of a million entries prints its first
        line at once and holds one batch. An unknown incident is refused here, not at the
        first entry."""
        query = parse_query(search) if search.strip() else None
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
        return self._stream(incident_id, [kind.value for kind in kinds], query)

    def _stream(
        self, incident_id: int, kinds: list[str], query: SearchQuery | None
    ) -> Iterator[TimelineEntry]:
        with self._ctx.db.reading() as session:
            rows = search_repo.stream_entries(session, incident_id, query=query, kinds=kinds)
            with closing(rows):
                yield from rows

    def page(
        self,
        incident_id: int,
        *,
        limit: int,
        before_seq: int | None = None,
        kinds: Sequence[EntryKind] = (),
        search: str = "",
    ) -> TimelinePage:
        """Return the ``limit`` newest matching entries before ``before_seq`` (None: the
        newest), oldest first, with which of them are corrected: one read for the window."""
        query = parse_query(search) if search.strip() else None
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            newest = _slice(
                session,
                incident_id,
                query,
                before_seq=before_seq,
                limit=limit + 1,
                newest_first=True,
                kinds=kinds,
            )
            entries = tuple(reversed(newest[:limit]))
            corrected: set[int] = set()
            if entries:
                corrected = timeline_repo.corrected_ids(
                    session, incident_id, from_seq=entries[0].seq, before_seq=entries[-1].seq + 1
                )
        tail = max([incident.entry_count, *(e.seq for e in newest[:1])])
        return TimelinePage(entries, len(newest) > limit, tail, frozenset(corrected))

    def count_matches(
        self, incident_id: int, search: str, *, kinds: Sequence[EntryKind] = ()
    ) -> MatchCount:
        """Count the entries matching ``search`` (and ``kinds``) of how many the incident
        holds, in one read: the window's "N of M" (exact up to COUNT_MAX)."""
        query = parse_query(search)
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            matches = search_repo.count_incident_entries(
                session, incident_id, query=query, kinds=[kind.value for kind in kinds]
            )
        return MatchCount(matches=matches, entries=incident.entry_count)

    def entry_by_seq(self, incident_id: int, seq: int) -> TimelineEntry:
        """Return the entry numbered ``seq`` (#) in an incident."""
        with self._ctx.db.reading() as session:
            return timeline_repo.entry_by_seq(session, incident_id, seq)

    def verify(self, incident_id: int) -> ChainReport:
        """Recompute the whole hash chain of a live incident against what it recorded
        (streamed plain rows: constant memory at any length)."""
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            walk = RowWalk(incident_id)
            with closing(chain_read.rows(session, incident_id)) as rows:
                for row in rows:
                    if not walk.step(row):
                        break
        return walk.report(expected_count=incident.entry_count, expected_head=incident.head_hash)


def _slice(
    session: Session,
    incident_id: int,
    query: SearchQuery | None,
    *,
    after_seq: int = 0,
    before_seq: int | None = None,
    limit: int | None = None,
    newest_first: bool = False,
    kinds: Sequence[EntryKind] = (),
) -> list[TimelineEntry]:
    """Read a slice of the timeline: through the search index when there are words."""
    if query is not None:
        return search_repo.incident_entries(
            session,
            incident_id,
            query=query,
            kinds=[kind.value for kind in kinds],
            newest_first=newest_first,
            limit=limit,
            after_seq=after_seq,
            before_seq=before_seq,
        )
    return timeline_repo.entries(
        session,
        incident_id,
        after_seq=after_seq,
        before_seq=before_seq,
        limit=limit,
        newest_first=newest_first,
        kinds=kinds,
    )
