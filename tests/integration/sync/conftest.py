"""Fixtures for delivery tests: released statements, configured channels, fake servers."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from tests.integration.sync.fakes import FakeSocial

MASTODON_TOKEN = "mastodon-token-Secret-4f1c9a"
BLUESKY_PASSWORD = "bsky-app-pass-Secret-77aa"
SMTP_PASSWORD = "smtp-pass-Secret-93be"
WEBHOOK_SECRET = "hook-signing-Secret-5d2e"


@pytest.fixture
def social() -> Iterator[FakeSocial]:
    """A running fake Mastodon + Bluesky server."""
    with FakeSocial(token=MASTODON_TOKEN, app_password=BLUESKY_PASSWORD) as server:
        yield server


def open_incident(services: Any) -> int:
    incident = services.incidents.open("Checkout outage", 3, "alice")
    return int(incident.id)


def release(
    services: Any, incident_id: int, channels: Sequence[str], text: str, subject: str = ""
) -> list[Any]:
    """Take a statement through the real workflow and return its outbox rows (an email
    statement gets a subject: it needs one to be submitted)."""
    if "email" in channels and not subject:
        subject = "Service update"
    statement = services.statements.draft(
        incident_id, list(channels), text, "alice", subject=subject
    )
    services.statements.submit(statement.id, "alice")
    services.statements.approve(statement.id, "bob")
    services.statements.release(statement.id, "alice")
    return list(services.channels.outbox(statement_id=statement.id))


def bulk_release(
    db: Any, incident_id: int, channels: Sequence[str], texts: Sequence[str], at: Any
) -> None:
    """Queue many released statements in one transaction (fast fixture for big drains)."""
    from warroom.domain.statements import StatementState
    from warroom.storage import channel_repo, outbox_repo, statement_repo

    with db.transaction() as session:
        targets = channel_repo.by_names(session, list(channels))
        for text in texts:
            statement = statement_repo.add(
                session,
                incident_id=incident_id,
                channels=targets,
                subject="",
                text=text,
                author="alice",
                at=at,
                next_update_by=None,
                template_key=None,
            )
            statement_repo.set_state(
                session,
                statement.id,
                StatementState.RELEASED,
                at,
                expected_version=statement.version,
                released_by="alice",
            )
            outbox_repo.enqueue(
                session,
                statement_id=statement.id,
                channels=targets,
                subject="",
                text=text,
                at=at,
                content_hash=statement.content_hash,
            )


@pytest.fixture(scope="session")
def synapse() -> Iterator[Any]:
    """One real Synapse homeserver for the session (it takes seconds to start)."""
    import os

    from tests.support.synapse import SynapseServer, SynapseUnavailable

    try:
        server = SynapseServer()
    except SynapseUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"Synapse is required on CI: {error}")
        pytest.skip(str(error))
    try:
        server.start()
        yield server
    finally:
        server.cleanup()
