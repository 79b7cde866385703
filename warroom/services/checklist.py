"""Working the playbook checklist."""

from __future__ import annotations

from warroom.domain.changes import Area
from warroom.domain.checklist import ChecklistItem
from warroom.domain.errors import RuleViolation
from warroom.domain.people import Action
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, checklist_repo, incident_repo, timeline_repo


class ChecklistService:
    """Checklist items of incidents."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def items(self, incident_id: int) -> list[ChecklistItem]:
        """Return the incident's checklist in playbook order."""
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return checklist_repo.list_for_incident(session, incident_id)

    def done(self, incident_id: int, item_id: int, actor: str) -> ChecklistItem:
        """Tick an item and log who did it."""
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.CHECKLIST)
            # The lock makes a second person ticking the same item wait, then see it done.
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            item = checklist_repo.get(session, incident_id, item_id)
            if item.is_done:
                raise RuleViolation(f"checklist item {item_id} was already done by {item.done_by}")
            now = self._ctx.clock()
            done = checklist_repo.mark_done(session, item_id, actor, now)
            timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=EntryKind.ACTION,
                text=f"Checklist done ({done.phase.heading}): {done.text}",
                author=actor,
                at=now,
                data={"event": TimelineEvent.CHECKLIST_DONE, "item": item_id},
            )
            changes.record(session, incident_id, Area.CHECKLIST, Area.TIMELINE)
            return done
