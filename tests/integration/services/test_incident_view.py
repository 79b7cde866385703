"""The read model: one incident in one transaction, every action judged for the actor."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from warroom.domain.people import Action, Role
from warroom.domain.statements import StatementState
from warroom.services import Services

pytestmark = pytest.mark.both_databases


@contextmanager
def counted_reads(services: Services) -> Iterator[list[int]]:
    """Count the read transactions opened while the block runs."""
    db: Any = services.db
    original = db.reading
    count = [0]

    @contextmanager
    def reading() -> Iterator[Any]:
        count[0] += 1
        with original() as session:
            yield session

    db.reading = reading
    try:
        yield count
    finally:
        del db.reading


def test_the_view_is_read_in_one_transaction(services: Services) -> None:
    incident = services.incidents.open("Outage", 2, "alice", playbook_key="service-outage")
    with counted_reads(services) as reads:
        view = services.views.incident(incident.id, "bob")
    assert reads[0] == 1
    assert view.incident == incident
    assert [s.statement.template_key for s in view.statements] == [
        s.template_key for s in services.statements.for_incident(incident.id)
    ]
    assert len(view.checklist) == len(services.checklist.items(incident.id))
    assert {c.name for c in view.channels} >= {"email", "mastodon"}
    assert view.templates and view.template_problem == ""
    assert view.permissions.actor == "bob" and not view.permissions.enforcing
    assert view.regulator == services.incidents.regulator(incident.id)


def test_playbooks_are_parsed_once_not_on_every_read(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    from warroom.services import playbooks

    incident = services.incidents.open("Outage", 2, "alice", playbook_key="service-outage")
    parsed: list[str] = []
    real = playbooks.read_playbook
    monkeypatch.setattr(playbooks, "read_playbook", lambda p: parsed.append(p.name) or real(p))
    for _ in range(3):
        assert services.views.incident(incident.id, "bob").templates
    assert len(parsed) <= len(set(parsed))  # each file at most once, however many reads


def test_a_viewer_may_read_but_every_action_says_why_not(services: Services) -> None:
    services.people.put("alice", "lead", "alice")
    services.people.put("vic", "viewer", "alice")
    services.people.put("ann", "approver", "alice")
    incident = services.incidents.open("Outage", 3, "alice")
    draft = services.statements.draft(
        incident.id, ["email"], "We are on it.", "alice", subject="Checkout"
    )
    services.statements.submit(draft.id, "alice")

    viewer = services.views.incident(incident.id, "vic")
    assert viewer.permissions.role is Role.VIEWER
    refusals = viewer.statements[0].refusals
    assert refusals.approve == (
        "vic is a viewer and may not approve or reject statements (that needs: lead, approver)"
    )
    assert refusals.edit is not None and "viewer" in refusals.edit
    assert "vic is a viewer and may not log timeline entries" in (viewer.refusal(Action.LOG) or "")

    author = services.views.incident(incident.id, "alice")
    assert author.statements[0].refusals.approve == "you wrote this: another approver must approve"

    approver = services.views.incident(incident.id, "ann")
    assert approver.statements[0].refusals.approve is None  # and the service agrees:
    assert services.statements.approve(draft.id, "ann").state is StatementState.APPROVED

    stranger = services.views.incident(incident.id, "mallory")
    assert stranger.permissions.membership == "not registered: read only"
    assert stranger.statements[0].refusals.approve == (
        "mallory is not a member of this war room; ask a lead to add you"
    )


def test_a_closed_incident_refuses_everything_as_read_only(services: Services) -> None:
    incident = services.incidents.open("Outage", 3, "alice", playbook_key="service-outage")
    services.incidents.close(incident.id, "alice", anyway="wrapping up the test")
    view = services.views.incident(incident.id, "alice")
    reason = f"incident {incident.id} is closed and read-only"
    assert view.refusal(Action.LOG) == reason
    assert view.refusal(Action.OPEN_INCIDENT) is None
    assert all(s.refusals.approve == reason for s in view.statements)
    assert all(view.tick_refusal(item) == reason for item in view.checklist)


def test_released_statements_carry_their_deliveries(services: Services) -> None:
    incident = services.incidents.open("Outage", 4, "alice")
    draft = services.statements.draft(
        incident.id, ["email", "webhook"], "Resolved.", "alice", subject="Resolved"
    )
    services.statements.submit(draft.id, "alice")
    services.statements.approve(draft.id, "bob")
    services.statements.release(draft.id, "alice")
    view = services.views.incident(incident.id, "alice")
    released = view.statement(draft.id)
    assert released is not None
    assert sorted(d.channel_name for d in released.deliveries) == ["email", "webhook"]
    assert released.refusals.release == f"statement {draft.id} is already released"
