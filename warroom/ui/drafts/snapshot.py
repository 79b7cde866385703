"""What the drafts pane shows, read in one background call.

:func:`load_snapshot` runs on the task runner's pool: it reads the incident, its statements,
the channels and the playbook templates, and asks the services why each workflow action is
refused for the acting person, so the GUI thread only paints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from warroom.domain.channels import Channel
from warroom.domain.errors import WarRoomError
from warroom.domain.incidents import Incident
from warroom.domain.outbox import OutboxRow
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import (
    Statement,
    ensure_can_reject,
    ensure_editable,
    ensure_submittable,
    release_refusal,
    validate_content,
)
from warroom.services import Services


@dataclass(frozen=True)
class Refusals:
    """Why each action on one statement is refused now (None: allowed)."""

    edit: str | None = None
    submit: str | None = None
    approve: str | None = None
    reject: str | None = None
    release: str | None = None


@dataclass(frozen=True)
class DraftsSnapshot:
    """The incident's statements and everything needed to draw and judge them."""

    incident: Incident
    actor: str
    statements: tuple[Statement, ...]
    channels: tuple[Channel, ...]
    templates: tuple[StatementTemplate, ...]
    today: date
    refusals: dict[int, Refusals] = field(default_factory=dict)
    template_problem: str = ""
    #: Released statements' outbox rows by statement id (delivery failures are shown).
    deliveries: dict[int, tuple[OutboxRow, ...]] = field(default_factory=dict)

    def statement(self, statement_id: int) -> Statement | None:
        """Return the statement with that id, if the incident has it."""
        return next((s for s in self.statements if s.id == statement_id), None)


def _refusal(check: object) -> str | None:
    try:
        check()  # type: ignore[operator]
    except WarRoomError as error:
        return str(error)
    return None


def refusals_for(
    services: Services, incident: Incident, statement: Statement, actor: str
) -> Refusals:
    """Ask the rules why ``actor`` may not edit, submit, approve, reject or release now."""
    if not incident.is_open:
        closed = f"incident {incident.id} is closed and read-only"
        return Refusals(closed, closed, closed, closed, closed)

    def submittable() -> None:
        ensure_submittable(statement)
        validate_content(statement.subject, statement.text, statement.channels)

    return Refusals(
        edit=_refusal(lambda: ensure_editable(statement)),
        submit=_refusal(submittable),
        approve=services.statements.approval_refusal(statement, actor),
        reject=_refusal(lambda: ensure_can_reject(statement, "reason")),
        # The domain rule with the incident already read: one query per refresh, not one per
        # statement (services.statements.release_refusal re-reads the incident each time).
        release=release_refusal(statement, incident.approvals_required),
    )


def load_snapshot(services: Services, incident_id: int, actor: str) -> DraftsSnapshot:
    """Read everything the drafts pane shows for ``incident_id`` (runs off the GUI thread)."""
    incident = services.incidents.get(incident_id)
    statements = services.statements.for_incident(incident_id)
    channels = services.channels.all()
    problem = ""
    try:
        templates = services.statements.templates(incident_id)
    except WarRoomError as error:
        templates, problem = [], f"templates unavailable: {error}"
    refusals = {s.id: refusals_for(services, incident, s, actor) for s in statements}
    deliveries: dict[int, list[OutboxRow]] = {}
    for row in services.channels.outbox(incident_id=incident_id):
        deliveries.setdefault(row.statement_id, []).append(row)
    return DraftsSnapshot(
        incident=incident,
        actor=actor,
        statements=tuple(statements),
        channels=tuple(channels),
        templates=tuple(templates),
        today=services.incidents.today(),
        refusals=refusals,
        template_problem=problem,
        deliveries={k: tuple(v) for k, v in deliveries.items()},
    )
