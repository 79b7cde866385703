"""Per-channel variants of a statement, scheduled releases, and approvals that expire.

- ``statement_channels.variant_subject``/``variant_text``: a channel's own variant (NULL
  text: it follows the statement's main text, as every channel did before).
- ``statement_revision_variants``: the edited variants of each revision, insert-only like
  the revisions themselves (triggers on SQLite and PostgreSQL; person logins lose UPDATE,
  DELETE and TRUNCATE on it, as storage/db_roles.py does for new logins).
- ``statements.scheduled_for``/``scheduled_by``: a release set for a later time.
- ``incidents.approval_window_minutes``: how long an approval counts (NULL: 24 hours).
- ``outbox.not_before``: a scheduled release's rows are not claimed before that time; the
  approved content triggers now cover it too. The unique (statement, channel) constraint
  becomes a unique index over the rows that are not ``cancelled``: a schedule called off by
  an edit keeps its rows in the record, and the later release adds its own.

Existing statements have no edited variant, so their content hashes do not change.
SQLite rebuilds the outbox table to drop its constraint: the 0007_trust triggers on it are
recreated here. Columns elsewhere are added without a rebuild (the statements' search
triggers of 0011_search stay).

Revision ID: 0013_variants
Revises: 0011_search
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0013_variants"
down_revision = "0015_verify_checkpoint"
branch_labels = None
depends_on = None

TABLE = "statement_revision_variants"
LIVE_ROWS = "state <> 'cancelled'"
OUTBOX_FIXED_BEFORE = (
    "statement_id",
    "channel_id",
    "subject",
    "text",
    "content_hash",
    "idempotency_key",
)
OUTBOX_FIXED = (*OUTBOX_FIXED_BEFORE, "not_before")


def upgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    op.add_column("statement_channels", sa.Column("variant_subject", sa.String(200)))
    op.add_column("statement_channels", sa.Column("variant_text", sa.Text()))
    op.add_column("statements", sa.Column("scheduled_for", UTCDateTime()))
    op.add_column("statements", sa.Column("scheduled_by", sa.String(100)))
    op.add_column("incidents", sa.Column("approval_window_minutes", sa.Integer()))
    op.create_table(
        TABLE,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(40), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["statement_revisions.id"],
            name=op.f("fk_statement_revision_variants_revision_id_statement_revisions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_revision_variants")),
        sa.UniqueConstraint("revision_id", "channel", name="uq_revision_variant"),
    )
    op.create_index(op.f("ix_statement_revision_variants_revision_id"), TABLE, ["revision_id"])
    if postgresql:
        op.add_column("outbox", sa.Column("not_before", UTCDateTime()))
        op.drop_constraint("uq_outbox_statement_channel", "outbox", type_="unique")
        _live_index()
        _postgresql_guards()
    else:
        op.execute("DROP TRIGGER IF EXISTS outbox_content_fixed")
        op.execute("DROP TRIGGER IF EXISTS outbox_no_delete")
        with op.batch_alter_table("outbox", recreate="always") as batch:
            batch.add_column(sa.Column("not_before", UTCDateTime()))
            batch.drop_constraint("uq_outbox_statement_channel", type_="unique")
        _live_index()
        _sqlite_outbox_triggers(OUTBOX_FIXED)
        for action, verb in (("UPDATE", "changed"), ("DELETE", "removed")):
            op.execute(
                f"CREATE TRIGGER {TABLE}_no_{action.lower()} BEFORE {action} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{TABLE} is insert-only: rows are never {verb}'); "
                "END"
            )


def _live_index() -> None:
    op.create_index(
        "uq_outbox_live_statement_channel",
        "outbox",
        ["statement_id", "channel_id"],
        unique=True,
        sqlite_where=sa.text(LIVE_ROWS),
        postgresql_where=sa.text(LIVE_ROWS),
    )


def _sqlite_outbox_triggers(fixed: tuple[str, ...]) -> None:
    """(Re)create the 0007_trust guards of the outbox, over the ``fixed`` columns."""
    op.execute(
        f"CREATE TRIGGER outbox_content_fixed BEFORE UPDATE OF {', '.join(fixed)} "
        "ON outbox BEGIN SELECT RAISE(ABORT, 'the approved content of an outbox row is never "
        "changed'); END"
    )
    op.execute(
        "CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox "
        "BEGIN SELECT RAISE(ABORT, 'outbox is insert-only: rows are never removed'); END"
    )


def _outbox_function(fixed: tuple[str, ...]) -> None:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in fixed)
    op.execute(
        f"""
        CREATE OR REPLACE FUNCTION warroom_outbox_content_fixed() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            IF {changed} THEN
                RAISE EXCEPTION 'the approved content of an outbox row is never changed'
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            RETURN NEW;
        END $$
        """
    )


def _postgresql_guards() -> None:
    """The new history table is insert-only; the outbox's fixed columns include not_before."""
    _outbox_function(OUTBOX_FIXED)
    op.execute(
        f"CREATE TRIGGER {TABLE}_insert_only BEFORE UPDATE OR DELETE ON {TABLE} "
        "FOR EACH ROW EXECUTE FUNCTION warroom_insert_only()"
    )
    op.execute(
        f"CREATE TRIGGER {TABLE}_no_truncate BEFORE TRUNCATE ON {TABLE} "
        "FOR EACH STATEMENT EXECUTE FUNCTION warroom_insert_only()"
    )
    # Person logins got everyday rights on tables created later (default privileges): take
    # back what history must not allow, as db_roles does for a login created from now on.
    logins = op.get_bind().execute(sa.text("SELECT login FROM people WHERE login <> ''"))
    preparer = op.get_bind().dialect.identifier_preparer
    for (login,) in logins:
        exists = op.get_bind().execute(
            sa.text("SELECT 1 FROM pg_roles WHERE rolname = :name"), {"name": login}
        )
        if exists.scalar():
            op.execute(f"REVOKE UPDATE, DELETE, TRUNCATE ON {TABLE} FROM {preparer.quote(login)}")


def downgrade() -> None:
    connection = op.get_bind()
    postgresql = connection.dialect.name == "postgresql"
    op.drop_index("uq_outbox_live_statement_channel", table_name="outbox")
    if postgresql:
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_insert_only ON {TABLE}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_truncate ON {TABLE}")
        _outbox_function(OUTBOX_FIXED_BEFORE)
        op.drop_column("outbox", "not_before")
        op.create_unique_constraint(
            "uq_outbox_statement_channel", "outbox", ["statement_id", "channel_id"]
        )
    else:
        for trigger in ("outbox_content_fixed", "outbox_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_update")
        op.execute(f"DROP TRIGGER IF EXISTS {TABLE}_no_delete")
        with op.batch_alter_table("outbox", recreate="always") as batch:
            batch.drop_column("not_before")
            batch.create_unique_constraint(
                "uq_outbox_statement_channel", ["statement_id", "channel_id"]
            )
        _sqlite_outbox_triggers(OUTBOX_FIXED_BEFORE)
    op.drop_index(op.f("ix_statement_revision_variants_revision_id"), table_name=TABLE)
    op.drop_table(TABLE)
    op.drop_column("incidents", "approval_window_minutes")
    op.drop_column("statements", "scheduled_by")
    op.drop_column("statements", "scheduled_for")
    op.drop_column("statement_channels", "variant_text")
    op.drop_column("statement_channels", "variant_subject")
