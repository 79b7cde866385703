"""People and roles through the services and the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.people import Action, NotPermittedError, Role
from warroom.domain.statements import StatementState
from warroom.services import Services

pytestmark = pytest.mark.both_databases

RunCli = Any


@pytest.fixture
def team(services: Services) -> Services:
    """A room with one person of each role; alice (lead) bootstraps it."""
    services.people.put("alice", "lead", "alice")
    for name, role in (
        ("carl", "comms"),
        ("ada", "approver"),
        ("sam", "scribe"),
        ("vic", "viewer"),
    ):
        services.people.put(name, role, "alice")
    services.people.put("abe", Role.APPROVER, "alice")
    return services


def test_without_people_nothing_is_checked(services: Services) -> None:
    assert not services.people.enforcing()
    assert all(services.views.permissions("anyone").may(action) for action in Action)
    incident = services.incidents.open("Outage", 3, "anyone")
    services.timeline.add(incident.id, "works as before", "someone else")


def test_the_first_person_must_be_a_lead(services: Services) -> None:
    with pytest.raises(RuleViolation, match="the first person must be a lead"):
        services.people.put("carl", "comms", "carl")
    assert services.people.all() == []
    alice = services.people.put("alice", "lead", "alice")
    assert alice.role is Role.LEAD and services.people.enforcing()


def test_an_unregistered_actor_reads_but_changes_nothing(team: Services) -> None:
    incident = team.incidents.open("Outage", 3, "alice")
    seen = team.changes.latest()
    message = "mallory is not a member of this war room; ask a lead to add you"
    attempts: list[Callable[[], object]] = [
        lambda: team.incidents.open("Mine", 3, "mallory"),
        lambda: team.timeline.add(incident.id, "hello", "mallory"),
        lambda: team.statements.draft(incident.id, ["email"], "text", "mallory", subject="Update"),
        lambda: team.incidents.close(incident.id, "mallory", anyway="wrapping up the test"),
        lambda: team.people.put("mallory", "lead", "mallory"),
    ]
    for attempt in attempts:
        with pytest.raises(NotPermittedError) as refused:
            attempt()
        assert message in str(refused.value)
    assert len(team.timeline.entries(incident.id)) == 1  # reading works
    assert [i.title for i in team.incidents.all()] == ["Outage"]
    assert team.changes.latest() == seen  # and nothing was written


def test_each_role_through_the_statement_workflow(team: Services) -> None:
    incident = team.incidents.open("Data breach", 3, "alice")
    with pytest.raises(NotPermittedError, match="ada is an approver and may not draft"):
        team.statements.draft(
            incident.id, ["email"], "We are investigating.", "ada", subject="Update"
        )
    draft = team.statements.draft(
        incident.id, ["email"], "We are investigating.", "carl", subject="Update"
    )
    draft = team.statements.edit(draft.id, "carl", text="We are on it.", expected_version=1)
    team.statements.submit(draft.id, "carl")
    for outsider in ("carl", "sam", "vic"):
        with pytest.raises(NotPermittedError, match=f"{outsider} is an? .* may not approve"):
            team.statements.approve(draft.id, outsider)
    with pytest.raises(NotPermittedError):
        team.statements.reject(draft.id, "carl", "no")
    approved = team.statements.approve(draft.id, "ada")
    assert approved.state is StatementState.APPROVED
    for outsider in ("ada", "sam", "vic"):
        with pytest.raises(NotPermittedError, match="may not release"):
            team.statements.release(draft.id, outsider)
    assert team.statements.release(draft.id, "carl").state is StatementState.RELEASED


def test_the_author_still_cannot_approve_their_own_statement(team: Services) -> None:
    incident = team.incidents.open("Outage", 3, "alice")
    draft = team.statements.draft(incident.id, ["email"], "Update.", "alice", subject="Update")
    team.statements.submit(draft.id, "alice")
    with pytest.raises(RuleViolation) as refused:
        team.statements.approve(draft.id, "alice")  # a lead may approve, but not their own
    assert not isinstance(refused.value, NotPermittedError)
    assert team.statements.approve(draft.id, "ada").state is StatementState.APPROVED


def test_scribes_log_and_tick_viewers_only_read(team: Services) -> None:
    incident = team.incidents.open("Outage", 3, "alice", playbook_key="service-outage")
    item = team.checklist.items(incident.id)[0]
    team.timeline.add(incident.id, "Error rate 4%", "sam")
    team.checklist.done(incident.id, item.id, "sam")
    with pytest.raises(NotPermittedError, match="sam is a scribe and may not close"):
        team.incidents.close(incident.id, "sam", anyway="wrapping up the test")
    with pytest.raises(NotPermittedError, match="sam is a scribe and may not open"):
        team.incidents.open("Another", 3, "sam")
    for change in (
        lambda: team.timeline.add(incident.id, "x", "vic"),
        lambda: team.checklist.done(incident.id, team.checklist.items(incident.id)[1].id, "vic"),
    ):
        with pytest.raises(NotPermittedError, match="vic is a viewer"):
            change()
    assert not any(team.views.permissions("vic").may(action) for action in Action)
    assert team.people.refusal("vic", Action.LOG) is not None
    assert team.people.refusal("sam", Action.LOG) is None
    team.incidents.close(incident.id, "alice", anyway="wrapping up the test")


def test_only_a_lead_manages_people_and_changes_apply_at_once(
    team: Services, caplog: pytest.LogCaptureFixture
) -> None:
    incident = team.incidents.open("Outage", 3, "alice")
    with pytest.raises(NotPermittedError, match="carl is a comms and may not manage people"):
        team.people.put("eve", "lead", "carl")
    with caplog.at_level(logging.INFO, logger="warroom.services.people"):
        team.people.put("vic", "scribe", "alice")
        team.people.remove("sam", "alice")
    assert "alice changed vic from viewer to scribe" in caplog.text
    assert "alice removed sam (scribe)" in caplog.text
    team.timeline.add(incident.id, "now I can log", "vic")
    with pytest.raises(NotPermittedError, match="sam is not a member"):
        team.timeline.add(incident.id, "gone", "sam")
    with pytest.raises(RuleViolation, match="alice is the last lead"):
        team.people.put("alice", "viewer", "alice")
    events = [e.data.get("event") for e in team.timeline.entries(incident.id)]
    assert not [e for e in events if e and "person" in str(e)]  # people are not incident events
    assert {p.name: p.role.value for p in team.people.all()} == {
        "abe": "approver",
        "ada": "approver",
        "alice": "lead",
        "carl": "comms",
        "vic": "scribe",
    }
    with pytest.raises(ValidationError, match="unknown role"):
        team.people.put("x", "boss", "alice")


def one_line_error(result: Any, code: int, fragment: str) -> None:
    assert result.code == code, (result.out, result.err)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.err
    assert fragment in lines[0], lines[0]


def test_people_from_the_command_line(run_cli: RunCli) -> None:
    listing = run_cli("person", "list")
    assert listing.code == 0 and "no people registered" in listing.out
    one_line_error(
        run_cli("person", "add", "bob", "--role", "comms"), 1, "first person must be a lead"
    )
    one_line_error(run_cli("person", "add", "bob", "--role", "boss"), 2, "role must be one of")
    added = run_cli("person", "add", "alice", "--role", "lead", "--json")
    assert added.code == 0, added.err
    assert added.json() == {
        "name": "alice",
        "role": "lead",
        "added_by": "alice",
        "added_at": added.json()["added_at"],
        "login": None,
        "key": None,
    }
    assert run_cli("person", "add", "vic", "--role", "viewer").code == 0
    assert run_cli("person", "add", "sam", "--role", "scribe", "--json").code == 0
    people = run_cli("person", "list", "--json").json()
    assert [(p["name"], p["role"]) for p in people] == [
        ("alice", "lead"),
        ("sam", "scribe"),
        ("vic", "viewer"),
    ]
    incident_id = run_cli("incident", "open", "Outage", "--severity", "3").out.strip()
    one_line_error(
        run_cli("log", "add", incident_id, "hi", "--as", "vic"), 1, "vic is a viewer and may not"
    )
    one_line_error(
        run_cli("log", "add", incident_id, "hi", "--as", "zed"),
        1,
        "zed is not a member of this war room; ask a lead to add you",
    )
    assert run_cli("log", "add", incident_id, "hi", "--as", "sam").code == 0
    assert run_cli("log", "list", incident_id, "--as", "zed").code == 0  # reading is open
    one_line_error(run_cli("person", "remove", "vic", "--as", "sam"), 1, "may not manage people")
    hook = ("channel", "add", "ops", "--kind", "webhook", "--url", "https://hooks.example/x")
    one_line_error(
        run_cli(*hook, "--as", "sam", stdin="token\n"), 1, "sam is a scribe and may not set up"
    )
    assert run_cli(*hook, stdin="token\n").code == 0  # alice, the lead
    removed = run_cli("person", "remove", "vic", "--json")
    assert removed.code == 0 and removed.json()["name"] == "vic"
    one_line_error(run_cli("person", "remove", "vic"), 1, "vic is not a member")


def test_the_demo_refuses_a_room_with_people_before_writing_anything(team: Services) -> None:
    from warroom.services.demo import load_demo

    with pytest.raises(RuleViolation, match="runs only on a database with no people"):
        load_demo(team.db)
    assert team.incidents.all() == []


def test_searching_the_timeline_treats_wildcards_as_text(services: Services) -> None:
    """SQL wildcards and search operators are plain characters: they never widen a search."""
    incident = services.incidents.open("Search", 3, "alice")
    for text in ("error rate 40% in EU", "error rate 40 in EU", "path C:\\tmp", "snake_case"):
        services.timeline.add(incident.id, text, "alice")
    found = [e.text for e in services.timeline.entries(incident.id, search="40%")]
    assert found == ["error rate 40% in EU", "error rate 40 in EU"]  # '%' separates words
    assert [e.text for e in services.timeline.entries(incident.id, search="e_c")] == []
    assert [e.text for e in services.timeline.entries(incident.id, search="snake_case")] == [
        "snake_case"
    ]
    assert [e.text for e in services.timeline.entries(incident.id, search="C:\\TMP")] == [
        "path C:\\tmp"
    ]
