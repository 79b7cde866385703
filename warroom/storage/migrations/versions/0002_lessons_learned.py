"""Editable 'lessons learned' text of the post-incident review.

Revision ID: 0002_lessons_learned
Revises: 0001_core
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_lessons_learned"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.add_column(sa.Column("lessons_learned", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("incidents") as batch:
        batch.drop_column("lessons_learned")
