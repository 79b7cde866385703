"""The incident's life and honest clocks (issue 14).

- ``incidents.status`` (investigating, identified, monitoring, resolved),
  ``incidents.cadence_minutes`` (NULL: the severity's cadence; 0: none) and
  ``incidents.hold_minutes`` (how long a released statement may wait in the outbox before a
  person must confirm it; 30 by default);
- ``outbox.posted_by`` / ``outbox.posted_at``: a post a person made by hand and recorded;
  ``outbox.confirmed_by``: who let a held row go out;
- ``checklist_items.assignee``: the person an item is assigned to;
- an index of the timeline by kind: the clocks read an incident's header entries (kind
  'status') for its cadence periods, without scanning a long timeline.

Plain ADD COLUMNs (no SQLite table rebuild, so the insert-only and search triggers stay).
On PostgreSQL, existing person logins get UPDATE on the new outbox columns: their rights on
the outbox are granted per column (storage/db_roles.py), and a column grant does not reach
columns added later.

Revision ID: 0014_lifecycle
Revises: 0011_search
"""

import sqlalchemy as sa
from alembic import op

from warroom.storage.types import UTCDateTime

revision = "0014_lifecycle"
down_revision = "0011_search"
branch_labels = None
depends_on = None

_OUTBOX_COLUMNS = ("posted_by", "posted_at", "confirmed_by")


def upgrade() -> None:
    op.add_column(
        "incidents",
        sa.Column("status", sa.String(16), nullable=False, server_default="investigating"),
    )
    op.add_column("incidents", sa.Column("cadence_minutes", sa.Integer(), nullable=True))
    op.add_column(
        "incidents", sa.Column("hold_minutes", sa.Integer(), nullable=False, server_default="30")
    )
    op.add_column(
        "outbox", sa.Column("posted_by", sa.String(100), nullable=False, server_default="")
    )
    op.add_column("outbox", sa.Column("posted_at", UTCDateTime(), nullable=True))
    op.add_column(
        "outbox", sa.Column("confirmed_by", sa.String(100), nullable=False, server_default="")
    )
    op.add_column(
        "checklist_items",
        sa.Column("assignee", sa.String(100), nullable=False, server_default=""),
    )
    op.create_index("ix_timeline_kind", "timeline_entries", ["incident_id", "kind", "seq"])
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    preparer = bind.dialect.identifier_preparer
    logins = bind.execute(
        sa.text(
            "SELECT p.login FROM people p JOIN pg_roles r ON r.rolname = p.login "
            "WHERE p.login <> ''"
        )
    ).scalars()
    for login in logins:
        op.execute(
            f"GRANT UPDATE ({', '.join(_OUTBOX_COLUMNS)}) ON outbox TO "
            f"{preparer.quote_identifier(str(login))}"
        )


def downgrade() -> None:
    op.drop_index("ix_timeline_kind", table_name="timeline_entries")
    op.drop_column("checklist_items", "assignee")
    for column in _OUTBOX_COLUMNS:
        op.drop_column("outbox", column)
    for column in ("hold_minutes", "cadence_minutes", "status"):
        op.drop_column("incidents", column)
