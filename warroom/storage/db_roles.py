"""Team mode: each person's own PostgreSQL login role, and what it may do.

A person's login may read everything and write what the app writes for them (also in tables
that later migrations add, through default privileges), but the timeline, approvals,
revisions and signing keys are insert-only for it (no UPDATE, DELETE or TRUNCATE; the
triggers of migration 0007 refuse them for everyone), incidents, statements, checklist items
and outbox rows are never removed, the approved content of outbox rows cannot change (only
the delivery columns may), and people are managed only from the owner's connection. A
migration that adds a table of history must revoke the same way. On SQLite none of this
applies: '' is the login.
"""

from __future__ import annotations

import re

from sqlalchemy import text
from sqlalchemy.orm import Session

from warroom.domain.errors import RuleViolation, ValidationError

_LOGIN_KEY = "warroom_login"
LOGIN_MAX_BYTES = 63
_LOGIN_SHAPE = re.compile(r"^[^\x00-\x1f\"]+$")

#: tables a person's login may read and append to, but never change or empty
INSERT_ONLY = (
    "timeline_entries",
    "approvals",
    "statement_revisions",
    "statement_revision_variants",
    "person_keys",
)
#: tables whose rows a person's login may change but never remove
NO_DELETE = ("incidents", "statements", "checklist_items", "outbox")
#: tables only the owner changes
READ_ONLY = ("people", "alembic_version")
#: outbox columns the delivery worker updates; the approved content stays fixed
OUTBOX_DELIVERY_COLUMNS = (
    "state",
    "attempts",
    "next_attempt_at",
    "last_error",
    "remote_id",
    "remote_url",
    "record_key",
    "updated_at",
    "first_attempt_at",
    "posted_by",
    "posted_at",
    "confirmed_by",
)


def is_server(session: Session) -> bool:
    """Tell whether the session talks to PostgreSQL (team mode) rather than SQLite."""
    return session.get_bind().dialect.name == "postgresql"


def current_login(session: Session) -> str:
    """Return the database login of this connection ('' on SQLite), asked once per connection."""
    if not is_server(session):
        return ""
    connection = session.connection()
    cached = connection.info.get(_LOGIN_KEY)
    if cached is None:
        cached = str(connection.execute(text("SELECT current_user")).scalar())
        connection.info[_LOGIN_KEY] = cached
    return str(cached)


def _quoted(session: Session, name: str) -> str:
    return str(session.get_bind().dialect.identifier_preparer.quote_identifier(name))


def login_name_for(name_key: str) -> str:
    """Return the login role of a person (their name key), or refuse one PostgreSQL cannot hold."""
    if len(name_key.encode("utf-8")) > LOGIN_MAX_BYTES or not _LOGIN_SHAPE.match(name_key):
        raise ValidationError(
            f"{name_key!r} cannot be a database login (at most {LOGIN_MAX_BYTES} bytes, no "
            "quotes or control characters)"
        )
    return name_key


def create_login(session: Session, login: str, password: str) -> None:
    """Create ``login`` with ``password`` and grant it exactly what a person needs."""
    if not is_server(session):
        raise RuleViolation("--login is for a team database (PostgreSQL); this is a SQLite file")
    exists = session.execute(
        text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": login}
    ).scalar()
    if exists:
        raise RuleViolation(
            f"a database login named {login!r} already exists on this server; remove it or "
            "choose another name"
        )
    role = _quoted(session, login)
    # Passwords cannot be bound parameters in CREATE ROLE; quote it as a literal.
    literal = "'" + password.replace("'", "''") + "'"
    session.execute(text(f"CREATE ROLE {role} LOGIN PASSWORD {literal}"))
    database = _quoted(session, str(session.execute(text("SELECT current_database()")).scalar()))
    for statement in (
        f"GRANT CONNECT ON DATABASE {database} TO {role}",
        f"GRANT USAGE ON SCHEMA public TO {role}",
        # Everything the app writes, then the history taken back out of it. Tables that
        # later migrations create (as the owner) get the same everyday rights by default.
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {role}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {role}",
        "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
        f"ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {role}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {', '.join(INSERT_ONLY)} FROM {role}",
        f"REVOKE DELETE, TRUNCATE ON {', '.join(NO_DELETE)} FROM {role}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {', '.join(READ_ONLY)} FROM {role}",
        # The delivery worker records outcomes; the approved content of a row stays fixed.
        f"REVOKE UPDATE ON outbox FROM {role}",
        f"GRANT UPDATE ({', '.join(OUTBOX_DELIVERY_COLUMNS)}) ON outbox TO {role}",
    ):
        session.execute(text(statement))
