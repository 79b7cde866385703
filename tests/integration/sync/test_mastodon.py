"""Delivering to a (fake, but honest) Mastodon server: wire format, faults, exactly once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.sync.conftest import MASTODON_TOKEN, open_incident, release
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.outbox import DeliveryState
from warroom.domain.timeline import EntryKind


@pytest.fixture
def mastodon(services: Any, social: Any) -> Any:
    services.channel_setup.configure(
        "mastodon",
        ChannelKind.MASTODON,
        {"url": social.url, "read_timeout": 0.5},
        MASTODON_TOKEN,
    )
    yield services
    services.delivery.close()


def _channel(services: Any, name: str) -> Channel:
    """Return the channel called ``name`` as stored now."""
    return next(c for c in services.channels.all() if c.name == name)


def _row(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def _events(services: Any, incident_id: int) -> list[dict[str, Any]]:
    entries = services.timeline.entries(incident_id)
    return [
        dict(e.data)
        for e in entries
        if e.kind is EntryKind.STATEMENT and str(e.data.get("event", "")).startswith("delivery.")
    ]


def test_a_statement_is_posted_once_with_token_and_idempotency_key(
    mastodon: Any, social: Any
) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "We are investigating checkout errors.")

    report = mastodon.delivery.run_once()

    assert report.sent == [row.id]
    _method, _path, headers = next(r for r in social.requests if r[1] == "/api/v1/statuses")
    assert headers["Authorization"] == f"Bearer {MASTODON_TOKEN}"
    assert headers["Idempotency-Key"] == row.idempotency_key
    assert social.texts() == ["We are investigating checkout errors."]
    done = _row(mastodon, row.id)
    assert done.state is DeliveryState.SENT
    assert done.remote_url == social.statuses[0]["url"]
    (event,) = _events(mastodon, incident)
    assert event["event"] == "delivery.sent"
    assert event["url"] == done.remote_url
    assert (event["statement"], event["channel"], event["outbox"]) == (
        row.statement_id,
        "mastodon",
        row.id,
    )
    assert _channel(mastodon, "mastodon").last_error == ""


def test_a_server_error_is_retried_after_backoff(mastodon: Any, social: Any, clock: Any) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Update one.")
    social.fault("POST", "/api/v1/statuses", "500")

    first = mastodon.delivery.run_once()
    queued = _row(mastodon, row.id)
    assert first.retrying == [row.id]
    assert queued.state is DeliveryState.QUEUED
    assert "HTTP 500" in queued.last_error
    assert queued.next_attempt_at > clock.now

    assert mastodon.delivery.run_once().sent == []  # not due yet
    clock.advance(seconds=10)
    assert mastodon.delivery.run_once().sent == [row.id]
    assert social.texts() == ["Update one."]


def test_429_retry_after_is_honoured(mastodon: Any, social: Any, clock: Any) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Update two.")
    social.fault("POST", "/api/v1/statuses", "429:120")

    mastodon.delivery.run_once()
    queued = _row(mastodon, row.id)
    assert queued.next_attempt_at >= clock.now + timedelta(seconds=120)
    assert "retry after 120 s" in queued.last_error

    clock.advance(seconds=100)
    assert mastodon.delivery.run_once().sent == []
    clock.advance(seconds=21)
    assert mastodon.delivery.run_once().sent == [row.id]
    assert len(social.statuses) == 1


@pytest.mark.parametrize("fault", ["hang-after-store:1.5", "drop-after-store"])
def test_a_lost_answer_after_the_post_was_stored_makes_no_second_post(
    mastodon: Any, social: Any, clock: Any, fault: str
) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Update three.")
    social.fault("POST", "/api/v1/statuses", fault)

    assert mastodon.delivery.run_once().retrying == [row.id]
    assert len(social.statuses) == 1  # it did land
    clock.advance(seconds=30)
    assert mastodon.delivery.run_once().sent == [row.id]

    assert social.texts() == ["Update three."]
    assert social.duplicate_creates == 1  # the retry was answered from the key
    assert _row(mastodon, row.id).remote_url == social.statuses[0]["url"]


def test_after_an_hour_the_row_is_reconciled_not_resent(
    mastodon: Any, social: Any, clock: Any
) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Update four:\nall clear & back.")
    social.fault("POST", "/api/v1/statuses", "drop-after-store")
    mastodon.delivery.run_once()
    social.forget_idempotency_keys()  # Mastodon keeps keys for one hour only

    clock.advance(hours=2)
    # Two hours after its release the row is held (the hold window) until a person confirms;
    # confirming lets the worker reconcile it, never post it twice.
    assert mastodon.delivery.run_once().held == [row.id]
    mastodon.holds.confirm(row.id, "alice")
    report = mastodon.delivery.run_once()

    assert report.sent == [row.id]
    assert social.texts() == ["Update four:\nall clear & back."]
    assert any(path == "/api/v1/accounts/109/statuses" for _m, path, _h in social.requests)
    event = _events(mastodon, incident)[-1]
    assert "found among the account's statuses" in event["detail"]


def test_a_rejected_token_stops_the_row_with_a_clear_reason(mastodon: Any, social: Any) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Update five.")
    social.token = "rotated-by-the-admin"

    report = mastodon.delivery.run_once()

    assert report.failed == [row.id]
    failed = _row(mastodon, row.id)
    assert failed.state is DeliveryState.FAILED
    assert "HTTP 401" in failed.last_error and "credentials were rejected" in failed.last_error
    assert MASTODON_TOKEN not in failed.last_error
    (event,) = _events(mastodon, incident)
    assert event["event"] == "delivery.failed" and "HTTP 401" in event["reason"]
    assert _channel(mastodon, "mastodon").last_error  # shown as offline
    assert mastodon.delivery.run_once().failed == []  # stopped: not retried


def test_an_unreachable_instance_keeps_the_row_queued_and_marks_the_channel_offline(
    services: Any, clock: Any
) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    services.channel_setup.configure(
        "mastodon", ChannelKind.MASTODON, {"url": f"http://127.0.0.1:{port}"}, MASTODON_TOKEN
    )
    incident = open_incident(services)
    rows = release(services, incident, ["mastodon"], "Update six.")
    rows += release(services, incident, ["mastodon"], "Update seven.")

    report = services.delivery.run_once()
    services.delivery.close()

    assert report.retrying == [rows[0].id]  # the second row was not even tried
    assert "offline" in report.waiting["mastodon"]
    assert "could not connect (Failed to establish a new connection" in report.waiting["mastodon"]
    assert "object at 0x" not in report.waiting["mastodon"]
    assert all(_row(services, r.id).state is DeliveryState.QUEUED for r in rows)
    status = services.delivery.status()
    (state,) = [s for s in status.channels if s.name == "mastodon"]
    assert state.online is False
    assert status.depth == 2
    assert _events(services, incident) == []  # nothing final happened


def test_a_delivery_for_a_closed_incident_is_still_recorded(mastodon: Any, social: Any) -> None:
    incident = open_incident(mastodon)
    (row,) = release(mastodon, incident, ["mastodon"], "Final update: resolved.")
    mastodon.incidents.close(incident, "alice", anyway="wrapping up the test")

    assert mastodon.delivery.run_once().sent == [row.id]
    assert _events(mastodon, incident)[-1]["event"] == "delivery.sent"
