"""The core use cases on a real SQLite file and a real PostgreSQL server, through the services."""

from __future__ import annotations

from typing import Any

import pytest

from warroom.domain.errors import ConflictError, NotFoundError, RuleViolation, ValidationError
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import StatementState
from warroom.domain.timeline import EntryKind

Services = Any

pytestmark = pytest.mark.both_databases


def events(services: Services, incident_id: int) -> list[str]:
    return [e.data.get("event", "") for e in services.timeline.entries(incident_id)]


def test_statement_lifecycle_writes_the_timeline_and_the_outbox(services: Services) -> None:
    incident = services.incidents.open("Checkout down", 1, "alice")
    draft = services.statements.draft(
        incident.id, ["mastodon", "bluesky"], "Investigating.", "alice"
    )
    services.statements.submit(draft.id, "alice")
    with pytest.raises(RuleViolation, match="you wrote this"):
        services.statements.approve(draft.id, "alice")
    services.statements.approve(draft.id, "bob")
    with pytest.raises(RuleViolation, match="needs 2 approval"):
        services.statements.release(draft.id, "alice")
    approved = services.statements.approve(draft.id, "carol")
    assert approved.state is StatementState.APPROVED
    released = services.statements.release(approved.id, "alice")
    assert released.state is StatementState.RELEASED and released.released_by == "alice"
    rows = services.channels.outbox(statement_id=draft.id)
    assert [(r.channel_name, r.state) for r in rows] == [
        ("mastodon", DeliveryState.QUEUED),
        ("bluesky", DeliveryState.QUEUED),
    ]
    assert len({r.idempotency_key for r in rows}) == 2
    assert events(services, incident.id) == [
        "incident.opened",
        "statement.drafted",
        "statement.submitted",
        "key.registered",  # bob's first signature at this machine made his key
        "statement.approved",
        "key.registered",
        "statement.approved",
        "statement.released",
    ]
    approval_entries = [
        e
        for e in services.timeline.entries(incident.id)
        if e.data.get("event") == "statement.approved"
    ]
    assert {e.data["content_hash"] for e in approval_entries} == {released.content_hash}
    with pytest.raises(RuleViolation, match="released and can no longer be edited"):
        services.statements.edit(draft.id, "alice", text="Changed after release")


def test_edit_voids_approvals_and_sends_back_to_review(services: Services) -> None:
    incident = services.incidents.open("Minor", 3, "alice")
    draft = services.statements.draft(incident.id, ["email"], "First text", "alice", subject="S")
    services.statements.submit(draft.id, "alice")
    assert services.statements.approve(draft.id, "bob").state is StatementState.APPROVED
    edited = services.statements.edit(draft.id, "alice", text="Second text")
    assert edited.state is StatementState.IN_REVIEW and edited.valid_approvals == ()
    assert len(edited.approvals) == 1  # history kept, just no longer valid
    assert [r.text for r in services.statements.revisions(draft.id)] == [
        "First text",
        "Second text",
    ]
    with pytest.raises(RuleViolation):
        services.statements.release(draft.id, "alice")


def test_rejection_returns_to_draft_with_reason(services: Services) -> None:
    incident = services.incidents.open("Minor", 4, "alice")
    draft = services.statements.draft(incident.id, ["email"], "Text", "alice", subject="S")
    services.statements.submit(draft.id, "alice")
    with pytest.raises(ValidationError, match="needs a reason"):
        services.statements.reject(draft.id, "bob", "  ")
    rejected = services.statements.reject(draft.id, "bob", "Too vague")
    assert rejected.state is StatementState.DRAFT and rejected.rejection_reason == "Too vague"


def test_concurrent_edit_is_refused_not_lost(services: Services) -> None:
    incident = services.incidents.open("x", 3, "alice")
    draft = services.statements.draft(incident.id, ["email"], "v1", "alice", subject="S")
    services.statements.edit(draft.id, "bob", text="bob's v2", expected_version=draft.version)
    with pytest.raises(ConflictError, match="changed by bob"):
        services.statements.edit(
            draft.id, "alice", text="alice's v2", expected_version=draft.version
        )
    assert services.statements.get(draft.id).text == "bob's v2"


def test_closed_incident_is_read_only(services: Services) -> None:
    incident = services.incidents.open("x", 2, "alice")
    draft = services.statements.draft(incident.id, ["email"], "Text", "alice", subject="S")
    closed = services.incidents.close(incident.id, "alice", anyway="wrapping up the test")
    assert closed.closed_at is not None
    attempts = [
        lambda: services.timeline.add(incident.id, "late note", "alice"),
        lambda: services.statements.draft(incident.id, ["email"], "Text", "alice", subject="S"),
        lambda: services.statements.edit(draft.id, "alice", text="new"),
        lambda: services.statements.submit(draft.id, "alice"),
        lambda: services.incidents.close(incident.id, "alice", anyway="wrapping up the test"),
    ]
    for attempt in attempts:
        with pytest.raises(RuleViolation, match="closed and read-only"):
            attempt()
    assert services.timeline.verify(incident.id).ok


def test_opening_from_a_playbook_creates_checklist_and_template_drafts(
    services: Services, clock: Any
) -> None:
    incident = services.incidents.open("Leak", 1, "alice", playbook_key="data-breach")
    items = services.checklist.items(incident.id)
    assert len(items) == 10 and items[0].due_at == incident.declared_at + items[0].due_offset
    drafts = services.statements.for_incident(incident.id)
    assert {d.template_key for d in drafts} == {"holding", "data-subject-notice"}
    with pytest.raises(RuleViolation, match="placeholders to fill"):
        services.statements.submit(drafts[0].id, "alice")
    regulator = services.incidents.regulator(incident.id)
    deadline = regulator.due_at
    assert deadline is not None and (deadline - incident.aware_at).total_seconds() == 72 * 3600
    assert "72 h" in regulator.label
    clock.advance(minutes=11)
    assert items[0].is_overdue(clock())
    done = services.checklist.done(incident.id, items[0].id, "bob")
    assert done.done_by == "bob"
    last = services.timeline.entries(incident.id)[-1]
    assert last.kind is EntryKind.ACTION and "Checklist done" in last.text
    with pytest.raises(RuleViolation, match="already done"):
        services.checklist.done(incident.id, items[0].id, "bob")


def test_template_draft_with_placeholders_filled(services: Services) -> None:
    incident = services.incidents.open("Down", 2, "alice", playbook_key="service-outage")
    statement = services.statements.draft_from_template(
        incident.id,
        "holding",
        {"product": "Checkout", "impact": "Payments fail.", "next_update": "10:30 UTC"},
        "sam",
    )
    assert statement.text == (
        "We are investigating problems with Checkout. Payments fail. Next update by 10:30 UTC."
    )
    assert services.statements.submit(statement.id, "sam").state is StatementState.IN_REVIEW


def test_unknown_things_are_clear_errors(services: Services) -> None:
    with pytest.raises(NotFoundError, match="no incident 42"):
        services.timeline.add(42, "x", "alice")
    incident = services.incidents.open("x", 3, "alice")
    with pytest.raises(NotFoundError, match="no channel 'fax'"):
        services.statements.draft(incident.id, ["fax"], "x", "alice")
    with pytest.raises(NotFoundError, match="no playbook 'alien-invasion'"):
        services.incidents.open("x", 3, "alice", playbook_key="alien-invasion")
    with pytest.raises(ValidationError, match="severity must be"):
        services.incidents.open("x", 7, "alice")


def test_corrections_are_new_entries_pointing_at_the_original(services: Services) -> None:
    incident = services.incidents.open("x", 3, "alice")
    wrong = services.timeline.add(incident.id, "Error rate 4%", "lee")
    fix = services.timeline.correct(incident.id, wrong.id, "Error rate 14%", "lee")
    assert fix.corrects_id == wrong.id and fix.seq == wrong.seq + 1
    page = services.timeline.page(incident.id, limit=10)
    assert page.corrected == {wrong.id} and page.tail_seq == fix.seq
    assert services.timeline.page(incident.id, limit=1).corrected == frozenset()  # not in it
    older = services.timeline.page(incident.id, limit=1, before_seq=fix.seq)
    assert [e.id for e in older.entries] == [wrong.id] and older.corrected == {wrong.id}
    assert services.timeline.entries(incident.id)[1].text == "Error rate 4%"  # never edited


def _tamper(db_url: str, sql: str) -> None:
    """Change the stored timeline behind War Room's back (foreign keys and guards off)."""
    from tests.support.tamper import tamper

    tamper(db_url, sql)


@pytest.mark.parametrize(
    ("sql", "broken_seq"),
    [
        ("UPDATE timeline_entries SET text = 'nothing happened' WHERE seq = 3", 3),
        ("UPDATE timeline_entries SET author = 'mallory' WHERE seq = 2", 2),
        ("UPDATE timeline_entries SET created_at = '2020-01-01 00:00:00.000000' WHERE seq = 4", 4),
        ("DELETE FROM timeline_entries WHERE seq = 3", 3),
        ("DELETE FROM timeline_entries WHERE seq = 5", 5),
        (
            "SWAP 2 3",
            2,
        ),
    ],
    ids=["text", "author", "time", "delete-middle", "delete-last", "swap"],
)
def test_tampering_in_the_database_is_detected(
    services: Services, db_url: str, sql: str, broken_seq: int
) -> None:
    incident = services.incidents.open("x", 3, "alice")
    for n in range(4):
        services.timeline.add(incident.id, f"fact {n}", "alice")
    assert services.timeline.verify(incident.id).ok
    if sql == "SWAP 2 3":  # the unique (incident, seq) index forbids a one-statement swap
        _tamper(db_url, "UPDATE timeline_entries SET seq = -seq WHERE seq IN (2, 3)")
        sql = "UPDATE timeline_entries SET seq = CASE seq WHEN -2 THEN 3 ELSE 2 END WHERE seq < 0"
    _tamper(db_url, sql)
    report = services.timeline.verify(incident.id)
    assert not report.ok
    assert report.broken_seq == broken_seq, report.describe()


def test_listing_statements_costs_the_same_queries_for_3_or_30(services: Services) -> None:
    from sqlalchemy import event

    def queries_to_list(incident_id: int) -> tuple[int, int]:
        executed: list[str] = []

        def count(*args: object) -> None:
            executed.append("q")

        event.listen(services.db.engine, "before_cursor_execute", count)
        try:
            statements = services.statements.for_incident(incident_id)
        finally:
            event.remove(services.db.engine, "before_cursor_execute", count)
        return len(statements), len(executed)

    few = services.incidents.open("Few statements", 3, "alice")
    many = services.incidents.open("Many statements", 3, "alice")
    for incident, count in ((few, 3), (many, 30)):
        for n in range(count):
            draft = services.statements.draft(
                incident.id, ["email", "webhook"], f"#{n}", "al", subject="S"
            )
            services.statements.submit(draft.id, "al")
            services.statements.approve(draft.id, "bob")
    listed_few, queries_few = queries_to_list(few.id)
    listed_many, queries_many = queries_to_list(many.id)
    assert (listed_few, listed_many) == (3, 30)
    assert queries_many == queries_few
    statement = services.statements.for_incident(many.id)[-1]
    assert [c.name for c in statement.channels] == ["email", "webhook"]
    assert [a.approver for a in statement.approvals] == ["bob"]
