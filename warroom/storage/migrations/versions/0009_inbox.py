"""Listening: sources with their cursors, the triage inbox, in-thread replies, tracked terms.

Revision ID: 0009_inbox
Revises: 0008_change_feed
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0009_inbox"
down_revision = "0008_change_feed"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("cursors", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("last_pulled_at", UTCDateTime(), nullable=True),
        sa.Column("last_ok_at", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("stopped_reason", sa.Text(), nullable=False),
        sa.Column("items_count", sa.Integer(), nullable=False),
        sa.Column("skipped_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_sources_name")),
    )
    op.create_table(
        "inbox_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("source_name", sa.String(40), nullable=False),
        sa.Column("source_kind", sa.String(16), nullable=False),
        sa.Column("remote_id", sa.String(300), nullable=False),
        sa.Column("url", sa.String(1000), nullable=False),
        sa.Column("author_handle", sa.String(300), nullable=False),
        sa.Column("author_name", sa.String(300), nullable=False),
        sa.Column("author_followers", sa.Integer(), nullable=True),
        sa.Column("author_address", sa.String(300), nullable=False),
        sa.Column("subject", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("thread", sa.JSON(), nullable=False),
        sa.Column("posted_at", UTCDateTime(), nullable=False),
        sa.Column("posted_epoch", sa.BigInteger(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("truncated", sa.Boolean(), nullable=False),
        sa.Column("attachments", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("suggested_priority", sa.Integer(), nullable=False),
        sa.Column("suggestion_reasons", sa.JSON(), nullable=False),
        sa.Column("risk_words", sa.JSON(), nullable=False),
        sa.Column("sentiment", sa.Float(), nullable=True),
        sa.Column("priority", sa.Integer(), nullable=True),
        sa.Column("assignee", sa.String(100), nullable=False),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("attached_automatically", sa.Boolean(), nullable=False),
        sa.Column("reply_url", sa.String(1000), nullable=False),
        sa.Column("responded_at", UTCDateTime(), nullable=True),
        sa.Column("response_seconds", sa.Integer(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_inbox_items_source_id_sources"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_inbox_items_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbox_items")),
        sa.UniqueConstraint("source_id", "remote_id", name="uq_inbox_source_remote"),
    )
    op.create_index("ix_inbox_incident_state", "inbox_items", ["incident_id", "state"])
    op.create_index("ix_inbox_state_posted", "inbox_items", ["state", "posted_at"])
    op.create_index("ix_inbox_posted", "inbox_items", ["posted_at"])
    op.create_index(
        "ix_inbox_volume",
        "inbox_items",
        ["incident_id", "posted_epoch", "source_name", "sentiment"],
    )
    op.create_index(
        "ix_inbox_response",
        "inbox_items",
        ["incident_id", "response_seconds", "priority", "suggested_priority"],
    )
    op.create_table(
        "inbox_replies",
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("approvals_required", sa.Integer(), nullable=True),
        sa.Column("template_key", sa.String(64), nullable=True),
        sa.Column("preapproved_hash", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["statements.id"],
            name=op.f("fk_inbox_replies_statement_id_statements"),
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbox_items.id"], name=op.f("fk_inbox_replies_item_id_inbox_items")
        ),
        sa.PrimaryKeyConstraint("statement_id", name=op.f("pk_inbox_replies")),
    )
    op.create_index(op.f("ix_inbox_replies_item_id"), "inbox_replies", ["item_id"])
    op.create_table(
        "tracked_terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(200), nullable=False),
        sa.Column("added_by", sa.String(100), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_tracked_terms_incident_id_incidents")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracked_terms")),
        sa.UniqueConstraint("incident_id", "term", name="uq_tracked_term"),
    )
    op.create_index(op.f("ix_tracked_terms_incident_id"), "tracked_terms", ["incident_id"])


def downgrade() -> None:
    op.drop_table("tracked_terms")
    op.drop_table("inbox_replies")
    op.drop_table("inbox_items")
    op.drop_table("sources")
