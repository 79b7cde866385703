"""Claiming outbox rows: only one worker wins a row; the record key is chosen once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.integration.sync.conftest import open_incident, release
from warroom.domain.outbox import DeliveryState
from warroom.storage import outbox_repo


def test_only_one_claim_wins_and_the_record_key_sticks(services: Any, clock: Any) -> None:
    incident = open_incident(services)
    (row,) = release(services, incident, ["bluesky"], "Update.")
    db = services.db
    with db.transaction() as session:
        assert outbox_repo.claim(session, row.id, clock.now, "3kaaaaaaaaaa2")
        assert not outbox_repo.claim(session, row.id, clock.now, "3kbbbbbbbbbb2")
    with db.transaction() as session:
        assert outbox_repo.finish(session, row.id, DeliveryState.QUEUED, clock.now)
        clock.advance(minutes=5)
        assert outbox_repo.claim(session, row.id, clock.now, "3kcccccccccc2")
        claimed = outbox_repo.get(session, row.id)
    assert claimed.record_key == "3kaaaaaaaaaa2"
    assert claimed.attempts == 2
    assert claimed.first_attempt_at == clock.now - timedelta(minutes=5)
    with db.reading() as session:
        assert [r.id for r in outbox_repo.stale_sending(session, clock.now)] == [row.id]
        assert outbox_repo.stale_sending(session, clock.now - timedelta(seconds=1)) == []


def test_an_unconfigured_channel_keeps_its_rows_waiting(services: Any) -> None:
    incident = open_incident(services)
    (_row,) = release(services, incident, ["email"], "Update.")
    report = services.delivery.run_once()
    assert report.sent == [] and "not configured yet" in report.waiting["email"]
    assert services.delivery.status().depth == 1
    assert services.channels.outbox()[0].state is DeliveryState.QUEUED
