"""Team mode: a person's own login can do the incident's life too, including a login made
before migration 0014 (its per-column rights on the outbox are extended by the migration)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from alembic import command
from sqlalchemy import create_engine
from sqlalchemy.engine import make_url

from warroom.domain.outbox import DeliveryState
from warroom.services import build_services
from warroom.storage.database import open_database
from warroom.storage.migrate import alembic_config

pytestmark = pytest.mark.postgres

LOGINS = ("dana",)


@pytest.fixture
def owner_url(postgres_server: Any) -> Iterator[str]:
    url: str = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)
    for login in LOGINS:
        postgres_server._admin(f'DROP ROLE IF EXISTS "{login}"')


def test_a_login_from_before_the_migration_records_posts_and_holds(owner_url: str) -> None:
    db = open_database(owner_url)
    services = build_services(db)
    services.people.put("Lee", "lead", "Lee")
    services.people.put("Dana", "lead", "Lee", login_password="dana-pw")
    incident = services.incidents.open("Outage", 3, "Lee")
    statement = services.statements.draft(incident.id, ["mastodon"], "We are on it.", "Lee")
    services.statements.submit(statement.id, "Lee")
    db.dispose()
    # Back to 0011 (the new columns, and Dana's rights on them, are gone), then up again:
    # the migration must give Dana's existing login its rights on the new outbox columns.
    engine = create_engine(owner_url)
    try:
        command.downgrade(alembic_config(engine), "0011_search")
    finally:
        engine.dispose()
    db = open_database(owner_url)  # upgrades to the head
    owner = build_services(db)
    dana_db = open_database(make_url(owner_url).set(username="dana", password="dana-pw")
                            .render_as_string(hide_password=False))  # fmt: skip
    try:
        dana = build_services(dana_db)
        dana.lifecycle.set_status(incident.id, "identified", "Dana")
        owner.people.put("bob", "approver", "Lee")
        owner.statements.approve(statement.id, "bob")
        dana.statements.release(statement.id, "Dana")
        posted = dana.publication.posted(statement.id, "mastodon", "Dana")
        assert posted.state is DeliveryState.SENT and posted.posted_by == "Dana"
        assert dana.incidents.clocks(incident.id).last_public is not None
    finally:
        dana_db.dispose()
        db.dispose()
