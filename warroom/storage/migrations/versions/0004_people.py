"""People and their roles in the war room (team mode).

Revision ID: 0004_people
Revises: 0003_sync
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0004_people"
down_revision = "0003_sync"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_people")),
        sa.UniqueConstraint("name", name=op.f("uq_people_name")),
    )


def downgrade() -> None:
    op.drop_table("people")
