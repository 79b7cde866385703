"""Claiming outbox rows: only one worker wins a row; the record key is chosen once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.sync.conftest import open_incident, release
from warroom.domain.outbox import DeliveryState
from warroom.storage import outbox_repo

pytestmark = pytest.mark.both_databases  # the claim must hold on PostgreSQL too


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


def test_a_row_left_sending_by_a_dead_worker_becomes_uncertain_on_a_webhook(
    services: Any, clock: Any
) -> None:
    from warroom.domain.channels import ChannelKind

    services.channel_setup.configure(
        "webhook", ChannelKind.WEBHOOK, {"url": "http://127.0.0.1:9/never"}, ""
    )
    incident = open_incident(services)
    (row,) = release(services, incident, ["webhook"], "Update.")
    with services.db.transaction() as session:
        outbox_repo.claim(session, row.id, clock.now, "")  # then the worker died

    assert services.delivery.run_once().uncertain == []  # too fresh: maybe still sending
    clock.advance(minutes=10)
    report = services.delivery.run_once()
    services.delivery.close()

    assert report.uncertain == [row.id]
    last = services.timeline.entries(incident)[-1]
    assert last.data["event"] == "delivery.uncertain"
    assert "the worker stopped while sending" in last.data["reason"]


def test_the_worker_runs_off_the_calling_thread_until_stopped(services: Any, social: Any) -> None:
    import threading

    from tests.integration.sync.conftest import MASTODON_TOKEN
    from warroom.domain.channels import ChannelKind

    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": social.url}, MASTODON_TOKEN
    )
    stop = threading.Event()
    reports: list[Any] = []
    worker = threading.Thread(
        target=services.delivery.watch,
        args=(stop,),
        kwargs={"poll_seconds": 0.05, "on_pass": reports.append},
    )
    worker.start()
    try:
        incident = open_incident(services)
        (row,) = release(services, incident, ["mastodon"], "Update.")
        deadline = threading.Event()
        for _ in range(200):
            if any(row.id in r.sent for r in reports):
                break
            deadline.wait(0.05)
    finally:
        stop.set()
        worker.join(10)
        services.delivery.close()
    assert not worker.is_alive()
    assert any(row.id in r.sent for r in reports)
    assert services.delivery.status().depth == 0


def test_two_workers_racing_for_one_row_claim_it_once(services: Any, clock: Any) -> None:
    import threading

    incident = open_incident(services)
    (row,) = release(services, incident, ["mastodon"], "Update.")
    barrier = threading.Barrier(4)
    results: list[bool] = []

    def worker() -> None:
        barrier.wait(10)
        with services.db.transaction() as session:
            results.append(outbox_repo.claim(session, row.id, clock.now, ""))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(results) == [False, False, False, True]
