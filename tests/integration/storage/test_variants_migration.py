"""Upgrading a 0011_search database with data to 0013_variants, on SQLite and PostgreSQL:
the data stays (hashes unchanged), the outbox keeps its guards after SQLite's table rebuild,
and the new revision-variants table is insert-only."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError, IntegrityError

from warroom.domain.content import content_hash_of
from warroom.domain.outbox import DeliveryState
from warroom.domain.statements import StatementState
from warroom.services import build_services
from warroom.storage.database import open_database

pytestmark = pytest.mark.both_databases

HASH = content_hash_of(["webhook"], "Update", "Fixed.")


def _at_0011(db_url: str) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    try:
        upgrade_to(engine, "0011_search")
        zone = "+00" if engine.dialect.name == "postgresql" else ""
        moment = f"'2026-01-01 00:00:00{zone}'"
        with engine.begin() as connection:
            for sql in (
                "INSERT INTO incidents (id, title, severity, state, began_at, aware_at, "
                "declared_at, created_by, regulator_deadline_label, entry_count, head_hash, "
                f"version, lessons_learned) VALUES (1, 'Old one', 3, 'open', {moment}, "
                f"{moment}, {moment}, 'Alice', '', 0, '{'0' * 64}', 1, '')",
                "INSERT INTO statements (id, incident_id, subject, text, state, revision, "
                "author, revision_author, created_at, updated_at, version, rejection_reason, "
                f"review_round) VALUES (1, 1, 'Update', 'Fixed.', 'released', 1, 'carl', "
                f"'carl', {moment}, {moment}, 1, '', 0)",
                "INSERT INTO statement_channels (statement_id, channel_id, position) "
                "SELECT 1, id, 0 FROM channels WHERE name = 'webhook'",
                "INSERT INTO statement_revisions (statement_id, revision, subject, text, "
                "author, created_at, content_hash, channels) VALUES (1, 1, 'Update', 'Fixed.', "
                f"'carl', {moment}, '{HASH}', '[\"webhook\"]')",
                "INSERT INTO outbox (statement_id, channel_id, state, idempotency_key, "
                "subject, text, attempts, last_error, remote_id, remote_url, record_key, "
                f"created_at, updated_at, content_hash) SELECT 1, id, 'sent', 'k1', 'Update', "
                f"'Fixed.', 1, '', 'r1', '', '', {moment}, {moment}, '{HASH}' "
                "FROM channels WHERE name = 'webhook'",
            ):
                connection.execute(text(sql))
    finally:
        engine.dispose()


def test_upgrade_keeps_the_data_and_the_guards(db_url: str) -> None:
    _at_0011(db_url)
    db = open_database(db_url)
    try:
        services = build_services(db)
        statement = services.statements.get(1)
        assert statement.state is StatementState.RELEASED
        assert statement.edited_variants == () and statement.scheduled_for is None
        assert statement.content_hash == HASH  # unchanged: every channel follows the main text
        (row,) = services.channels.outbox(statement_id=1)
        assert (row.state, row.text, row.content_hash, row.not_before) == (
            DeliveryState.SENT,
            "Fixed.",
            HASH,
            None,
        )
        (revision,) = services.statements.revisions(1)
        assert revision.variants[0].text == "Fixed." and not revision.variants[0].edited
        incident = services.incidents.get(1)
        assert incident.approval_window_minutes is None
        assert incident.approval_window.total_seconds() == 24 * 3600
        # The 0007 guards of the outbox survived the rebuild, and cover the new column.
        for sql in (
            "DELETE FROM outbox",
            "UPDATE outbox SET text = 'Other.'",
            "UPDATE outbox SET not_before = updated_at",
        ):
            with pytest.raises(DBAPIError), db.transaction() as session:
                session.execute(text(sql))
        # One live row per statement and channel still (a cancelled one does not count).
        channel_id = row.channel_id
        duplicate = (
            "INSERT INTO outbox (statement_id, channel_id, state, idempotency_key, subject, "
            "text, attempts, last_error, remote_id, remote_url, record_key, created_at, "
            "updated_at, content_hash) VALUES (1, :channel, :state, :key, '', 'x', 0, '', '', "
            "'', '', :at, :at, '')"
        )
        values = {"channel": channel_id, "at": row.created_at}
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.execute(text(duplicate), {**values, "state": "queued", "key": "k2"})
        with db.transaction() as session:
            session.execute(text(duplicate), {**values, "state": "cancelled", "key": "k3"})
        # The new history table is insert-only.
        with db.transaction() as session:
            session.execute(
                text(
                    "INSERT INTO statement_revision_variants (revision_id, channel, subject, "
                    "text) SELECT id, 'webhook', '', 'Own.' FROM statement_revisions"
                )
            )
        for sql in ("UPDATE statement_revision_variants SET text = 'x'",):
            with pytest.raises(DBAPIError, match="insert-only"), db.transaction() as session:
                session.execute(text(sql))
        with pytest.raises(DBAPIError, match="insert-only"), db.transaction() as session:
            session.execute(text("DELETE FROM statement_revision_variants"))
    finally:
        db.dispose()


@pytest.mark.postgres
def test_a_login_made_before_the_upgrade_cannot_rewrite_revision_variants(
    postgres_server: Any,
) -> None:
    from sqlalchemy.engine import make_url

    from warroom.storage import db_roles

    db_url = postgres_server.create_database()
    _at_0011(db_url)
    login = "variants_login"
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO people (name, role, added_by, added_at, name_key, login) "
                    "VALUES ('Vic', 'comms', 'Vic', now(), 'vic', :login)"
                ),
                {"login": login},
            )
            # What db_roles granted a login before this version (the new table did not exist).
            connection.execute(text(f"CREATE ROLE {login} LOGIN PASSWORD 'pw'"))
            for sql in (
                f"GRANT USAGE ON SCHEMA public TO {login}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {login}",
                "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {login}",
            ):
                connection.execute(text(sql))
    finally:
        engine.dispose()
    try:
        open_database(db_url).dispose()
        as_login = create_engine(
            make_url(db_url).set(username=login, password="pw").render_as_string(False)
        )
        try:
            with pytest.raises(DBAPIError, match="permission denied"), as_login.begin() as c:
                c.execute(text("DELETE FROM statement_revision_variants"))
            with as_login.connect() as c:  # reading stays open
                assert (
                    c.execute(text("SELECT count(*) FROM statement_revision_variants")).scalar()
                    == 0
                )
        finally:
            as_login.dispose()
        assert "statement_revision_variants" in db_roles.INSERT_ONLY
    finally:
        postgres_server.drop_database(db_url)
        postgres_server._admin(f"DROP ROLE IF EXISTS {login}")
