"""Upgrading a 0005 database with configured channels to 0012_channels, on SQLite and
PostgreSQL: existing channels keep their settings (a webhook without a format is generic),
and the remote incidents table works."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import create_engine, text

from warroom.domain.channels import ChannelKind, fit
from warroom.services import build_services
from warroom.storage import channel_repo
from warroom.storage.database import open_database
from warroom.storage.schema import HEAD

pytestmark = pytest.mark.both_databases


def test_upgrade_keeps_channels_and_adds_remote_incidents(db_url: str, clock: Any) -> None:
    from warroom.storage.migrate import upgrade_to

    engine = create_engine(db_url)
    try:
        upgrade_to(engine, "0005_regulator_notification")
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE channels SET settings = :settings, configured = :yes "
                    "WHERE name = 'webhook'"
                ),
                {"settings": '{"url": "https://hooks.example.com/warroom"}', "yes": True},
            )
    finally:
        engine.dispose()

    db = open_database(db_url)
    try:
        services = build_services(db, clock=clock)
        with db.reading() as session:
            revision = session.execute(text("SELECT version_num FROM alembic_version")).scalar()
            webhook = channel_repo.by_name(session, "webhook")
        assert revision == HEAD == "0012_channels"
        assert webhook.configured and webhook.settings["url"] == "https://hooks.example.com/warroom"
        assert fit(webhook, "x" * 4000).fits and not fit(webhook, "x" * 4001).fits
        incident = services.incidents.open("Outage", 3, "alice").id
        with db.transaction() as session:
            channel_repo.set_remote_incident(session, webhook.id, incident, "pg-1", clock())
        with db.transaction() as session:
            channel_repo.set_remote_incident(session, webhook.id, incident, "pg-2", clock())
        with db.reading() as session:
            assert channel_repo.remote_incident(session, webhook.id, incident) == "pg-2"
            assert channel_repo.remote_incident(session, webhook.id, incident + 1) is None
        kinds = {c.kind for c in services.channels.all()}
        assert ChannelKind.MATRIX not in kinds  # no default channel of the new kinds appears
    finally:
        db.dispose()
