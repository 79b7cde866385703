"""Changing an open incident's header: status, severity, cadence, hold window, times.

Each change is one transaction that writes the new values and one chained
``incident.updated`` entry (``data["set"]`` holds exactly what changed, in its exported
form), so ``warroom verify`` recomputes the header from the chain. A severity change moves
the quorum too: statements waiting for approval are judged again against the new number
(each such change is a ``statement.quorum`` entry). Correcting awareness moves the regulator
deadline and the due time of the step that notifies the regulator.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from warroom.domain.changes import Area
from warroom.domain.clock import as_utc
from warroom.domain.errors import RuleViolation
from warroom.domain.incidents import (
    Incident,
    IncidentStatus,
    Severity,
    cadence_of,
    parse_cadence,
    validate_hold_minutes,
    validate_times,
)
from warroom.domain.lifecycle import header_change, optional_note, require_reason
from warroom.domain.people import Action
from warroom.domain.statements import StatementState
from warroom.domain.timeline import EntryKind, TimelineEvent
from warroom.services.context import ServiceContext
from warroom.services.people import authorize
from warroom.storage import (
    changes,
    checklist_repo,
    incident_repo,
    reply_repo,
    statement_repo,
    timeline_repo,
)
from warroom.storage.database import Session

#: what a cadence argument may also say: back to the severity's cadence
CADENCE_DEFAULT_WORDS = ("default", "severity")


class LifecycleService:
    """Header changes of open incidents; every one is chained and needs MANAGE_INCIDENT."""

    def __init__(self, context: ServiceContext) -> None:
        self._ctx = context

    def set_status(
        self, incident_id: int, status: IncidentStatus | str, actor: str, *, note: str = ""
    ) -> Incident:
        """Move the incident to investigating, identified, monitoring or resolved."""
        new = status if isinstance(status, IncidentStatus) else IncidentStatus.parse(status)
        cleaned = optional_note(note)

        def text(before: Incident) -> str:
            said = f"Status: {before.status.value} -> {new.value}"
            return said + (f": {cleaned}" if cleaned else "")

        extra = {"note": cleaned} if cleaned else {}
        return self._change(incident_id, actor, {"status": new}, text, extra)

    def set_severity(
        self, incident_id: int, severity: Severity | int | str, actor: str, *, reason: str
    ) -> Incident:
        """Change the severity; the cadence and the quorum follow it from now on."""
        new = severity if isinstance(severity, Severity) else Severity.parse(severity)
        why = require_reason(reason, "a severity change")

        def text(before: Incident) -> str:
            after_cadence = cadence_of(new, before.cadence_minutes)
            cadence = (
                f"updates every {int(after_cadence.total_seconds() // 60)} min"
                if after_cadence
                else "no update cadence"
            )
            return f"Severity {before.severity.label} -> {new.label}: {why} ({cadence} from now)"

        return self._change(incident_id, actor, {"severity": new}, text, {"reason": why})

    def set_cadence(self, incident_id: int, cadence: str | int, actor: str) -> Incident:
        """Set the incident's own cadence in minutes, 'off', or 'default' (the severity's)."""
        words = str(cadence).strip().lower()
        minutes = None if words in CADENCE_DEFAULT_WORDS else parse_cadence(cadence)

        def text(before: Incident) -> str:
            if minutes is None:
                return f"Update cadence back to the {before.severity.label} default"
            if minutes == 0:
                return "Update cadence off"
            return f"Update cadence set to every {minutes} min"

        return self._change(incident_id, actor, {"cadence_minutes": minutes}, text)

    def set_hold(self, incident_id: int, minutes: int, actor: str) -> Incident:
        """Set how long a released statement may wait in the outbox before it is held."""
        value = validate_hold_minutes(minutes)
        return self._change(
            incident_id,
            actor,
            {"hold_minutes": value},
            lambda _before: (
                f"Hold window set to {value} min: a statement waiting longer "
                "in the outbox goes out only once a person confirms it"
            ),
        )

    def set_times(
        self,
        incident_id: int,
        actor: str,
        *,
        reason: str,
        began_at: datetime | None = None,
        aware_at: datetime | None = None,
    ) -> Incident:
        """Correct when the incident began and when the company became aware of it."""
        why = require_reason(reason, "a correction of the times")
        if began_at is None and aware_at is None:
            raise RuleViolation("give --began, --aware or both")
        values: dict[str, Any] = {}
        if began_at is not None:
            values["began_at"] = as_utc(began_at)
        if aware_at is not None:
            values["aware_at"] = as_utc(aware_at)

        def text(before: Incident) -> str:
            parts = [
                f"{label} {getattr(before, name):%Y-%m-%d %H:%M} -> {value:%Y-%m-%d %H:%M} UTC"
                for name, label, value in (
                    ("began_at", "began", values.get("began_at")),
                    ("aware_at", "aware", values.get("aware_at")),
                )
                if value is not None and value != getattr(before, name)
            ]
            return f"Times corrected ({'; '.join(parts)}): {why}"

        return self._change(incident_id, actor, values, text, {"reason": why})

    # -- one change ------------------------------------------------------------------------

    def _change(
        self,
        incident_id: int,
        actor: str,
        values: dict[str, Any],
        text: Any,
        extra: dict[str, Any] | None = None,
    ) -> Incident:
        with self._ctx.db.transaction() as session:
            authorize(session, actor, Action.MANAGE_INCIDENT)
            before = incident_repo.get(session, incident_id, for_update=True)
            before.ensure_open()
            now = self._ctx.clock()
            if "began_at" in values or "aware_at" in values:
                validate_times(
                    values.get("began_at", before.began_at),
                    values.get("aware_at", before.aware_at),
                    before.declared_at,
                    now,
                )
            changed = header_change({name: getattr(before, name) for name in values}, values)
            if not changed:
                raise RuleViolation(f"incident {incident_id} already has that; nothing changed")
            incident_repo.update_fields(session, incident_id, **_columns(values))
            timeline_repo.append(
                session,
                incident_id=incident_id,
                kind=EntryKind.STATUS,
                text=text(before),
                author=actor,
                at=now,
                data={"event": TimelineEvent.INCIDENT_UPDATED, "set": changed, **(extra or {})},
            )
            after = incident_repo.get(session, incident_id)
            areas = [Area.INCIDENT, Area.TIMELINE]
            if "aware_at" in changed:
                window, _label = incident_repo.regulator_deadline(session, incident_id)
                if window is not None:
                    checklist_repo.set_regulator_due(session, incident_id, after.aware_at + window)
                    areas.append(Area.CHECKLIST)
            if after.approvals_required != before.approvals_required and _requorum(
                session, after, actor, now
            ):
                areas.append(Area.STATEMENTS)
            changes.record(session, incident_id, *areas)
            return after


def _columns(values: dict[str, Any]) -> dict[str, Any]:
    """Return the values as the incident row stores them."""
    stored = dict(values)
    if "severity" in stored:
        stored["severity"] = int(stored["severity"])
    if "status" in stored:
        stored["status"] = IncidentStatus(stored["status"]).value
    return stored


def _requorum(session: Session, incident: Incident, actor: str, now: datetime) -> bool:
    """Judge statements waiting for approval against the new quorum; True if any moved.

    A statement approved under the old quorum that lacks approvals now goes back to review
    (it can be approved further); one in review that now has enough becomes approved.
    Replies to inbox items keep their own quorum.
    """
    moved = False
    required = incident.approvals_required
    for statement in statement_repo.list_for_incident(session, incident.id):
        if statement.state not in (StatementState.IN_REVIEW, StatementState.APPROVED):
            continue
        if reply_repo.link_for(session, statement.id) is not None:
            continue
        have = len(statement.valid_approvals)
        state = StatementState.APPROVED if have >= required else StatementState.IN_REVIEW
        if state is statement.state:
            continue
        updated = statement_repo.set_state(session, statement.id, state, now)
        timeline_repo.append(
            session,
            incident_id=incident.id,
            kind=EntryKind.STATEMENT,
            text=f"Statement #{statement.id} has {have} of {required} approval(s) now needed "
            f"({incident.severity.label}): {state.value.replace('_', ' ')}",
            author=actor,
            at=now,
            data={
                "event": TimelineEvent.STATEMENT_QUORUM,
                "statement": updated.id,
                "revision": updated.revision,
                "content_hash": updated.content_hash,
                "approvals": have,
                "required": required,
            },
        )
        moved = True
    return moved
