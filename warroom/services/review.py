"""The post-incident review: metrics computed from the record, the inbox figures, and the
lessons learned."""

from __future__ import annotations

import hashlib

from warroom.domain.changes import Area
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.domain.review import Review, build_review, validate_lessons
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.export_log import inbox_figures
from warroom.services.people import authorize
from warroom.storage import (
    changes,
    checklist_repo,
    incident_repo,
    outbox_repo,
    statement_repo,
    timeline_repo,
)


class ReviewService:
    """Review metrics (read-only) and the editable lessons learned."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def review(self, incident_id: int) -> Review:
        """Compute the post-incident review of an incident as of now (or its close), with its
        inbox figures as the exports show them (one read)."""
        now = self._ctx.clock()
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            # Statement events (approvals) and header events (severity and cadence periods).
            events = timeline_repo.entries(
                session, incident_id, kinds=[EntryKind.STATEMENT, EntryKind.STATUS]
            )
            return build_review(
                incident,
                statement_repo.list_for_incident(session, incident_id),
                events,
                outbox_repo.list_rows(session, incident_id=incident_id),
                checklist_repo.list_for_incident(session, incident_id),
                now,
                inbox=inbox_figures(session, incident_id, now),
            )

    def set_lessons_learned(self, incident_id: int, text: str, actor: str) -> Incident:
        """Save the lessons learned; allowed after closing, logged while the incident is open.

        A closed incident's timeline is sealed, so an edit after closing changes only the
        lessons (which are not part of the hash chain).
        """
        cleaned = validate_lessons(text)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.MANAGE_INCIDENT)
            incident = incident_repo.get(session, incident_id, for_update=True)
            if cleaned == incident.lessons_learned:
                return incident
            incident_repo.update_fields(session, incident_id, lessons_learned=cleaned)
            if incident.is_open:
                digest = hashlib.sha256(cleaned.encode("utf-8")).hexdigest()
                what = "updated" if cleaned else "cleared"
                timeline_repo.append(
                    session,
                    incident_id=incident_id,
                    kind=EntryKind.NOTE,
                    text=f"Lessons learned {what} by {actor} ({len(cleaned)} characters)",
                    author=actor,
                    at=self._ctx.clock(),
                    data={"event": TimelineEvent.LESSONS_LEARNED, "text_hash": digest},
                )
            changes.record(session, incident_id, Area.INCIDENT, Area.TIMELINE)
            return incident_repo.get(session, incident_id)
