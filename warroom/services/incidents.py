"""Opening, listing and closing incidents."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from warroom.domain.chain_state import opening_data
from warroom.domain.changes import Area
from warroom.domain.clock import as_utc
from warroom.domain.incidents import (
    DEFAULT_HOLD_MINUTES,
    Incident,
    Severity,
    validate_approval_window,
    validate_approvals_override,
    validate_times,
    validate_title,
)
from warroom.domain.people import Action
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.services.playbooks import PlaybookCatalog
from warroom.storage import (
    changes,
    checklist_repo,
    incident_repo,
    outbox_repo,
    statement_repo,
    timeline_repo,
)

if TYPE_CHECKING:
    from warroom.domain.clocks import IncidentClocks, RegulatorDeadline
    from warroom.domain.lifecycle import OpenWork
    from warroom.storage.database import Session


def _open_work(session: Session, incident_id: int) -> OpenWork:
    from warroom.domain.lifecycle import open_work

    return open_work(
        statement_repo.list_for_incident(session, incident_id),
        outbox_repo.list_rows(session, incident_id=incident_id),
        checklist_repo.list_for_incident(session, incident_id),
    )


class IncidentService:
    """Incident lifecycle."""

    def __init__(self, context: ServiceContext, playbooks: PlaybookCatalog) -> None:
        self._ctx = context
        self._playbooks = playbooks

    def open(
        self,
        title: str,
        severity: Severity | int | str,
        actor: str,
        *,
        playbook_key: str | None = None,
        began_at: datetime | None = None,
        aware_at: datetime | None = None,
        declared_at: datetime | None = None,
        approvals_required: int | None = None,
    ) -> Incident:
        """Declare an incident; with a playbook, create its checklist and template drafts."""
        cleaned = validate_title(title)
        level = severity if isinstance(severity, Severity) else Severity.parse(severity)
        validate_approvals_override(approvals_required)
        now = self._ctx.clock()
        declared = as_utc(declared_at) if declared_at else now
        aware = as_utc(aware_at) if aware_at else declared
        began = as_utc(began_at) if began_at else aware
        validate_times(began, aware, declared, now)
        playbook = self._playbooks.get(playbook_key) if playbook_key else None
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.OPEN_INCIDENT)
            incident_id = incident_repo.add(
                session,
                title=cleaned,
                severity=level,
                playbook_key=playbook.key if playbook else None,
                began_at=began,
                aware_at=aware,
                declared_at=declared,
                created_by=actor,
                approvals_override=approvals_required,
                regulator_deadline=playbook.regulator_deadline if playbook else None,
                regulator_deadline_label=playbook.regulator_deadline_label if playbook else "",
                hold_minutes=DEFAULT_HOLD_MINUTES,
            )
            text = f"Incident opened: {cleaned} ({level.label})"
            if playbook:
                text += f", playbook {playbook.name}"
            timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=EntryKind.STATUS,
                text=text,
                author=actor,
                at=now,
                data=opening_data(
                    title=cleaned,
                    severity=level,
                    began_at=began,
                    aware_at=aware,
                    declared_at=declared,
                    approvals_override=approvals_required,
                    playbook_key=playbook.key if playbook else None,
                ),
            )
            if playbook:
                # Imported here: the drafting code is only needed to open with a playbook,
                # and 'incident list' shares this module (cold-start budget, issue 2).
                from warroom.services.statements import create_draft

                checklist_repo.add_from_playbook(
                    session,
                    incident_id,
                    playbook.items,
                    declared_at=declared,
                    aware_at=aware,
                    regulator_window=playbook.regulator_deadline,
                )
                for template in playbook.templates:
                    create_draft(
                        session,
                        incident_id=incident_id,
                        channel_names=list(template.channels) or ["email"],
                        subject=template.subject,
                        text=template.text,
                        actor=actor,
                        at=now,
                        template_key=template.key,
                        check_limits=False,
                    )
            areas = [Area.INCIDENT, Area.TIMELINE]
            if playbook:
                areas += [Area.CHECKLIST, Area.STATEMENTS]
            changes.record(session, incident_id, *areas)
            return incident_repo.get(session, incident_id)

    def all(self) -> list[Incident]:
        """Return every incident, open ones first."""
        with self._ctx.db.reading() as session:
            return incident_repo.list_all(session)

    def get(self, incident_id: int) -> Incident:
        """Return one incident or raise NotFoundError."""
        with self._ctx.db.reading() as session:
            return incident_repo.get(session, incident_id)

    def regulator(self, incident_id: int) -> RegulatorDeadline:
        """Return the regulator deadline, its rule, and when the regulator was notified.

        The notification time is when the playbook's "notify the regulator" step was ticked.
        """
        # Imported here: 'incident list' shares this module and needs no clocks (issue 2).
        from warroom.domain.clocks import regulator_deadline

        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            window, label = incident_repo.regulator_deadline(session, incident_id)
            items = checklist_repo.list_for_incident(session, incident_id)
        return regulator_deadline(incident, window, label, items)

    def open_work(self, incident_id: int) -> OpenWork:
        """Return what closing the incident would leave open (what Close… lists)."""
        with self._ctx.db.reading() as session:
            incident_repo.get(session, incident_id)
            return _open_work(session, incident_id)

    def close(self, incident_id: int, actor: str, *, anyway: str | None = None) -> Incident:
        """Close the incident: from now on it is read-only and every clock stops.

        Refused (:class:`OpenWorkError`, listing it) while work is open (deliveries not sent,
        statements in review, an open promise, unticked items), unless ``anyway`` gives the
        reason to close all the same; the open work is then recorded with the close.
        """
        from warroom.domain.lifecycle import OpenWorkError, require_reason

        reason = require_reason(anyway, "closing anyway") if anyway is not None else None
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.MANAGE_INCIDENT)
            incident = incident_repo.get(session, incident_id, for_update=True)
            incident.ensure_open()
            work = _open_work(session, incident_id)
            if not work.is_empty and reason is None:
                raise OpenWorkError(incident_id, work)
            now = self._ctx.clock()
            data: dict[str, object] = {"event": TimelineEvent.INCIDENT_CLOSED}
            text = f"Incident closed by {actor}"
            if not work.is_empty:
                data.update(anyway=reason, open=work.lines())
                text += f" with work still open ({work.summary()}): {reason}"
            timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=EntryKind.STATUS,
                text=text,
                author=actor,
                at=now,
                data=data,
            )
            incident_repo.close(session, incident_id, now)
            changes.record(session, incident_id, Area.INCIDENT, Area.TIMELINE)
            return incident_repo.get(session, incident_id)

    def clocks(self, incident_id: int) -> IncidentClocks:
        """Read every clock of the incident now (what ``warroom clocks`` and the export show)."""
        from warroom.domain.cadence import cadence_periods
        from warroom.domain.clocks import read_clocks, regulator_deadline

        with self._ctx.db.reading() as session:
            incident = incident_repo.get(session, incident_id)
            statements = statement_repo.list_for_incident(session, incident_id)
            deliveries = outbox_repo.list_rows(session, incident_id=incident_id)
            header = timeline_repo.header_entries(session, incident_id)
            window, label = incident_repo.regulator_deadline(session, incident_id)
            items = checklist_repo.list_for_incident(session, incident_id)
        return read_clocks(
            incident,
            statements,
            deliveries,
            cadence_periods(incident, header),
            regulator_deadline(incident, window, label, items),
            self._ctx.clock(),
        )

    def set_approval_window(self, incident_id: int, hours: float, actor: str) -> Incident:
        """Set how long an approval counts before release (a chained header change).

        Approvals already given count by the new window from now on: a shorter window may
        expire some at once (a release then asks for fresh approvals).
        """
        minutes = validate_approval_window(hours)
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.MANAGE_INCIDENT)
            incident = incident_repo.get(session, incident_id, for_update=True)
            incident.ensure_open()
            now = self._ctx.clock()
            shown = f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"
            timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=EntryKind.STATUS,
                text=f"Approval window set to {shown} by {actor}: an approval counts this long "
                "before its statement must be released",
                author=actor,
                at=now,
                data={
                    "event": TimelineEvent.INCIDENT_UPDATED,
                    "set": {"approval_window_minutes": minutes},
                },
            )
            incident_repo.update_fields(session, incident_id, approval_window_minutes=minutes)
            changes.record(session, incident_id, Area.INCIDENT, Area.STATEMENTS, Area.TIMELINE)
            return incident_repo.get(session, incident_id)

    def now(self) -> datetime:
        """Return the service clock's time (overdue checks, clocks)."""
        return self._ctx.clock()

    def today(self) -> date:
        """Return today's date by the service clock (for template staleness)."""
        return self._ctx.clock().date()
