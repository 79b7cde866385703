"""People of the war room and what each role may do: pure rules, no storage.

Roles (decided model):

- lead: everything (open/close incidents, manage people, approve, release...);
- comms: log entries, checklist, draft/edit/submit/release statements;
- approver: log entries, checklist, approve/reject statements;
- scribe: log entries, checklist;
- viewer: read only.

Enforcement starts once at least one person is registered, so a single-user database works
as before. From then on an unregistered actor may read but not change anything. Only a lead
adds, changes or removes people, except the very first person, who must be a lead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.names import check_name, name_key, same_name

NAME_MAX_CHARS = 100


class Role(StrEnum):
    """What a person does in the room."""

    LEAD = "lead"
    COMMS = "comms"
    APPROVER = "approver"
    SCRIBE = "scribe"
    VIEWER = "viewer"

    @classmethod
    def parse(cls, value: str) -> Role:
        """Return the role named ``value`` (any case) or raise ValidationError."""
        try:
            return cls(value.strip().lower())
        except ValueError:
            names = ", ".join(role.value for role in cls)
            raise ValidationError(f"unknown role {value!r} (use one of: {names})") from None


class Action(StrEnum):
    """A kind of change someone asks for; reading is always allowed."""

    OPEN_INCIDENT = "open incidents"
    MANAGE_INCIDENT = "close or change incidents"
    LOG = "log timeline entries"
    CHECKLIST = "work the checklist"
    DRAFT = "draft, edit and submit statements"
    APPROVE = "approve or reject statements"
    RELEASE = "release statements"
    MANAGE_CHANNELS = "set up channels"
    MANAGE_PEOPLE = "manage people"


_EVERYDAY = frozenset({Action.LOG, Action.CHECKLIST})

PERMISSIONS: dict[Role, frozenset[Action]] = {
    Role.LEAD: frozenset(Action),
    Role.COMMS: _EVERYDAY | {Action.DRAFT, Action.RELEASE},
    Role.APPROVER: _EVERYDAY | {Action.APPROVE},
    Role.SCRIBE: _EVERYDAY,
    Role.VIEWER: frozenset(),
}


class NotPermittedError(RuleViolation):
    """The actor's role (or lack of one) does not allow the action."""


@dataclass(frozen=True)
class Person:
    """Someone registered in the war room, under the name they act as (``--as``).

    ``login`` is their own database login role in team mode ('' without one);
    ``fingerprint`` names their current signing key ('' before their first signature).
    """

    name: str
    role: Role
    added_by: str
    added_at: datetime
    login: str = ""
    fingerprint: str = ""


def validate_name(name: str) -> str:
    """Return the cleaned name or raise ValidationError."""
    if not name.strip():
        raise ValidationError("a person needs a name")
    cleaned = check_name(name, "a person's name")
    if len(cleaned) > NAME_MAX_CHARS:
        raise ValidationError(f"a name is at most {NAME_MAX_CHARS} characters")
    return cleaned


def find_person(people: Sequence[Person], name: str) -> Person | None:
    """Return the registered person whose name is ``name`` as a name (any case, any form)."""
    key = name_key(name)
    return next((p for p in people if name_key(p.name) == key), None)


def ensure_new_name(people: Sequence[Person], name: str) -> None:
    """Refuse a name that is another spelling of someone registered ('Priya' beside 'priya')."""
    twin = find_person(people, name)
    if twin is not None and twin.name != name:
        raise RuleViolation(
            f"{name!r} is the same name as {twin.name!r}, who is already registered; "
            f"use 'warroom person add {twin.name} --role ...' to change their role"
        )


def allowed_actions(role: Role | None, *, enforcing: bool) -> frozenset[Action]:
    """Return what someone with ``role`` (None: unregistered) may do."""
    if not enforcing:
        return frozenset(Action)
    if role is None:
        return frozenset()
    return PERMISSIONS[role]


def refusal(actor: str, role: Role | None, action: Action, *, enforcing: bool) -> str | None:
    """Say why ``actor`` may not do ``action`` (None if they may), for errors and tooltips."""
    if action in allowed_actions(role, enforcing=enforcing):
        return None
    if role is None:
        return f"{actor} is not a member of this war room; ask a lead to add you"
    holders = ", ".join(r.value for r in Role if action in PERMISSIONS[r])
    article = "an" if role.value[0] in "aeiou" else "a"
    return f"{actor} is {article} {role.value} and may not {action.value} (that needs: {holders})"


def ensure_allowed(actor: str, role: Role | None, action: Action, *, enforcing: bool) -> None:
    """Raise NotPermittedError unless ``actor`` may do ``action``."""
    reason = refusal(actor, role, action, enforcing=enforcing)
    if reason:
        raise NotPermittedError(reason)


def _leads_after(people: Sequence[Person], name: str, new_role: Role | None) -> int:
    roles = {name_key(p.name): p.role for p in people}
    if new_role is None:
        roles.pop(name_key(name), None)
    else:
        roles[name_key(name)] = new_role
    return sum(1 for role in roles.values() if role is Role.LEAD)


def ensure_can_set_person(actor: str, people: Sequence[Person], name: str, role: Role) -> None:
    """Check that ``actor`` may add ``name`` with ``role`` or change them to it.

    The very first person must be a lead (anyone may add them: that is how a room starts);
    after that only leads manage people, and the room never loses its last lead.
    """
    if not people:
        if role is not Role.LEAD:
            raise RuleViolation(
                f"the first person must be a lead (warroom person add {name} --role lead)"
            )
        return
    ensure_new_name(people, name)
    actor_role = next((p.role for p in people if same_name(p.name, actor)), None)
    ensure_allowed(actor, actor_role, Action.MANAGE_PEOPLE, enforcing=True)
    if _leads_after(people, name, role) == 0:
        raise RuleViolation(f"{name} is the last lead; make someone else a lead first")


def ensure_can_remove_person(actor: str, people: Sequence[Person], name: str) -> None:
    """Check that ``actor`` may remove ``name`` (a lead; never the last lead of a team)."""
    if find_person(people, name) is None:
        raise NotFoundError(f"{name} is not a member of this war room")
    actor_role = next((p.role for p in people if same_name(p.name, actor)), None)
    ensure_allowed(actor, actor_role, Action.MANAGE_PEOPLE, enforcing=True)
    remaining = [p for p in people if not same_name(p.name, name)]
    if remaining and _leads_after(people, name, None) == 0:
        raise RuleViolation(f"{name} is the last lead; make someone else a lead first")
