"""Verify checkpoints: the last head of each incident's chain that ``warroom verify`` proved.

``warroom verify --incident ID`` rechecks the entries after this head, and that the head
entry itself is unchanged, instead of every entry from the first (``--full`` still does).
``event_seqs`` lists the entries before the head that record the incident header,
statements and keys, which the check of every exported field re-reads. A checkpoint is
derived data, rewritten by each verification: it is not history, so person logins may
update it (an edited checkpoint makes the incremental check fail or recheck more, never
hide an altered entry after it; see the verify command's help).

Revision ID: 0015_verify_checkpoint
Revises: 0011_search
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0015_verify_checkpoint"
down_revision = "0014_lifecycle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verify_checkpoints",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(64), nullable=False),
        sa.Column("event_seqs", sa.Text(), nullable=False),
        sa.Column("verified_at", UTCDateTime(), nullable=False),
        sa.Column("verified_by", sa.String(100), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_verify_checkpoints_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_verify_checkpoints")),
    )


def downgrade() -> None:
    op.drop_table("verify_checkpoints")
