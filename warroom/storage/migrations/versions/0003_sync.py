"""Outbox: remember when a row was first tried (Mastodon keeps an Idempotency-Key for 1 h).

Revision ID: 0003_sync
Revises: 0002_lessons_learned
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0003_sync"
down_revision = "0002_lessons_learned"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("first_attempt_at", UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("first_attempt_at")
