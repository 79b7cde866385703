"""Upgrading a 0005 database with data to 0007_trust, on SQLite and PostgreSQL."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from warroom.domain.content import content_hash_of
from warroom.domain.errors import RuleViolation, StorageError
from warroom.domain.statements import StatementState, content_hash
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.schema import HEAD

pytestmark = pytest.mark.both_databases


def _at_0005(db_url: str, *statements: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    try:
        upgrade_to(engine, "0005_regulator_notification")
        zone = "+00" if engine.dialect.name == "postgresql" else ""
        with engine.begin() as connection:
            for sql in statements:
                connection.execute(text(sql.replace("{T}", f"'2026-01-01 00:00:00{zone}'")))
    finally:
        engine.dispose()


def _legacy_chain(old_hash: str, released_hash: str) -> list[str]:
    """Return INSERTs of a chain as War Room 0005 wrote it (legacy hashes, no header)."""
    from datetime import UTC, datetime

    from warroom.domain.timeline import GENESIS_HASH, entry_hash

    at = datetime(2026, 1, 1, tzinfo=UTC)
    events = [
        ("status", "Incident opened", "Alice", {"event": "incident.opened", "severity": 3}),
        ("statement", "drafted", "carl", {"event": "statement.drafted", "statement": 1}),
        ("statement", "approved", "bob", {"event": "statement.approved", "statement": 1}),
        ("statement", "drafted", "carl", {"event": "statement.drafted", "statement": 2}),
        ("statement", "released", "Alice", {"event": "statement.released", "statement": 2}),
    ]
    hashes = [old_hash, old_hash, released_hash, released_hash]
    previous, rows = GENESIS_HASH, []
    for seq, (kind, what, author, data) in enumerate(events, start=1):
        if seq > 1:
            data = {**data, "revision": 1, "content_hash": hashes[seq - 2]}
        if data["event"] == "statement.approved":
            data["approver"] = author
        digest = entry_hash(
            prev_hash=previous,
            incident_id=1,
            seq=seq,
            kind=kind,
            text=what,
            author=author,
            created_at=at,
            corrects_seq=None,
            data=data,
        )
        rows.append(
            "INSERT INTO timeline_entries (incident_id, seq, kind, text, author, created_at, "
            f"data, prev_hash, hash) VALUES (1, {seq}, '{kind}', '{what}', '{author}', {{T}}, "
            f"'{json.dumps(data)}', '{previous}', '{digest}')"
        )
        previous = digest
    rows.append(f"UPDATE incidents SET entry_count = 5, head_hash = '{previous}'")
    return rows


def _version(db_url: str) -> object:
    engine = create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        engine.dispose()


def test_upgrade_keeps_the_data_and_asks_for_fresh_signed_approvals(db_url: str) -> None:
    old_hash = content_hash("", "We are on it.")
    released_hash = content_hash("Update", "Fixed.")
    _at_0005(
        db_url,
        "INSERT INTO people (name, role, added_by, added_at) VALUES ('Alice', 'lead', 'Alice', "
        "{T}), ('bob', 'approver', 'Alice', {T}), ('carl', 'comms', 'Alice', {T})",
        "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, declared_at, "
        "created_by, regulator_deadline_label, entry_count, head_hash, version) VALUES "
        f"(1, 'Old one', 3, 'open', {{T}}, {{T}}, {{T}}, 'Alice', '', 0, '{'0' * 64}', 1)",
        "INSERT INTO statements (id, incident_id, subject, text, state, revision, author, "
        "revision_author, created_at, updated_at, version, rejection_reason) VALUES "
        "(1, 1, '', 'We are on it.', 'approved', 1, 'carl', 'carl', {T}, {T}, 1, ''), "
        "(2, 1, 'Update', 'Fixed.', 'released', 1, 'carl', 'carl', {T}, {T}, 1, '')",
        "INSERT INTO statement_revisions (statement_id, revision, subject, text, author, "
        f"created_at, content_hash) VALUES (1, 1, '', 'We are on it.', 'carl', {{T}}, "
        f"'{old_hash}'), (2, 1, 'Update', 'Fixed.', 'carl', {{T}}, '{released_hash}')",
        "INSERT INTO statement_channels (statement_id, channel_id, position) "
        "SELECT 1, id, 0 FROM channels WHERE name = 'email'",
        "INSERT INTO statement_channels (statement_id, channel_id, position) "
        "SELECT 2, id, 0 FROM channels WHERE name = 'webhook'",
        "INSERT INTO approvals (statement_id, approver, approved_at, content_hash, revision) "
        f"VALUES (1, 'bob', {{T}}, '{old_hash}', 1)",
        "INSERT INTO outbox (statement_id, channel_id, state, idempotency_key, subject, text, "
        "attempts, last_error, remote_id, remote_url, record_key, created_at, updated_at) "
        "SELECT 2, id, 'queued', 'k1', 'Update', 'Fixed.', 0, '', '', '', '', {T}, {T} "
        "FROM channels WHERE name = 'webhook'",
        *_legacy_chain(old_hash, released_hash),
    )
    db = open_database(db_url)
    try:
        services = build_services(db)
        assert [p.name for p in services.people.all()] == ["Alice", "bob", "carl"]
        with pytest.raises(RuleViolation, match="same name as 'Alice'"):
            services.people.put("ALICE", "viewer", "Alice")
        old = services.statements.get(1)
        assert old.state is StatementState.IN_REVIEW and old.valid_approvals == ()
        assert old.approvals[0].signature == ""  # kept in the record, no longer counting
        (row,) = services.channels.outbox(statement_id=2)
        assert row.content_hash == content_hash_of(["webhook"], "Update", "Fixed.")
        approved = services.statements.approve(1, "BOB")  # signed now, name as registered
        assert approved.state is StatementState.APPROVED
        assert approved.valid_approvals[0].approver == "bob"
        check = services.export.verify_incident(1)
        assert check.ok, check.describe()
        assert any("opened before War Room chained its header" in w for w in check.warnings)
        assert any("statement #2 was drafted before" in w for w in check.warnings)
        with pytest.raises(DBAPIError, match="insert-only"), db.transaction() as session:
            session.execute(text("DELETE FROM approvals"))
    finally:
        db.dispose()
    assert _version(db_url) == HEAD


def test_twin_names_refuse_the_upgrade_and_change_nothing(db_url: str) -> None:
    _at_0005(
        db_url,
        "INSERT INTO people (name, role, added_by, added_at) VALUES ('Priya', 'lead', 'Priya', "
        "{T}), ('priya', 'approver', 'Priya', {T})",
    )
    with pytest.raises(StorageError, match="'Priya' and 'priya' are the same name"):
        open_database(db_url)
    assert _version(db_url) == "0005_regulator_notification"
