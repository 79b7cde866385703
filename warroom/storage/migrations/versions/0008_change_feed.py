"""The change feed replaces the change counter: which (incident, area) each write changed.

Windows used to poll one counter and refresh every pane whenever it moved; the feed names
what changed so that each pane refreshes only when it must. The counter's history has no
use after the upgrade (a window re-reads everything when it first looks at the feed).

Also an index on the entry a correction corrects: the window marks the corrected entries
of the page it shows without scanning the whole timeline.

Revision ID: 0008_change_feed
Revises: 0007_trust
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_change_feed"
down_revision = "0007_trust"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "change_feed",
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("area", sa.String(16), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_change_feed")),
    )
    op.drop_table("change_counter")
    op.create_index("ix_timeline_corrects", "timeline_entries", ["incident_id", "corrects_seq"])


def downgrade() -> None:
    counter = op.create_table(
        "change_counter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_counter")),
    )
    op.bulk_insert(counter, [{"id": 1, "value": 0}])
    op.drop_table("change_feed")
    op.drop_index("ix_timeline_corrects", "timeline_entries")
