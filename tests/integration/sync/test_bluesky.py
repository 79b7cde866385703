"""Delivering to a (fake, but honest) Bluesky PDS: createSession, createRecord, rkey dedup."""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.sync.conftest import BLUESKY_PASSWORD, open_incident, release
from tests.integration.sync.fakes import COLLECTION, DID
from warroom.domain.channels import ChannelKind
from warroom.sync.tid import is_valid


@pytest.fixture
def bluesky(services: Any, social: Any) -> Any:
    services.channel_setup.configure(
        "bluesky",
        ChannelKind.BLUESKY,
        {"url": social.url, "handle": social.handle, "read_timeout": 0.5},
        BLUESKY_PASSWORD,
    )
    yield services
    services.delivery.close()


def _row(services: Any, row_id: int) -> Any:
    return next(r for r in services.channels.outbox() if r.id == row_id)


def test_a_post_has_text_created_at_and_utf8_byte_facets(bluesky: Any, social: Any) -> None:
    incident = open_incident(bluesky)
    text = "Störung 🔥 behoben: https://status.example.com/incidents/42. Danke!"
    (row,) = release(bluesky, incident, ["bluesky"], text)

    assert bluesky.delivery.run_once().sent == [row.id]

    done = _row(bluesky, row.id)
    assert is_valid(done.record_key)
    (stored,) = social.records.values()
    record = stored["value"]
    assert record["$type"] == COLLECTION and record["text"] == text
    assert record["createdAt"].endswith("Z")
    (facet,) = record["facets"]
    url = "https://status.example.com/incidents/42"
    start = text.encode().index(url.encode())
    assert facet["index"] == {"byteStart": start, "byteEnd": start + len(url.encode())}
    assert facet["features"] == [{"$type": "app.bsky.richtext.facet#link", "uri": url}]
    assert done.remote_id == f"at://{DID}/{COLLECTION}/{done.record_key}"
    assert done.remote_url == f"https://bsky.app/profile/{social.handle}/post/{done.record_key}"
    login = next(r for r in social.requests if r[1].endswith("createSession"))
    assert login[0] == "POST"


def test_a_dropped_answer_after_the_post_was_stored_makes_no_second_post(
    bluesky: Any, social: Any, clock: Any
) -> None:
    incident = open_incident(bluesky)
    (row,) = release(bluesky, incident, ["bluesky"], "Service restored.")
    social.fault("POST", "/xrpc/com.atproto.repo.createRecord", "drop-after-store")

    assert bluesky.delivery.run_once().retrying == [row.id]
    clock.advance(seconds=30)
    assert bluesky.delivery.run_once().sent == [row.id]

    assert social.texts() == ["Service restored."]
    assert social.create_calls == 1  # the retry asked getRecord and did not create again
    assert any(path.endswith("getRecord") for _m, path, _h in social.requests)
    assert _row(bluesky, row.id).remote_url.endswith(_row(bluesky, row.id).record_key)


def test_a_server_error_before_storing_is_retried_under_the_same_key(
    bluesky: Any, social: Any, clock: Any
) -> None:
    incident = open_incident(bluesky)
    (row,) = release(bluesky, incident, ["bluesky"], "Investigating.")
    social.fault("POST", "/xrpc/com.atproto.repo.createRecord", "500")

    bluesky.delivery.run_once()
    key = _row(bluesky, row.id).record_key
    clock.advance(seconds=30)
    assert bluesky.delivery.run_once().sent == [row.id]

    assert list(social.records) == [key]  # the key chosen once was kept
    assert social.create_calls == 1


def test_a_wrong_app_password_fails_clearly(bluesky: Any, social: Any) -> None:
    social.app_password = "changed"
    incident = open_incident(bluesky)
    (row,) = release(bluesky, incident, ["bluesky"], "Investigating.")

    assert bluesky.delivery.run_once().failed == [row.id]
    reason = _row(bluesky, row.id).last_error
    assert "Bluesky login: HTTP 401" in reason and "Invalid identifier or password" in reason
    assert BLUESKY_PASSWORD not in reason


def test_a_429_on_create_waits_for_retry_after(bluesky: Any, social: Any, clock: Any) -> None:
    from datetime import timedelta

    incident = open_incident(bluesky)
    (row,) = release(bluesky, incident, ["bluesky"], "Investigating.")
    social.fault("POST", "/xrpc/com.atproto.repo.createRecord", "429:60")
    bluesky.delivery.run_once()
    assert _row(bluesky, row.id).next_attempt_at >= clock.now + timedelta(seconds=60)
    clock.advance(seconds=61)
    assert bluesky.delivery.run_once().sent == [row.id]
    assert len(social.records) == 1


def test_an_expired_session_is_renewed_on_the_spot(bluesky: Any, social: Any) -> None:
    incident = open_incident(bluesky)
    (first,) = release(bluesky, incident, ["bluesky"], "One.")
    assert bluesky.delivery.run_once().sent == [first.id]
    social.expire_session()
    (second,) = release(bluesky, incident, ["bluesky"], "Two.")

    assert bluesky.delivery.run_once().sent == [second.id]
    logins = [p for _m, p, _h in social.requests if p.endswith("createSession")]
    assert len(logins) == 2
    assert sorted(social.texts()) == ["One.", "Two."]


def test_rows_claimed_together_get_distinct_record_keys(bluesky: Any, social: Any) -> None:
    """A batch is claimed at one moment: a key shared by two rows would post one of them
    and count the other as sent (it would find the first's post under its key)."""
    incident = open_incident(bluesky)
    rows = [release(bluesky, incident, ["bluesky"], f"Update {n}.")[0] for n in range(12)]

    assert sorted(bluesky.delivery.run_once().sent) == sorted(r.id for r in rows)

    keys = {_row(bluesky, r.id).record_key for r in rows}
    assert len(keys) == len(rows)
    assert sorted(social.texts()) == sorted(f"Update {n}." for n in range(12))


def test_another_post_under_a_rows_key_is_never_counted_as_its_delivery(
    bluesky: Any, social: Any, clock: Any
) -> None:
    from warroom.storage import outbox_repo

    incident = open_incident(bluesky)
    (first,) = release(bluesky, incident, ["bluesky"], "First.")
    assert bluesky.delivery.run_once().sent == [first.id]
    taken = _row(bluesky, first.id).record_key
    (second,) = release(bluesky, incident, ["bluesky"], "Second.")
    with bluesky.db.transaction() as session:  # an interrupted attempt under the same key
        assert outbox_repo.claim(session, second.id, clock.now, taken)
        outbox_repo.finish(session, second.id, outbox_repo.DeliveryState.QUEUED, clock.now)

    report = bluesky.delivery.run_once()

    assert report.failed == [second.id] and report.sent == []
    assert "already holds another post" in _row(bluesky, second.id).last_error
    assert social.texts() == ["First."]
