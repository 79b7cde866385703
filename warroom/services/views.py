"""The window's read model: one incident, or the room's permissions, read in ONE session.

Panes used to assemble their views from three to six service calls each, every one its own
transaction, so two panes could show two different moments. :meth:`ViewService.incident`
reads the incident, its statements and deliveries, the channels, the checklist, the
regulator deadline and the people in one read-only transaction and judges every action for
the acting person; the playbook's templates come from the catalog's cache.
"""

from __future__ import annotations

from warroom.domain.cadence import cadence_periods
from warroom.domain.clocks import regulator_deadline
from warroom.domain.errors import WarRoomError
from warroom.domain.incident_view import IncidentView
from warroom.domain.permissions import Permissions
from warroom.domain.playbooks import StatementTemplate
from warroom.services.context import ServiceContext
from warroom.services.playbooks import PlaybookCatalog
from warroom.services.statements import required_approvals
from warroom.storage import (
    channel_repo,
    checklist_repo,
    incident_repo,
    outbox_repo,
    people_repo,
    statement_repo,
    timeline_repo,
)


class ViewService:
    """Frozen snapshots for the window (reads only)."""

    def __init__(self, context: ServiceContext, playbooks: PlaybookCatalog) -> None:
        self._ctx = context
        self._playbooks = playbooks

    def incident(self, incident_id: int, actor: str) -> IncidentView:
        """Return everything the window shows of ``incident_id`` for ``actor``."""
        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            statements = statement_repo.list_for_incident(session, incident_id)
            deliveries = outbox_repo.list_rows(session, incident_id=incident_id)
            channels = channel_repo.list_all(session)
            checklist = checklist_repo.list_for_incident(session, incident_id)
            window, label = incident_repo.regulator_deadline(session, incident_id)
            header = timeline_repo.header_entries(session, incident_id)
            people = people_repo.all_people(session)
            needed = {
                s.id: required
                for s in statements
                if (required := required_approvals(session, s, incident))
                != incident.approvals_required
            }
        templates, problem = self._templates(incident.playbook_key)
        return IncidentView.build(
            incident=incident,
            read_at=self._ctx.clock(),
            actor=actor,
            statements=tuple(statements),
            deliveries=tuple(deliveries),
            channels=tuple(channels),
            checklist=tuple(checklist),
            regulator=regulator_deadline(incident, window, label, checklist),
            people=tuple(people),
            templates=templates,
            template_problem=problem,
            approvals_needed=needed,
            periods=cadence_periods(incident, header),
        )

    def permissions(self, actor: str) -> Permissions:
        """Return what ``actor`` may do in the room (when no incident is shown)."""
        with self._ctx.db.reading() as session:
            people = people_repo.all_people(session)
        return Permissions.of(actor, people)

    def _templates(self, playbook_key: str | None) -> tuple[tuple[StatementTemplate, ...], str]:
        if not playbook_key:
            return (), ""
        try:
            return tuple(self._playbooks.get(playbook_key).templates), ""
        except WarRoomError as error:
            return (), f"templates unavailable: {error}"
