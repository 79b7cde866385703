"""Channels: names unique after NFKC + case folding; an immutable id for the keychain.

``name_key`` is the name as compared (``warroom.domain.names.name_key``) with a unique
constraint, so "Email" and "email" can never be two channels, whichever program writes.
``uid`` is a random id that never changes: the keychain entry of a channel's secret is
keyed by it, not by the display name, so no two channels (in one database or in several
on one machine) share or overwrite a secret.

Existing data: a configured channel may have a secret stored under its name (the old key);
``legacy_secret_name`` remembers that name so the secret is still found (and copied to the
new key on first use). Two existing channels whose names differ only in case or width keep
both their rows: the later one is renamed ``<name>-<id>`` (its secret is still found
through ``legacy_secret_name``).

Revision ID: 0006_hardening
Revises: 0005_regulator_notification
"""

import uuid

import sqlalchemy as sa
from alembic import op

from warroom.domain.names import name_key

revision = "0006_hardening"
down_revision = "0005_regulator_notification"
branch_labels = None
depends_on = None

NAME_MAX = 40


def upgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.add_column(sa.Column("name_key", sa.String(200), nullable=True))
        batch.add_column(sa.Column("uid", sa.String(32), nullable=True))
        batch.add_column(sa.Column("legacy_secret_name", sa.String(40), nullable=True))
    bind = op.get_bind()
    rows = bind.execute(sa.text("SELECT id, name, configured FROM channels ORDER BY id")).all()
    taken = {name_key(name) for _id, name, _configured in rows}
    seen: set[str] = set()
    for channel_id, name, configured in rows:
        new_name, key = name, name_key(name)
        if key in seen:
            new_name, key = _free_name(name, channel_id, taken)
            taken.add(key)
        seen.add(key)
        bind.execute(
            sa.text(
                "UPDATE channels SET name = :name, name_key = :key, uid = :uid, "
                "legacy_secret_name = :legacy WHERE id = :id"
            ),
            {
                "name": new_name,
                "key": key,
                "uid": uuid.uuid4().hex,
                # Only a configured channel can have had a secret stored under its name.
                "legacy": name if configured else None,
                "id": channel_id,
            },
        )
    with op.batch_alter_table("channels") as batch:
        batch.alter_column("name_key", existing_type=sa.String(200), nullable=False)
        batch.alter_column("uid", existing_type=sa.String(32), nullable=False)
        batch.create_unique_constraint(op.f("uq_channels_name_key"), ["name_key"])
        batch.create_unique_constraint(op.f("uq_channels_uid"), ["uid"])


def _free_name(name: str, channel_id: int, taken: set[str]) -> tuple[str, str]:
    """Return a name (and its key) for a duplicate: ``<name>-<id>``, cut to fit."""
    attempt = 0
    while True:
        suffix = f"-{channel_id}" + (f"-{attempt}" if attempt else "")
        candidate = name[: NAME_MAX - len(suffix)] + suffix
        key = name_key(candidate)
        if key not in taken:
            return candidate, key
        attempt += 1


def downgrade() -> None:
    with op.batch_alter_table("channels") as batch:
        batch.drop_constraint(op.f("uq_channels_uid"), type_="unique")
        batch.drop_constraint(op.f("uq_channels_name_key"), type_="unique")
        batch.drop_column("legacy_secret_name")
        batch.drop_column("uid")
        batch.drop_column("name_key")
