"""Working the playbook checklist: ticking (and unticking), adding and assigning items.

Every change is one transaction with its timeline entry. Ticking the step that notifies the
regulator records *when the authority was notified* (``at``, default now): that time stops
the regulator clock, so it cannot lie in the future or before the company became aware.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.checklist import ChecklistItem, Phase, ensure_undoable, validate_item_text
from warroom.domain.clock import as_utc, iso_utc
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.lifecycle import check_not_future, require_reason
from warroom.domain.names import check_name, same_name
from warroom.domain.people import Action
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import changes, checklist_repo, incident_repo, people_repo, timeline_repo
from warroom.storage.database import Session

OWNER_ROLE_MAX = 100


class ChecklistService:
    """Checklist items of incidents."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def items(self, incident_id: int) -> list[ChecklistItem]:
        """Return the incident's checklist in playbook order."""
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return checklist_repo.list_for_incident(session, incident_id)

    def done(
        self, incident_id: int, item_id: int, actor: str, *, at: datetime | None = None
    ) -> ChecklistItem:
        """Tick an item and log who did it; ``at`` says when it was done (default now).

        For the step that notifies the regulator, ``at`` is when the authority was notified.
        """
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.CHECKLIST)
            # The lock makes a second person ticking the same item wait, then see it done.
            incident = incident_repo.get(session, incident_id, for_update=True)
            incident.ensure_open()
            item = checklist_repo.get(session, incident_id, item_id)
            if item.is_done:
                raise RuleViolation(f"checklist item {item_id} was already done by {item.done_by}")
            now = self._ctx.clock()
            when = check_not_future(as_utc(at), now, "that time") if at is not None else now
            data: dict[str, Any] = {"event": TimelineEvent.CHECKLIST_DONE, "item": item_id}
            text = f"Checklist done ({item.phase.heading}): {item.text}"
            if item.stops_regulator_clock:
                if when < incident.aware_at:
                    raise ValidationError(
                        "the authority cannot have been notified before the company became "
                        f"aware ({incident.aware_at:%Y-%m-%d %H:%M}Z)"
                    )
                data["notified_at"] = iso_utc(when)
                text += f"; regulator notified at {when:%Y-%m-%d %H:%M} UTC"
            elif at is not None:
                data["done_at"] = iso_utc(when)
                text += f" (done at {when:%Y-%m-%d %H:%M} UTC)"
            done = checklist_repo.mark_done(session, item_id, actor, when)
            self._log(session, incident_id, actor, now, text, data)
            return done

    def undo(self, incident_id: int, item_id: int, actor: str, *, reason: str) -> ChecklistItem:
        """Untick an item, with a reason; the timeline keeps the tick and the undo."""
        why = require_reason(reason, "unticking an item")
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.CHECKLIST)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            item = checklist_repo.get(session, incident_id, item_id)
            ensure_undoable(item)
            now = self._ctx.clock()
            undone = checklist_repo.mark_undone(session, item_id)
            text = f"Checklist item unticked ({item.phase.heading}): {item.text}: {why}"
            if item.stops_regulator_clock:
                text += "; the regulator clock runs again"
            data = {
                "event": TimelineEvent.CHECKLIST_UNDONE,
                "item": item_id,
                "reason": why,
                "was_done_by": item.done_by,
                "was_done_at": iso_utc(item.done_at) if item.done_at else None,
            }
            self._log(session, incident_id, actor, now, text, data)
            return undone

    def add(
        self,
        incident_id: int,
        text: str,
        actor: str,
        *,
        phase: Phase | str = Phase.ONGOING,
        due_at: datetime | None = None,
        owner_role: str = "",
    ) -> ChecklistItem:
        """Add an item during the incident (after the playbook's)."""
        cleaned = validate_item_text(text)
        chosen = phase if isinstance(phase, Phase) else Phase.parse(phase)
        owner = " ".join(owner_role.split())[:OWNER_ROLE_MAX]
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.CHECKLIST)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            now = self._ctx.clock()
            item = checklist_repo.add_item(
                session,
                incident_id,
                phase=chosen,
                text=cleaned,
                owner_role=owner,
                due_at=as_utc(due_at) if due_at is not None else None,
            )
            due = f", due {item.due_at:%Y-%m-%d %H:%M} UTC" if item.due_at else ""
            data = {
                "event": TimelineEvent.CHECKLIST_ADDED,
                "item": item.id,
                "phase": chosen.value,
                "due_at": iso_utc(item.due_at) if item.due_at else None,
            }
            self._log(
                session,
                incident_id,
                actor,
                now,
                f"Checklist item added ({chosen.heading}{due}): {cleaned}",
                data,
            )
            return item

    def assign(self, incident_id: int, item_id: int, person: str, actor: str) -> ChecklistItem:
        """Assign an item to a person (a registered one, when the room registers people)."""
        name = check_name(person, "the person")
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.CHECKLIST)
            incident_repo.get(session, incident_id, for_update=True).ensure_open()
            checklist_repo.get(session, incident_id, item_id)
            people = people_repo.all_people(session)
            if people:
                match = next((p for p in people if same_name(p.name, name)), None)
                if match is None:
                    raise ValidationError(f"{name} is not registered in this war room")
                name = match.name
            now = self._ctx.clock()
            item = checklist_repo.assign(session, item_id, name)
            self._log(
                session,
                incident_id,
                actor,
                now,
                f"Checklist item {item_id} assigned to {name}: {item.text}",
                {"event": TimelineEvent.CHECKLIST_ASSIGNED, "item": item_id, "assignee": name},
            )
            return item

    @staticmethod
    def _log(
        session: Session,
        incident_id: int,
        actor: str,
        at: datetime,
        text: str,
        data: dict[str, Any],
    ) -> None:
        timeline_repo.append(
            session,
            incident_id=incident_id,
            kind=EntryKind.ACTION,
            text=text,
            author=actor,
            at=at,
            data=data,
        )
        changes.record(session, incident_id, Area.CHECKLIST, Area.TIMELINE)
