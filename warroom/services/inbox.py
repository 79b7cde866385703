"""The triage inbox: list, show, triage, attach to incidents, track terms, and the stats.

Answers in-thread live in :mod:`warroom.services.inbox_replies`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from warroom.domain.changes import Area
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.inbox import (
    InboxFilter,
    InboxItem,
    InboxState,
    check_priority,
    check_query,
    check_tag,
)
from warroom.domain.inbox_paging import InboxPage, InboxRange, PageKey
from warroom.domain.inbox_stats import InboxStats, bucket_seconds, compute_stats
from warroom.domain.names import check_name
from warroom.domain.people import Action
from warroom.domain.statements import Statement
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.inbox_attach import attach_item, match_terms
from warroom.services.people import authorize
from warroom.storage import (
    changes,
    inbox_page_repo,
    inbox_repo,
    inbox_stats_repo,
    incident_repo,
    reply_repo,
    statement_repo,
)
from warroom.storage.database import Session
from warroom.storage.timeline_repo import append

BULK_MAX = 10_000
#: A refresh of the part of the list already read sends at most this many items.
FRESH_MAX = 500


class InboxService:
    """Every method is one transaction (or one read) and returns domain objects."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    # --- reading --------------------------------------------------------------------------

    def items(
        self, filters: InboxFilter | None = None, *, limit: int | None = 200, offset: int = 0
    ) -> list[InboxItem]:
        """Return the items that pass ``filters``, newest first."""
        with self._ctx.db.reading() as session:
            if filters is not None and filters.incident_id is not None:
                incident_repo.get(session, filters.incident_id)
            return inbox_repo.list_items(
                session, filters or InboxFilter(), limit=limit, offset=offset
            )

    def page(
        self, filters: InboxFilter | None = None, *, after: PageKey | None = None, limit: int = 100
    ) -> InboxPage:
        """Return up to ``limit`` items that pass ``filters``, newest first, after ``after``."""
        with self._ctx.db.reading() as session:
            items, more = inbox_page_repo.page(
                session, filters or InboxFilter(), after=after, limit=limit
            )
        return InboxPage(tuple(items), more)

    def since(
        self,
        filters: InboxFilter | None,
        *,
        down_to: PageKey | None,
        known: Mapping[int, int],
        fresh_max: int = FRESH_MAX,
    ) -> InboxRange:
        """Return the list down to ``down_to`` (None: all of it) as it is now, with the items
        that are new or changed since the versions in ``known`` (item id -> version)."""
        wanted = filters or InboxFilter()
        with self._ctx.db.reading() as session:
            order = inbox_page_repo.versions(session, wanted, down_to=down_to)
            total = len(order) if down_to is None else inbox_repo.count(session, wanted)
            ids = tuple(item_id for item_id, _version in order)
            stale = [item_id for item_id, version in order if known.get(item_id) != version]
            if len(stale) > fresh_max:
                return InboxRange(ids, {}, total, overflow=True)
            fresh = inbox_page_repo.by_ids(session, stale) if stale else {}
        return InboxRange(ids, fresh, total)

    def count(self, filters: InboxFilter | None = None) -> int:
        """Return how many items pass ``filters``."""
        with self._ctx.db.reading() as session:
            return inbox_repo.count(session, filters or InboxFilter())

    def get(self, item_id: int) -> InboxItem:
        """Return one item or raise NotFoundError."""
        with self._ctx.db.reading() as session:
            return inbox_repo.get(session, item_id)

    def replies(self, item_id: int) -> list[Statement]:
        """Return the statements that answer an item, oldest first."""
        with self._ctx.db.reading() as session:
            inbox_repo.get(session, item_id)
            ids = reply_repo.statements_for_item(session, item_id)
            return [statement_repo.get(session, statement_id) for statement_id in ids]

    def stats(self, *, incident_id: int | None = None, bucket: str = "15m") -> InboxStats:
        """Return volume, negative share, spikes, response times and waiting items."""
        width = bucket_seconds(bucket)
        with self._ctx.db.reading() as session:
            if incident_id is not None:
                incident_repo.get(session, incident_id)
            counts = inbox_stats_repo.volume(session, incident_id, width)
            delays = inbox_stats_repo.response_delays(session, incident_id)
            waiting, oldest = inbox_stats_repo.waiting(session, incident_id)
        return compute_stats(
            incident_id=incident_id,
            bucket=bucket,
            now=self._ctx.clock(),
            counts=counts,
            responses=delays,
            waiting=waiting,
            oldest_waiting_since=oldest,
        )

    # --- triage ---------------------------------------------------------------------------

    def triage(
        self,
        item_id: int,
        actor: str,
        *,
        state: InboxState | None = None,
        priority: int | None = None,
        assign: str | None = None,
        tags: Sequence[str] = (),
    ) -> InboxItem:
        """Set an item's state, priority (a person's decision), assignee or tags."""
        if state is None and priority is None and assign is None and not tags:
            raise ValidationError("say what to change: --state, --priority, --assign or --tag")
        if priority is not None:
            check_priority(priority)
        assignee = check_name(assign, "an assignee") if assign else None
        cleaned_tags = [check_tag(tag) for tag in tags]
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            current = inbox_repo.get(session, item_id, for_update=True)
            merged = list(dict.fromkeys([*current.tags, *cleaned_tags])) if tags else None
            if merged is not None and len(merged) > 20:
                raise ValidationError("an item holds at most 20 tags")
            now = self._ctx.clock()
            item = inbox_repo.update(
                session,
                item_id,
                state=state,
                priority=priority,
                assignee=assignee,
                tags=merged,
                responded_at=now if state is InboxState.REPLIED else None,
            )
            if item.incident_id is not None:
                _log_triage(session, item, current, actor, now)
                changes.record(session, item.incident_id, Area.INBOX, Area.TIMELINE)
            else:
                changes.record(session, None, Area.INBOX)
            return item

    def attach(self, item_id: int, incident_id: int, actor: str) -> InboxItem:
        """Link an item to an incident; its timeline gets an ``inbound`` entry quoting it."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            item = inbox_repo.get(session, item_id, for_update=True)
            if item.incident_id == incident_id:
                raise RuleViolation(
                    f"inbox item {item_id} is already attached to incident {incident_id}"
                )
            if item.incident_id is not None:
                raise RuleViolation(
                    f"inbox item {item_id} is attached to incident {item.incident_id}; an item "
                    "belongs to one incident"
                )
            attached = attach_item(session, item, incident_id, actor=actor, at=self._ctx.clock())
            changes.record(session, incident_id, Area.INBOX, Area.TIMELINE)
            return attached

    def attach_matching(self, query: str, incident_id: int, actor: str) -> list[InboxItem]:
        """Attach every unattached item whose text contains ``query`` (any case)."""
        text = check_query(query)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            items = inbox_repo.unattached_containing(session, text, limit=BULK_MAX)
            now = self._ctx.clock()
            attached = [
                attach_item(session, item, incident_id, actor=actor, at=now) for item in items
            ]
            if attached:
                changes.record(session, incident_id, Area.INBOX, Area.TIMELINE)
            return attached

    # --- tracked terms --------------------------------------------------------------------

    def terms(self, incident_id: int) -> list[str]:
        """Return an incident's tracked terms."""
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return inbox_repo.terms(session, incident_id)

    def track(self, incident_id: int, term: str, actor: str) -> list[InboxItem]:
        """Track ``term``: new matching items attach automatically, and so do waiting ones.

        Returns the unattached items already in the inbox that matched and were attached.
        """
        cleaned = check_query(term)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            now = self._ctx.clock()
            if not inbox_repo.add_term(session, incident_id, cleaned, actor, now):
                raise RuleViolation(f"incident {incident_id} already tracks {cleaned!r}")
            append(
                session,
                incident_id=incident_id,
                kind=EntryKind.ACTION,
                text=f"Tracking {cleaned!r}: matching inbound items are attached automatically",
                author=actor,
                at=now,
                data={"event": TimelineEvent.INBOUND_TRACKED, "term": cleaned},
            )
            attached = []
            for item in inbox_repo.unattached_containing(session, cleaned.lstrip("#@")):
                if match_terms(item, [(incident_id, cleaned)]) is not None:
                    attached.append(
                        attach_item(session, item, incident_id, actor=actor, at=now, term=cleaned)
                    )
            changes.record(session, incident_id, Area.INBOX, Area.TIMELINE)
            return attached

    def untrack(self, incident_id: int, term: str, actor: str) -> None:
        """Stop tracking ``term`` (items attached so far stay attached)."""
        cleaned = check_query(term)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.LOG)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            if not inbox_repo.remove_term(session, incident_id, cleaned):
                raise RuleViolation(f"incident {incident_id} does not track {cleaned!r}")
            append(
                session,
                incident_id=incident_id,
                kind=EntryKind.ACTION,
                text=f"Stopped tracking {cleaned!r}",
                author=actor,
                at=self._ctx.clock(),
                data={"event": TimelineEvent.INBOUND_UNTRACKED, "term": cleaned},
            )
            changes.record(session, incident_id, Area.TIMELINE)


def _log_triage(
    session: Session, item: InboxItem, before: InboxItem, actor: str, at: datetime
) -> None:
    changed = []
    if item.state is not before.state:
        changed.append(f"state {item.state.value}")
    if item.priority != before.priority and item.priority is not None:
        changed.append(f"priority {item.priority} (suggested {item.suggestion.priority})")
    if item.assignee != before.assignee:
        changed.append(f"assigned to {item.assignee}")
    if item.tags != before.tags:
        changed.append("tags " + ", ".join(item.tags))
    if not changed or item.incident_id is None:
        return
    append(
        session,
        incident_id=item.incident_id,
        kind=EntryKind.INBOUND,
        text=f"Inbound item #{item.id} triaged by {actor}: " + "; ".join(changed),
        author=actor,
        at=at,
        data={
            "event": TimelineEvent.INBOUND_TRIAGED,
            "item": item.id,
            "state": item.state.value,
            "priority": item.priority,
            "suggested_priority": item.suggestion.priority,
            "assignee": item.assignee,
            "tags": list(item.tags),
        },
    )
