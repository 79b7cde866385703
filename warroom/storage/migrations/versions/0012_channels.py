"""Channels that speak their real formats: the remote incident each channel keeps per incident.

A hosted status page (Statuspage) has its own incident for each War Room incident: the
first public statement creates it, later ones add updates to it. Its id is kept here, one
row per (channel, incident). Channel kinds and formats themselves live in the channels'
settings (JSON) and need no schema change.

Revision ID: 0012_channels
Revises: 0011_search
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0012_channels"
down_revision = "0013_variants"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_incidents",
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("remote_id", sa.String(300), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channels.id"],
            name=op.f("fk_channel_incidents_channel_id_channels"),
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_channel_incidents_incident_id_incidents"),
        ),
        sa.PrimaryKeyConstraint("channel_id", "incident_id", name=op.f("pk_channel_incidents")),
    )


def downgrade() -> None:
    op.drop_table("channel_incidents")
