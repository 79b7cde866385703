"""Trust: names compared as names, signing keys, signed approvals in review rounds, the
approved content hash on every outbox row, and insert-only history enforced by the database.

- ``people.name_key`` (NFKC + case fold, unique): "Priya" can no longer be added beside
  "priya". A database that already holds such twins is refused before anything changes.
- ``people.login``: the person's own database login role (team mode), '' without one.
- ``person_keys``: every public signing key ever registered (insert-only).
- ``approvals``: ``review_round``, ``signature``, ``key``; one approval per approver, text and
  round. ``statements.review_round`` rises on each rejection, voiding the round's approvals.
- ``statement_revisions.channels``: the channels a revision was written for (NULL before).
- ``outbox.content_hash``: the approved content hash, filled in for rows already queued.

Approvals given before this version were not signed and were bound to subject and text only;
statements approved but not yet released go back to review for fresh, signed approvals.

The timeline, approvals, revisions and keys become insert-only (no UPDATE, DELETE or
TRUNCATE), and the approved content of an outbox row can no longer be changed: SQLite
triggers (they stop tools and mistakes; verification catches a determined editor) and
PostgreSQL triggers (person logins also lack the privileges: see storage/db_roles.py).

Revision ID: 0007_trust
Revises: 0006_hardening
"""

import sqlalchemy as sa
from alembic import op

from warroom.domain.content import ChannelContent, approved_content_hash
from warroom.domain.errors import StorageError
from warroom.domain.names import name_key
from warroom.storage.types import UTCDateTime

revision = "0007_trust"
down_revision = "0006_hardening"
branch_labels = None
depends_on = None

APPEND_ONLY = ("timeline_entries", "approvals", "statement_revisions", "person_keys")
OUTBOX_FIXED = ("statement_id", "channel_id", "subject", "text", "content_hash", "idempotency_key")


def upgrade() -> None:
    connection = op.get_bind()
    keys = _people_keys(connection)
    with op.batch_alter_table("people") as batch:
        batch.add_column(sa.Column("name_key", sa.String(100), nullable=False, server_default=""))
        batch.add_column(sa.Column("login", sa.String(63), nullable=False, server_default=""))
    people = sa.table("people", sa.column("id", sa.Integer), sa.column("name_key", sa.String))
    for person_id, key in keys.items():
        connection.execute(people.update().where(people.c.id == person_id).values(name_key=key))
    with op.batch_alter_table("people") as batch:
        batch.create_unique_constraint(op.f("uq_people_name_key"), ["name_key"])
    op.create_table(
        "person_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person", sa.String(100), nullable=False),
        sa.Column("person_key", sa.String(100), nullable=False),
        sa.Column("fingerprint", sa.String(32), nullable=False),
        sa.Column("public_key", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_keys")),
        sa.UniqueConstraint("fingerprint", name=op.f("uq_person_keys_fingerprint")),
    )
    op.create_index(op.f("ix_person_keys_person_key"), "person_keys", ["person_key"])
    with op.batch_alter_table("statements") as batch:
        batch.add_column(
            sa.Column("review_round", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("approvals") as batch:
        batch.add_column(
            sa.Column("review_round", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(sa.Column("signature", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("key", sa.String(32), nullable=False, server_default=""))
        batch.drop_constraint("uq_approval_once", type_="unique")
        batch.create_unique_constraint(
            "uq_approval_once", ["statement_id", "approver", "content_hash", "review_round"]
        )
    with op.batch_alter_table("statement_revisions") as batch:
        batch.add_column(sa.Column("channels", sa.JSON(), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(
            sa.Column("content_hash", sa.String(64), nullable=False, server_default="")
        )
    _fill_outbox_hashes(connection)
    connection.execute(
        sa.text("UPDATE statements SET state = 'in_review' WHERE state = 'approved'")
    )
    if connection.dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _people_keys(connection: sa.Connection) -> dict[int, str]:
    """Return each person's name key; refuse (changing nothing) when two names are twins."""
    rows = connection.execute(sa.text("SELECT id, name FROM people ORDER BY id")).all()
    keys: dict[int, str] = {}
    seen: dict[str, str] = {}
    for person_id, name in rows:
        key = name_key(name)
        if key in seen:
            raise StorageError(
                f"the people {seen[key]!r} and {name!r} are the same name; remove one of them "
                "with the previous version of War Room, then upgrade (nothing was changed)"
            )
        seen[key] = name
        keys[person_id] = key
    return keys


def _fill_outbox_hashes(connection: sa.Connection) -> None:
    """Give rows released before this version the hash of what their release sent."""
    rows = connection.execute(
        sa.text(
            "SELECT o.id, o.statement_id, c.name, o.subject, o.text FROM outbox o "
            "JOIN channels c ON c.id = o.channel_id ORDER BY o.id"
        )
    ).all()
    by_statement: dict[int, list[tuple[int, ChannelContent]]] = {}
    for row_id, statement_id, channel, subject, text in rows:
        by_statement.setdefault(statement_id, []).append(
            (row_id, ChannelContent(channel, subject or "", text))
        )
    outbox = sa.table("outbox", sa.column("id", sa.Integer), sa.column("content_hash", sa.String))
    for members in by_statement.values():
        digest = approved_content_hash(content for _id, content in members)
        for row_id, _content in members:
            connection.execute(
                outbox.update().where(outbox.c.id == row_id).values(content_hash=digest)
            )


def _sqlite_triggers() -> None:
    for table in APPEND_ONLY:
        for action, verb in (("UPDATE", "changed"), ("DELETE", "removed")):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is insert-only: rows are never {verb}'); "
                "END"
            )
    op.execute(
        f"CREATE TRIGGER outbox_content_fixed BEFORE UPDATE OF {', '.join(OUTBOX_FIXED)} "
        "ON outbox BEGIN SELECT RAISE(ABORT, 'the approved content of an outbox row is never "
        "changed'); END"
    )
    op.execute(
        "CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox "
        "BEGIN SELECT RAISE(ABORT, 'outbox is insert-only: rows are never removed'); END"
    )


def _postgresql_triggers() -> None:
    op.execute(
        """
        CREATE FUNCTION warroom_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION '% is insert-only: rows are never changed or removed',
                TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
        END $$
        """
    )
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in OUTBOX_FIXED)
    op.execute(
        f"""
        CREATE FUNCTION warroom_outbox_content_fixed() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {changed} THEN
                RAISE EXCEPTION 'the approved content of an outbox row is never changed'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    # A person's own login may register only their own key and sign only as themselves; a
    # person who has a login signs only through it (not even the owner's connection may).
    op.execute(
        """
        CREATE FUNCTION warroom_own_identity() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
            me people%ROWTYPE;
            target people%ROWTYPE;
        BEGIN
            SELECT * INTO me FROM people WHERE login <> '' AND login = current_user;
            IF TG_TABLE_NAME = 'person_keys' THEN
                SELECT * INTO target FROM people WHERE name_key = NEW.person_key;
            ELSE
                SELECT * INTO target FROM people WHERE name = NEW.approver;
            END IF;
            IF me.id IS NOT NULL AND (target.id IS NULL OR target.id <> me.id) THEN
                RAISE EXCEPTION 'you are connected as %', me.name
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            IF target.id IS NOT NULL AND target.login <> '' AND target.login <> current_user
            THEN
                RAISE EXCEPTION '% signs only when connected with their own login', target.name
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )
    for table in (*APPEND_ONLY, "outbox"):
        if table != "outbox":
            op.execute(
                f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION warroom_insert_only()"
            )
        else:
            op.execute(
                "CREATE TRIGGER outbox_content_fixed BEFORE UPDATE ON outbox "
                "FOR EACH ROW EXECUTE FUNCTION warroom_outbox_content_fixed()"
            )
            op.execute(
                "CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox "
                "FOR EACH ROW EXECUTE FUNCTION warroom_insert_only()"
            )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION warroom_insert_only()"
        )
    for table in ("person_keys", "approvals"):
        op.execute(
            f"CREATE TRIGGER {table}_own_identity BEFORE INSERT ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION warroom_own_identity()"
        )


def downgrade() -> None:
    connection = op.get_bind()
    if connection.dialect.name == "postgresql":
        for table in (*APPEND_ONLY, "outbox"):
            for suffix in ("insert_only", "no_truncate", "content_fixed", "no_delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_{suffix} ON {table}")
        for table in ("person_keys", "approvals"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_own_identity ON {table}")
        for function in ("warroom_insert_only", "warroom_outbox_content_fixed"):
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
        op.execute("DROP FUNCTION IF EXISTS warroom_own_identity()")
    else:
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")
        op.execute("DROP TRIGGER IF EXISTS outbox_content_fixed")
        op.execute("DROP TRIGGER IF EXISTS outbox_no_delete")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("content_hash")
    with op.batch_alter_table("statement_revisions") as batch:
        batch.drop_column("channels")
    with op.batch_alter_table("approvals") as batch:
        batch.drop_constraint("uq_approval_once", type_="unique")
        batch.create_unique_constraint(
            "uq_approval_once", ["statement_id", "approver", "content_hash"]
        )
        batch.drop_column("key")
        batch.drop_column("signature")
        batch.drop_column("review_round")
    with op.batch_alter_table("statements") as batch:
        batch.drop_column("review_round")
    op.drop_index(op.f("ix_person_keys_person_key"), table_name="person_keys")
    op.drop_table("person_keys")
    with op.batch_alter_table("people") as batch:
        batch.drop_constraint(op.f("uq_people_name_key"), type_="unique")
        batch.drop_column("login")
        batch.drop_column("name_key")
