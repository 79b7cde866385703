"""Trust you can prove: names that cannot be borrowed, signed approvals that a rejection or a
changed revision voids, insert-only history, and only approved bytes leave. SQLite and
PostgreSQL (as the owner's connection; person logins: tests/integration/team/test_team_trust.py).
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from tests.support.tamper import tamper
from warroom.domain.errors import RuleViolation
from warroom.domain.names import same_name
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import StatementState
from warroom.domain.trust import approval_document
from warroom.export.signatures import is_valid
from warroom.storage import key_repo

pytestmark = pytest.mark.both_databases


def _in_review(services: Any, *, approvals: int = 1, author: str = "dana") -> Any:
    incident = services.incidents.open("Outage", 3, "lead", approvals_required=approvals)
    draft = services.statements.draft(incident.id, ["email", "webhook"], "We are on it.", author)
    return services.statements.submit(draft.id, author)


@pytest.mark.parametrize("twin", ["Dana", "DANA", " dana ", "\uff24\uff41\uff4e\uff41"])
def test_case_and_unicode_twins_cannot_approve_their_own_text(services: Any, twin: str) -> None:
    statement = _in_review(services)
    with pytest.raises(RuleViolation, match="you wrote this"):
        services.statements.approve(statement.id, twin)
    assert services.statements.get(statement.id).approvals == ()


def test_a_twin_name_is_refused_by_the_service_and_the_database(services: Any, db_url: str) -> None:
    services.people.put("priya", "lead", "priya")
    with pytest.raises(RuleViolation, match="same name as 'priya'"):
        services.people.put("Priya", "approver", "priya")
    with pytest.raises(RuleViolation, match="same name"):
        services.people.put("\uff30\uff52\uff49\uff59\uff41", "approver", "PRIYA")
    assert [p.name for p in services.people.all()] == ["priya"]
    (priya,) = [p for p in services.people.all() if same_name(p.name, "PRIYA")]
    assert priya.role.value == "lead"  # looked up as a name
    engine = create_engine(db_url)
    try:
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (name, name_key, role, added_by, added_at, login) "
                    "VALUES ('Priya', 'priya', 'lead', 'x', '2026-01-01 00:00:00', '')"
                )
            )
    finally:
        engine.dispose()


def test_a_rejection_voids_every_approval_and_unchanged_text_needs_fresh_ones(
    services: Any,
) -> None:
    statement = _in_review(services, approvals=2)
    services.statements.approve(statement.id, "bob")
    rejected = services.statements.reject(statement.id, "carol", "wait for legal")
    assert rejected.state is StatementState.DRAFT and rejected.valid_approvals == ()
    again = services.statements.submit(statement.id, "dana")  # the very same text
    assert again.content_hash == statement.content_hash and again.valid_approvals == ()
    assert services.statements.approve(statement.id, "carol").state is StatementState.IN_REVIEW
    with pytest.raises(RuleViolation, match="needs 2 approval"):
        services.statements.release(statement.id, "lead")
    approved = services.statements.approve(statement.id, "bob")  # bob signs again, fresh
    assert approved.state is StatementState.APPROVED
    assert [a.approver for a in approved.valid_approvals] == ["carol", "bob"]
    assert len(approved.approvals) == 3  # the voided one stays in the record
    entry = services.timeline.entries(statement.incident_id)
    assert any("1 approval(s) void" in e.text for e in entry)


def test_approving_a_revision_that_changed_since_it_was_read_is_refused(services: Any) -> None:
    statement = _in_review(services)
    seen = statement.revision
    services.statements.edit(statement.id, "dana", text="We are on it. Next update 10:00.")
    with pytest.raises(RuleViolation, match="changed since you read it"):
        services.statements.approve(statement.id, "bob", revision=seen)
    current = services.statements.get(statement.id)
    approved = services.statements.approve(statement.id, "bob", revision=current.revision)
    assert approved.state is StatementState.APPROVED


def test_an_approval_signature_covers_every_byte_it_signs(services: Any) -> None:
    statement = _in_review(services)
    approval = services.statements.approve(statement.id, "bob").approvals[0]
    with services.db.reading() as session:
        key = key_repo.current(session, "bob")
    assert key is not None and approval.key == key.fingerprint
    signed = {
        "incident_id": statement.incident_id,
        "statement_id": statement.id,
        "revision": approval.revision,
        "content_hash": approval.content_hash,
        "approver": approval.approver,
        "approved_at": approval.approved_at,
    }
    assert is_valid(key.public_key, approval.signature, approval_document(**signed))
    from datetime import timedelta

    changed = {
        "incident_id": statement.incident_id + 1,
        "statement_id": statement.id + 1,
        "revision": approval.revision + 1,
        "content_hash": "0" * 64,
        "approver": "Bob",
        "approved_at": approval.approved_at + timedelta(microseconds=1),
    }
    for name, value in changed.items():
        document = approval_document(**{**signed, name: value})
        assert not is_valid(key.public_key, approval.signature, document), name
    flipped = approval.signature[:-1] + ("0" if approval.signature[-1] != "0" else "1")
    assert not is_valid(key.public_key, flipped, approval_document(**signed))


def test_a_forged_approval_row_does_not_count_towards_release(services: Any, db_url: str) -> None:
    statement = _in_review(services, approvals=2)
    approved = services.statements.approve(statement.id, "bob")
    real = approved.approvals[0]
    at = real.approved_at.strftime("%Y-%m-%d %H:%M:%S.%f")
    tamper(
        db_url,
        "INSERT INTO approvals (statement_id, approver, approved_at, content_hash, revision, "
        f"review_round, signature, key) VALUES ({statement.id}, 'mallory', '{at}', "
        f"'{real.content_hash}', {real.revision}, 0, '{real.signature}', '{real.key}')",
        f"UPDATE statements SET state = 'approved' WHERE id = {statement.id}",
    )
    with pytest.raises(RuleViolation, match="by mallory is not signed by their registered key"):
        services.statements.release(statement.id, "lead")
    assert services.channels.outbox(statement_id=statement.id) == []


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE timeline_entries SET text = 'nothing happened' WHERE seq = 1",
        "DELETE FROM timeline_entries WHERE seq = 2",
        "UPDATE approvals SET approver = 'mallory'",
        "DELETE FROM approvals",
        "UPDATE statement_revisions SET text = 'never said'",
        "UPDATE outbox SET text = 'never approved'",
        "DELETE FROM outbox",
    ],
    ids=[
        "update-entry",
        "delete-entry",
        "update-approval",
        "delete-approval",
        "update-revision",
        "update-outbox-text",
        "delete-outbox",
    ],
)
def test_the_database_refuses_to_rewrite_history(services: Any, db_url: str, sql: str) -> None:
    statement = _in_review(services)
    services.statements.approve(statement.id, "bob")
    services.statements.release(statement.id, "lead")
    before = services.export.verify_incident(statement.incident_id)
    assert before.ok, before.describe()
    engine = create_engine(db_url)
    try:
        with pytest.raises(DBAPIError, match=r"insert-only|never changed"), engine.begin() as c:
            c.exec_driver_sql(sql)
    finally:
        engine.dispose()
    assert services.export.verify_incident(statement.incident_id).ok


@pytest.mark.postgres
@pytest.mark.postgresql_only
def test_postgresql_refuses_truncate_even_for_the_owner(services: Any, db_url: str) -> None:
    _in_review(services)
    engine = create_engine(db_url)
    try:
        for table in ("timeline_entries", "approvals", "outbox"):
            with pytest.raises(DBAPIError, match="insert-only"), engine.begin() as connection:
                connection.exec_driver_sql(f"TRUNCATE {table} CASCADE")
    finally:
        engine.dispose()


def test_a_statement_deleted_from_the_database_is_detected(services: Any, db_url: str) -> None:
    first = _in_review(services)
    second = services.statements.draft(first.incident_id, ["email"], "Second.", "dana")
    assert services.export.verify_incident(first.incident_id).ok
    tamper(
        db_url,
        f"DELETE FROM statement_channels WHERE statement_id = {second.id}",
        f"DELETE FROM statement_revisions WHERE statement_id = {second.id}",
        f"DELETE FROM statements WHERE id = {second.id}",
    )
    check = services.export.verify_incident(first.incident_id)
    assert not check.ok
    assert f"statement #{second.id} is on the timeline but missing" in check.problem


def test_an_outbox_row_changed_in_the_database_is_never_sent(
    services: Any, db_url: str, httpserver: Any
) -> None:
    from warroom.domain.channels import ChannelKind

    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": httpserver.url_for("/hook")}, "s3cret"
    )
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    statement = _in_review(services)
    services.statements.approve(statement.id, "bob")
    services.statements.release(statement.id, "lead")
    (row,) = [
        r
        for r in services.channels.outbox(statement_id=statement.id)
        if r.channel_name == "webhook"
    ]
    assert row.content_hash == statement.content_hash
    tamper(db_url, f"UPDATE outbox SET text = 'Buy our coin!' WHERE id = {row.id}")
    report = services.delivery.run_once()
    services.delivery.close()
    assert row.id in report.failed and httpserver.log == []
    blocked = services.channels.outbox(statement_id=statement.id)
    assert next(r for r in blocked if r.id == row.id).state is DeliveryState.FAILED
    assert "differs from the approved text" in next(r for r in blocked if r.id == row.id).last_error
    last = services.timeline.entries(statement.incident_id)[-1]
    assert (
        last.data["event"] == "delivery.blocked" and "differs from the approved text" in last.text
    )
