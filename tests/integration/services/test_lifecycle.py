"""The incident's life through the services, on SQLite and PostgreSQL: every header change
is chained (and verified), the cadence and quorum follow the severity, awareness moves the
regulator deadline and its checklist step, closing refuses while work is open and stops
every clock, checklist ticks can be undone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from warroom.domain.checklist import Phase
from warroom.domain.clocks import ClockState
from warroom.domain.errors import RuleViolation, ValidationError
from warroom.domain.incidents import IncidentStatus
from warroom.domain.lifecycle import OpenWorkError
from warroom.domain.review import PromiseStatus
from warroom.domain.statements import StatementState
from warroom.domain.timeline import EntryKind

Services = Any

pytestmark = pytest.mark.both_databases


def breach(services: Services, clock: Any, *, aware_hours_ago: float = 0) -> Any:
    aware = clock.now - timedelta(hours=aware_hours_ago)
    return services.incidents.open(
        "Leak", 3, "alice", playbook_key="data-breach", aware_at=aware, began_at=aware
    )


def regulator_step(services: Services, incident_id: int) -> Any:
    return next(i for i in services.checklist.items(incident_id) if i.stops_regulator_clock)


def events(services: Services, incident_id: int, name: str) -> list[Any]:
    return [e for e in services.timeline.entries(incident_id) if e.data.get("event") == name]


def test_header_changes_are_chained_and_verified(services: Services, clock: Any) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    clock.advance(minutes=5)
    services.lifecycle.set_status(incident.id, "identified", "alice", note="bad config")
    services.lifecycle.set_severity(incident.id, 2, "alice", reason="EU customers affected")
    services.lifecycle.set_cadence(incident.id, "20", "alice")
    services.lifecycle.set_hold(incident.id, 10, "alice")
    services.lifecycle.set_times(
        incident.id, "alice", reason="logs say earlier", began_at=clock.now - timedelta(hours=1)
    )
    now = services.incidents.get(incident.id)
    assert now.status is IncidentStatus.IDENTIFIED and int(now.severity) == 2
    assert now.update_cadence == timedelta(minutes=20) and now.hold_minutes == 10
    assert now.began_at == clock.now - timedelta(hours=1)
    updates = events(services, incident.id, "incident.updated")
    assert [e.data["set"] for e in updates][:3] == [
        {"status": "identified"},
        {"severity": 2},
        {"cadence_minutes": 20},
    ]
    assert updates[1].data["reason"] == "EU customers affected"
    assert all(e.kind is EntryKind.STATUS for e in updates)
    assert "Severity SEV3 -> SEV2: EU customers affected" in updates[1].text
    assert services.export.verify_incident(incident.id).ok
    with pytest.raises(RuleViolation, match="nothing changed"):
        services.lifecycle.set_status(incident.id, "identified", "alice")
    with pytest.raises(ValidationError, match="needs a reason"):
        services.lifecycle.set_severity(incident.id, 1, "alice", reason=" ")


def test_a_severity_change_moves_the_cadence_from_that_moment(
    services: Services, clock: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")  # SEV3: every 4 h
    before = services.incidents.clocks(incident.id).cadence
    assert before.due_at == incident.declared_at + timedelta(hours=4)
    clock.advance(hours=1)
    services.lifecycle.set_severity(incident.id, 1, "alice", reason="payments down")
    after = services.incidents.clocks(incident.id)
    assert after.cadence.due_at == clock.now + timedelta(minutes=30)
    assert after.cadence_in_force.cadence == timedelta(minutes=30)
    clock.advance(minutes=31)
    assert services.incidents.clocks(incident.id).cadence.state is ClockState.LATE
    review = services.review.review(incident.id)
    assert [int(p.severity) for p in review.cadence.periods] == [3, 1]
    assert review.cadence.breaches  # the silence ran past the SEV1 due time


def test_a_severity_change_moves_the_quorum_of_waiting_statements(
    services: Services, clock: Any
) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    draft = services.statements.draft(incident.id, ["mastodon"], "We are on it.", "alice")
    services.statements.submit(draft.id, "alice")
    assert services.statements.approve(draft.id, "bob").state is StatementState.APPROVED
    services.lifecycle.set_severity(incident.id, 1, "alice", reason="worse")
    assert services.statements.get(draft.id).state is StatementState.IN_REVIEW
    with pytest.raises(RuleViolation):
        services.statements.release(draft.id, "alice")
    assert services.statements.approve(draft.id, "carol").state is StatementState.APPROVED
    services.statements.release(draft.id, "alice")
    (moved,) = events(services, incident.id, "statement.quorum")
    assert moved.data["required"] == 2 and moved.data["approvals"] == 1
    assert services.export.verify_incident(incident.id).ok


def test_the_regulator_step_is_due_72_hours_after_awareness(services: Services, clock: Any) -> None:
    incident = breach(services, clock, aware_hours_ago=30)
    step = regulator_step(services, incident.id)
    assert step.due_at == incident.aware_at + timedelta(hours=72)
    assert services.incidents.regulator(incident.id).due_at == step.due_at
    corrected = clock.now - timedelta(hours=40)
    services.lifecycle.set_times(
        incident.id, "alice", aware_at=corrected, began_at=corrected, reason="first mail at 17:00"
    )
    assert regulator_step(services, incident.id).due_at == corrected + timedelta(hours=72)
    assert services.incidents.regulator(incident.id).due_at == corrected + timedelta(hours=72)
    with pytest.raises(ValidationError, match="future"):
        services.lifecycle.set_times(
            incident.id, "alice", aware_at=clock.now + timedelta(hours=2), reason="typo"
        )


def test_ticking_the_regulator_step_records_the_notification_time(
    services: Services, clock: Any
) -> None:
    incident = breach(services, clock, aware_hours_ago=10)
    step = regulator_step(services, incident.id)
    told = clock.now - timedelta(hours=2)
    done = services.checklist.done(incident.id, step.id, "dpo", at=told)
    assert done.done_at == told and services.incidents.regulator(incident.id).notified_at == told
    assert services.incidents.clocks(incident.id).regulator.state is ClockState.STOPPED
    (entry,) = events(services, incident.id, "checklist.done")
    assert entry.data["notified_at"].startswith(f"{told:%Y-%m-%dT%H:%M}")
    with pytest.raises(ValidationError, match="future"):
        other = services.checklist.items(incident.id)[0]
        services.checklist.done(incident.id, other.id, "dpo", at=clock.now + timedelta(hours=1))


def test_a_tick_can_be_undone_with_a_reason(services: Services, clock: Any) -> None:
    incident = breach(services, clock)
    step = regulator_step(services, incident.id)
    services.checklist.done(incident.id, step.id, "dpo")
    assert services.incidents.clocks(incident.id).regulator.state is ClockState.STOPPED
    with pytest.raises(ValidationError, match="needs a reason"):
        services.checklist.undo(incident.id, step.id, "alice", reason="")
    undone = services.checklist.undo(incident.id, step.id, "alice", reason="ticked by mistake")
    assert undone.done_at is None and undone.done_by is None
    assert services.incidents.regulator(incident.id).notified_at is None
    assert services.incidents.clocks(incident.id).regulator.state is ClockState.OK
    (entry,) = events(services, incident.id, "checklist.undone")
    assert entry.data["reason"] == "ticked by mistake" and entry.data["was_done_by"] == "dpo"
    assert "regulator clock runs again" in entry.text
    with pytest.raises(RuleViolation, match="not done"):
        services.checklist.undo(incident.id, step.id, "alice", reason="again")


def test_items_can_be_added_and_assigned(services: Services, clock: Any) -> None:
    incident = breach(services, clock)
    due = clock.now + timedelta(days=2)
    item = services.checklist.add(
        incident.id, "Brief the works council", "alice", phase="ongoing", due_at=due
    )
    assert item.phase is Phase.ONGOING and item.due_at == due
    assert services.checklist.items(incident.id)[-1].id == item.id
    assigned = services.checklist.assign(incident.id, item.id, "Priya Nair", "alice")
    assert assigned.assignee == "Priya Nair"
    services.people.put("Dana", "lead", "Dana")
    with pytest.raises(ValidationError, match="not registered"):
        services.checklist.assign(incident.id, item.id, "Nobody", "Dana")
    assert services.checklist.assign(incident.id, item.id, "dana", "Dana").assignee == "Dana"


def test_an_entry_can_say_when_it_happened(services: Services, clock: Any) -> None:
    incident = services.incidents.open("Outage", 3, "alice")
    first = services.timeline.add(incident.id, "recorded now", "alice")
    clock.advance(minutes=10)
    earlier = clock.now - timedelta(minutes=45)
    late = services.timeline.add(incident.id, "the deploy", "alice", occurred_at=earlier)
    assert late.occurred_at == earlier and late.created_at == clock.now
    assert late.seq == first.seq + 1  # the order of record never changes
    with pytest.raises(ValidationError, match="future"):
        services.timeline.add(incident.id, "x", "alice", occurred_at=clock.now + timedelta(hours=1))
    assert services.export.verify_incident(incident.id).ok


def test_closing_refuses_with_open_work_and_closes_anyway_with_a_reason(
    services: Services, clock: Any
) -> None:
    incident = breach(services, clock)
    with pytest.raises(OpenWorkError) as refused:
        services.incidents.close(incident.id, "alice")
    message = str(refused.value)
    assert "checklist item(s) not done" in message and "--anyway REASON" in message
    assert services.incidents.get(incident.id).is_open
    with pytest.raises(ValidationError, match="needs a reason"):
        services.incidents.close(incident.id, "alice", anyway="  ")
    closed = services.incidents.close(incident.id, "alice", anyway="drill over")
    assert not closed.is_open
    (entry,) = events(services, incident.id, "incident.closed")
    assert entry.data["anyway"] == "drill over" and len(entry.data["open"]) >= 10


def test_closing_without_open_work_needs_no_reason(services: Services) -> None:
    incident = services.incidents.open("Blip", 4, "alice")
    assert services.incidents.open_work(incident.id).is_empty
    assert not services.incidents.close(incident.id, "alice").is_open
    (entry,) = events(services, incident.id, "incident.closed")
    assert "anyway" not in entry.data


def test_closing_stops_every_clock_everywhere(services: Services, clock: Any) -> None:
    incident = breach(services, clock)
    statement = services.statements.draft(
        incident.id, ["mastodon"], "Next update by 11:00 UTC.", "alice",
        next_update_by=clock.now + timedelta(hours=2),
    )  # fmt: skip
    services.statements.submit(statement.id, "alice")
    services.statements.approve(statement.id, "bob")
    services.statements.release(statement.id, "alice")
    services.publication.posted(statement.id, "mastodon", "sam")
    running = services.incidents.clocks(incident.id)
    assert running.promise.state is ClockState.OK and running.cadence.state is ClockState.OK
    clock.advance(minutes=30)
    services.incidents.close(incident.id, "alice", anyway="all clear")
    clock.advance(days=5)
    clocks = services.incidents.clocks(incident.id)
    assert {name: reading.state for name, reading in clocks.named()} == {
        "age": ClockState.STOPPED,
        "cadence": ClockState.STOPPED,
        "promise": ClockState.STOPPED,
        "regulator": ClockState.STOPPED,
    }
    exported = services.export.snapshot(incident.id, "auditor").clocks
    assert all(r.state is ClockState.STOPPED for _n, r in exported.named())
    assert all(r.remaining is None for _n, r in exported.named())
    review = services.review.review(incident.id)
    assert [p.status for p in review.promises] == [PromiseStatus.CLOSED]
    assert review.cadence.gaps[-1].end == services.incidents.get(incident.id).closed_at


def test_templates_may_use_the_status(services: Services, tmp_path: Any) -> None:
    from warroom.services import build_services
    from warroom.services.playbooks import PlaybookCatalog

    (tmp_path / "status.toml").write_text(
        'key = "status-test"\nname = "Status test"\n\n'
        '[[items]]\nphase = "ongoing"\ntext = "Keep going"\nowner = "lead"\n\n'
        '[[templates]]\nkey = "update"\nname = "Update"\nchannels = ["mastodon"]\n'
        'text = "Checkout: {status}. {detail}"\n',
        encoding="utf-8",
    )
    own = build_services(services.db, playbooks=PlaybookCatalog([tmp_path]))
    incident = own.incidents.open("Outage", 3, "alice", playbook_key="status-test")
    own.lifecycle.set_status(incident.id, "monitoring", "alice")
    made = own.statements.draft_from_template(
        incident.id, "update", {"detail": "A fix is live."}, "alice"
    )
    assert made.text == "Checkout: monitoring. A fix is live."
    said = own.statements.draft_from_template(
        incident.id, "update", {"detail": "x", "status": "fixed"}, "alice"
    )
    assert said.text == "Checkout: fixed. x"
