"""Checklist: mark the step whose ticking records that the regulator was notified.

Existing items were created before playbooks could say so; they default to false, so an
incident opened before the upgrade keeps its regulator clock running until it is closed,
as it did before.

Revision ID: 0005_regulator_notification
Revises: 0004_people
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_regulator_notification"
down_revision = "0004_people"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("checklist_items") as batch:
        batch.add_column(
            sa.Column(
                "stops_regulator_clock", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_items") as batch:
        batch.drop_column("stops_regulator_clock")
