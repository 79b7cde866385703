"""Pure parts of the sync layer: TIDs, backoff, Retry-After, facets, redaction, MIME."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.outbox import Delivery, DeliveryState
from warroom.sync import tid
from warroom.sync.backoff import Backoff, parse_retry_after
from warroom.sync.connectors.bluesky import iso_millis, link_facets
from warroom.sync.connectors.email import build_message, message_id
from warroom.sync.connectors.webhook import payload, signature
from warroom.sync.redact import scrub

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _row(**changes: object) -> Delivery:
    values: dict[str, object] = dict(
        id=7,
        statement_id=3,
        incident_id=1,
        channel_id=2,
        channel_name="email",
        state=DeliveryState.SENDING,
        idempotency_key="abc123",
        subject="Outage",
        text="Hello",
        attempts=1,
        created_at=NOW,
        updated_at=NOW,
    )
    values.update(changes)
    return Delivery(**values)  # type: ignore[arg-type]


def test_tids_are_valid_sortable_and_round_trip() -> None:
    first = tid.make_tid(NOW, clock_id=5)
    later = tid.make_tid(NOW + timedelta(microseconds=1), clock_id=0)
    assert tid.is_valid(first) and len(first) == 13
    assert first < later
    assert tid.decode(first) == (int(NOW.timestamp() * 1_000_000) << 10) | 5
    assert tid.is_valid("3jzfcijpj2z2a")  # the spec's example
    for bad in ("3jzfcijpj2z2", "kjzfcijpj2z2a", "3JZFCIJPJ2Z2A", "3jzfcijpj2z21"):
        assert not tid.is_valid(bad)
    with pytest.raises(ValueError):
        tid.make_tid(NOW, clock_id=1024)


def test_backoff_grows_with_jitter_and_respects_the_cap() -> None:
    backoff = Backoff(base=2, cap=60, rng=random.Random(1))
    delays = [backoff.delay(n) for n in range(1, 10)]
    for attempt, delay in enumerate(delays, start=1):
        nominal = min(60, 2 * 2 ** (attempt - 1))
        assert nominal / 2 <= delay <= nominal
    assert max(delays) <= 60


def test_retry_after_wins_when_longer() -> None:
    backoff = Backoff(base=2, rng=random.Random(1))
    assert backoff.delay(1, retry_after=120) == 120
    assert backoff.delay(1, retry_after=0) >= 0


def test_retry_after_header_in_seconds_or_as_a_date() -> None:
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after("Mon, 23 Nov 2026 09:01:30 GMT", NOW) == 90
    assert parse_retry_after("Mon, 23 Nov 2026 08:00:00 GMT", NOW) == 0
    assert parse_retry_after("soon", NOW) is None
    assert parse_retry_after(None, NOW) is None


def test_link_facets_count_utf8_bytes_and_drop_trailing_punctuation() -> None:
    text = "Ça va 👍 see https://example.com/a_(b) and (https://x.example/y)."
    facets = link_facets(text)
    urls = [f["features"][0]["uri"] for f in facets]
    assert urls == ["https://example.com/a_(b)", "https://x.example/y"]
    raw = text.encode()
    for facet, url in zip(facets, urls, strict=True):
        index = facet["index"]
        assert raw[index["byteStart"] : index["byteEnd"]].decode() == url
    assert link_facets("no links here") == []


def test_iso_millis_is_the_lexicon_datetime() -> None:
    assert iso_millis(NOW.replace(microsecond=123456)) == "2026-11-23T09:00:00.123Z"


def test_scrub_masks_secrets_tokens_and_auth_headers() -> None:
    secret = "p@ss word/1"
    text = (
        f"failed with {secret} and p%40ss%20word%2F1, header Authorization: Bearer abc.def "
        "and token eyJhbGciOi.eyJzdWIi.sig and {'authorization': 'Basic dXNlcjpwdw=='}"
    )
    clean = scrub(text, [secret])
    assert secret not in clean and "p%40ss" not in clean
    assert "abc.def" not in clean and "eyJhbGciOi" not in clean and "dXNlcjpwdw" not in clean
    assert scrub("nothing to hide", ["x"]) == "nothing to hide"


def test_the_email_has_stable_message_id_and_all_headers() -> None:
    row = _row(text="Line one\nLigne deux — é")
    message = build_message(
        row,
        sender="War Room <crisis@example.com>",
        recipients=["a@example.org", "b@example.org"],
        at=NOW,
    )
    assert message["Message-ID"] == "<warroom.abc123@example.com>"
    assert message["Message-ID"] == message_id("abc123", "crisis@example.com")
    assert message["To"] == "a@example.org, b@example.org"
    assert message["Subject"] == "Outage"
    assert message["Date"] == "Mon, 23 Nov 2026 09:00:00 +0000"
    assert message.get_content_type() == "multipart/alternative"
    plain, rich = message.iter_parts()
    assert (plain.get_content_type(), plain.get_content_charset()) == ("text/plain", "utf-8")
    assert (rich.get_content_type(), rich.get_content_charset()) == ("text/html", "utf-8")
    assert message["Auto-Submitted"] == "auto-generated"
    assert (
        build_message(_row(subject=""), sender="c@example.com", recipients=["a@x.org"], at=NOW)[
            "Subject"
        ]
        == "Incident update"
    )


def test_the_webhook_signature_is_hmac_sha256_of_the_body() -> None:
    import hashlib
    import hmac
    import json

    body = payload(_row(), NOW)
    document = json.loads(body)
    assert (document["text"], document["incident"], document["statement"], document["outbox"]) == (
        "Hello",
        1,
        3,
        7,
    )
    digest = hmac.new(b"k", body, hashlib.sha256).hexdigest()
    assert signature("k", body) == f"sha256={digest}"


@pytest.mark.parametrize(
    ("kind", "settings", "text"),
    [
        ("mastodon", {"url": "http://127.0.0.1:9"}, "x" * 501),
        ("webhook", {"url": "http://127.0.0.1:9/hook"}, "x" * 4001),
        ("bluesky", {"url": "http://127.0.0.1:9", "handle": "a.b"}, "e\u0301" * 301),
    ],
)
def test_connectors_refuse_what_the_editor_shows_as_too_long_before_any_network(
    kind: str, settings: dict[str, object], text: str
) -> None:
    from warroom.domain.channels import Channel, ChannelKind, fit
    from warroom.sync.connectors import make_connector
    from warroom.sync.outcomes import PermanentError

    channel = Channel(2, kind, ChannelKind(kind), settings, configured=True)
    connector = make_connector(channel, "secret")
    row = _row(channel_name=kind, text=text, record_key=tid.make_tid(NOW))
    try:
        with pytest.raises(PermanentError) as refused:  # port 9 would be a TransientError
            connector.deliver(row)
    finally:
        connector.close()
    assert str(refused.value) == fit(channel, text).problem
