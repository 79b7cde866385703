"""Roles and who may manage people: the decided permission model, as pure rules."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from warroom.domain.errors import NotFoundError, RuleViolation, ValidationError
from warroom.domain.people import (
    PERMISSIONS,
    Action,
    NotPermittedError,
    Person,
    Role,
    allowed_actions,
    ensure_allowed,
    ensure_can_remove_person,
    ensure_can_set_person,
    refusal,
    validate_name,
)

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
STATEMENT_WORK = {Action.DRAFT, Action.RELEASE}


def person(name: str, role: Role) -> Person:
    return Person(name=name, role=role, added_by="alice", added_at=T0)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.LEAD, set(Action)),
        (Role.COMMS, {Action.LOG, Action.CHECKLIST, Action.DRAFT, Action.RELEASE}),
        (Role.APPROVER, {Action.LOG, Action.CHECKLIST, Action.APPROVE}),
        (Role.SCRIBE, {Action.LOG, Action.CHECKLIST}),
        (Role.VIEWER, set()),
    ],
)
def test_each_role_may_do_exactly_what_was_decided(role: Role, expected: set[Action]) -> None:
    assert set(PERMISSIONS[role]) == expected
    assert allowed_actions(role, enforcing=True) == expected


def test_only_approvers_and_leads_approve() -> None:
    assert [r for r in Role if Action.APPROVE in PERMISSIONS[r]] == [Role.LEAD, Role.APPROVER]


def test_without_people_everyone_may_do_everything() -> None:
    assert allowed_actions(None, enforcing=False) == set(Action)
    assert refusal("bob", None, Action.MANAGE_PEOPLE, enforcing=False) is None


def test_an_unregistered_actor_is_told_to_ask_a_lead() -> None:
    assert allowed_actions(None, enforcing=True) == frozenset()
    with pytest.raises(NotPermittedError) as refused:
        ensure_allowed("mallory", None, Action.LOG, enforcing=True)
    assert str(refused.value) == "mallory is not a member of this war room; ask a lead to add you"


def test_a_refusal_names_the_role_and_who_may() -> None:
    reason = refusal("vera", Role.VIEWER, Action.APPROVE, enforcing=True)
    assert reason == (
        "vera is a viewer and may not approve or reject statements (that needs: lead, approver)"
    )
    assert isinstance(NotPermittedError("x"), RuleViolation)  # CLI: exit 1, one line


def test_the_first_person_must_be_a_lead_and_anyone_may_add_them() -> None:
    ensure_can_set_person("alice", [], "alice", Role.LEAD)
    with pytest.raises(RuleViolation, match="the first person must be a lead"):
        ensure_can_set_person("alice", [], "alice", Role.COMMS)


def test_only_a_lead_manages_people() -> None:
    people = [person("alice", Role.LEAD), person("carl", Role.COMMS)]
    ensure_can_set_person("alice", people, "bob", Role.APPROVER)
    with pytest.raises(NotPermittedError, match="carl is a comms and may not manage people"):
        ensure_can_set_person("carl", people, "bob", Role.APPROVER)
    with pytest.raises(NotPermittedError, match="not a member"):
        ensure_can_set_person("zed", people, "zed", Role.LEAD)
    with pytest.raises(NotPermittedError):
        ensure_can_remove_person("carl", people, "alice")


def test_the_room_never_loses_its_last_lead() -> None:
    people = [person("alice", Role.LEAD), person("carl", Role.COMMS)]
    with pytest.raises(RuleViolation, match="alice is the last lead"):
        ensure_can_set_person("alice", people, "alice", Role.VIEWER)
    with pytest.raises(RuleViolation, match="alice is the last lead"):
        ensure_can_remove_person("alice", people, "alice")
    two_leads = [*people, person("dana", Role.LEAD)]
    ensure_can_set_person("alice", two_leads, "alice", Role.VIEWER)
    ensure_can_remove_person("dana", two_leads, "alice")
    ensure_can_remove_person("alice", [person("alice", Role.LEAD)], "alice")  # back to solo


def test_removing_someone_unknown_is_not_found() -> None:
    with pytest.raises(NotFoundError, match="zed is not a member"):
        ensure_can_remove_person("alice", [person("alice", Role.LEAD)], "zed")


def test_roles_and_names_are_checked() -> None:
    assert Role.parse(" Approver ") is Role.APPROVER
    with pytest.raises(ValidationError, match="unknown role 'boss'"):
        Role.parse("boss")
    assert validate_name("  alice ") == "alice"
    for bad in ("", "   ", "a" * 101, "al\nice"):
        with pytest.raises(ValidationError):
            validate_name(bad)
