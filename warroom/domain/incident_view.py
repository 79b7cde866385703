"""One incident as the window shows it: a frozen snapshot read in one transaction.

Every pane renders from the same :class:`IncidentView`, so the drafts pane, the checklist,
the clocks and the enabled state of every button agree with each other and with the moment
they were read. The timeline's entries are not part of it: they are read in pages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from warroom.domain.cadence import CadencePeriod, cadence_periods
from warroom.domain.channels import Channel
from warroom.domain.checklist import ChecklistItem
from warroom.domain.clocks import IncidentClocks, RegulatorDeadline, read_clocks
from warroom.domain.incidents import Incident
from warroom.domain.outbox import Delivery
from warroom.domain.people import Action, Person
from warroom.domain.permissions import (
    Permissions,
    StatementRefusals,
    closed_refusal,
    statement_refusals,
    tick_refusal,
)
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import Statement


@dataclass(frozen=True, slots=True)
class StatementView:
    """A statement, what the actor may do with it, and its deliveries once released."""

    statement: Statement
    refusals: StatementRefusals
    deliveries: tuple[Delivery, ...] = ()


@dataclass(frozen=True, slots=True)
class IncidentView:
    """Everything the window shows of one incident for one acting person."""

    incident: Incident
    #: when it was read, by the service clock (overdue marks, template dates, clocks)
    read_at: datetime
    permissions: Permissions
    statements: tuple[StatementView, ...]
    channels: tuple[Channel, ...]
    checklist: tuple[ChecklistItem, ...]
    regulator: RegulatorDeadline
    people: tuple[Person, ...]
    templates: tuple[StatementTemplate, ...] = ()
    #: why the playbook's templates could not be read ('' when they could)
    template_problem: str = ""
    #: the severities and cadences of the incident's life (for the cadence clock)
    periods: tuple[CadencePeriod, ...] = ()
    _by_id: Mapping[int, StatementView] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        *,
        incident: Incident,
        read_at: datetime,
        actor: str,
        statements: tuple[Statement, ...],
        deliveries: tuple[Delivery, ...],
        channels: tuple[Channel, ...],
        checklist: tuple[ChecklistItem, ...],
        regulator: RegulatorDeadline,
        people: tuple[Person, ...],
        templates: tuple[StatementTemplate, ...] = (),
        template_problem: str = "",
        approvals_needed: Mapping[int, int] | None = None,
        periods: tuple[CadencePeriod, ...] = (),
    ) -> IncidentView:
        """Assemble the view and judge every action for ``actor`` (no I/O).

        ``approvals_needed`` gives, by statement id, a quorum other than the incident's
        (a reply to an inbox item may need fewer approvals, or none).
        """
        needed = approvals_needed or {}
        permissions = Permissions.of(actor, people)
        by_statement: dict[int, list[Delivery]] = {}
        for row in deliveries:
            by_statement.setdefault(row.statement_id, []).append(row)
        views = tuple(
            StatementView(
                s,
                statement_refusals(incident, s, permissions, needed.get(s.id), read_at),
                tuple(by_statement.get(s.id, ())),
            )
            for s in statements
        )
        return cls(
            incident=incident,
            read_at=read_at,
            permissions=permissions,
            statements=views,
            channels=channels,
            checklist=checklist,
            regulator=regulator,
            people=people,
            templates=templates,
            template_problem=template_problem,
            periods=periods or cadence_periods(incident, ()),
            _by_id={v.statement.id: v for v in views},
        )

    @property
    def actor(self) -> str:
        """Return who the permissions were judged for."""
        return self.permissions.actor

    @property
    def today(self) -> date:
        """Return the date the view was read (template staleness)."""
        return self.read_at.date()

    @property
    def statement_list(self) -> tuple[Statement, ...]:
        """Return the statements, oldest first."""
        return tuple(v.statement for v in self.statements)

    @property
    def deliveries(self) -> tuple[Delivery, ...]:
        """Return every outbox row of the incident's statements."""
        return tuple(row for view in self.statements for row in view.deliveries)

    def clocks(self, now: datetime) -> IncidentClocks:
        """Read every clock at ``now`` from this view (no I/O: the clocks bar ticks on it)."""
        return read_clocks(
            self.incident,
            self.statement_list,
            self.deliveries,
            self.periods,
            self.regulator,
            now,
        )

    def statement(self, statement_id: int) -> StatementView | None:
        """Return the statement with that id, if the incident has it."""
        return self._by_id.get(statement_id)

    def refusal(self, action: Action) -> str | None:
        """Say why the actor may not do ``action`` in this incident (closed, or the role)."""
        if action is not Action.OPEN_INCIDENT:
            closed = closed_refusal(self.incident)
            if closed:
                return closed
        return self.permissions.refusal(action)

    def tick_refusal(self, item: ChecklistItem) -> str | None:
        """Say why the actor may not tick ``item``."""
        return tick_refusal(self.incident, item, self.permissions)
