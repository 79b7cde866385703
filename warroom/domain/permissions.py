"""What the acting person may do now, and why not: one answer for every button.

The window enables each action from these refusals and shows the reason as the tooltip and
accessible description; the services refuse the same actions with the same rules
(``people.authorize`` and the workflow's ``ensure_*`` checks), so a disabled button and a
refused call always say the same thing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from warroom.domain.checklist import ChecklistItem
from warroom.domain.errors import WarRoomError
from warroom.domain.incidents import Incident
from warroom.domain.people import Action, Person, Role, refusal
from warroom.domain.release_rules import release_refusal_at
from warroom.domain.statements import (
    Statement,
    approval_refusal,
    ensure_can_reject,
    ensure_editable,
    ensure_submittable,
    release_refusal,
    validate_content,
)


@dataclass(frozen=True, slots=True)
class Permissions:
    """Who acts, their role in the room, and why each kind of change is refused to them."""

    actor: str
    role: Role | None = None
    enforcing: bool = False
    _refusals: tuple[tuple[Action, str | None], ...] = field(default=(), repr=False)

    @classmethod
    def of(cls, actor: str, people: Sequence[Person]) -> Permissions:
        """Return ``actor``'s permissions given everyone registered (none: no role checks)."""
        enforcing = bool(people)
        # Exact names, as people.authorize compares them: the button and the refusal agree.
        role = next((p.role for p in people if p.name == actor), None)
        refusals = tuple(
            (action, refusal(actor, role, action, enforcing=enforcing)) for action in Action
        )
        return cls(actor, role, enforcing, refusals)

    def refusal(self, action: Action) -> str | None:
        """Say why the actor may not do ``action`` (None: they may)."""
        return dict(self._refusals).get(action)

    def may(self, action: Action) -> bool:
        """Tell whether the actor may do ``action``."""
        return self.refusal(action) is None

    @property
    def membership(self) -> str:
        """Return what the register says of the actor ('' when roles are not enforced)."""
        if not self.enforcing:
            return ""
        return f"{self.role.value}, registered" if self.role else "not registered: read only"


@dataclass(frozen=True, slots=True)
class StatementRefusals:
    """Why each workflow action on one statement is refused now (None: allowed)."""

    edit: str | None = None
    submit: str | None = None
    approve: str | None = None
    reject: str | None = None
    release: str | None = None

    @classmethod
    def every(cls, reason: str) -> StatementRefusals:
        """Return the same refusal for every action."""
        return cls(reason, reason, reason, reason, reason)


def closed_refusal(incident: Incident) -> str | None:
    """Say that a closed incident is read-only (None while it is open)."""
    return None if incident.is_open else f"incident {incident.id} is closed and read-only"


def _rule(check: Callable[[], object]) -> str | None:
    try:
        check()
    except WarRoomError as error:
        return str(error)
    return None


def statement_refusals(
    incident: Incident,
    statement: Statement,
    permissions: Permissions,
    approvals_needed: int | None = None,
    now: datetime | None = None,
) -> StatementRefusals:
    """Return why the actor may not edit, submit, approve, reject or release ``statement``.

    ``approvals_needed`` is the statement's quorum when it is not the incident's; ``now``
    (when the view was read) judges whether its approvals have expired.

    The role comes first: a viewer is told they are a viewer, not that the draft still has
    placeholders.
    """
    closed = closed_refusal(incident)
    if closed:
        return StatementRefusals.every(closed)

    def submittable() -> None:
        ensure_submittable(statement)
        validate_content(
            statement.subject, statement.text, statement.channels, statement.edited_variants
        )

    draft = permissions.refusal(Action.DRAFT)
    approve = permissions.refusal(Action.APPROVE)
    required = incident.approvals_required if approvals_needed is None else approvals_needed
    release = (
        release_refusal(statement, required)
        if now is None
        else release_refusal_at(statement, required, now, incident.approval_window)
    )
    return StatementRefusals(
        edit=draft or _rule(lambda: ensure_editable(statement)),
        submit=draft or _rule(submittable),
        approve=approve or approval_refusal(statement, permissions.actor),
        reject=approve or _rule(lambda: ensure_can_reject(statement, "reason")),
        release=permissions.refusal(Action.RELEASE) or release,
    )


def tick_refusal(incident: Incident, item: ChecklistItem, permissions: Permissions) -> str | None:
    """Say why the actor may not tick ``item`` now (None: they may)."""
    if item.is_done:
        return f"already done by {item.done_by}"
    return closed_refusal(incident) or permissions.refusal(Action.CHECKLIST)
