"""Variants, approval expiry and scheduling as pure rules, and what the chain derives of them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.chain_state import derive
from warroom.domain.channels import Channel, ChannelKind
from warroom.domain.content import ChannelContent, approved_content_hash, content_hash_of
from warroom.domain.errors import ValidationError
from warroom.domain.release_rules import (
    approval_expiry,
    approved_state,
    countdown_text,
    release_refusal_at,
    schedule_refusal,
)
from warroom.domain.statements import Approval, Statement, StatementState, validate_content
from warroom.domain.timeline import GENESIS_HASH, ChainRecord, entry_hash
from warroom.domain.variants import (
    Variant,
    by_language,
    chain_data,
    resolve,
    validate_language,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
DAY = timedelta(hours=24)
MASTODON = Channel(1, "mastodon", ChannelKind.MASTODON)
EMAIL = Channel(2, "email", ChannelKind.EMAIL)


def _statement(approvals: int = 1, **changes: object) -> Statement:
    base = Statement(
        id=7,
        incident_id=1,
        channels=(MASTODON, EMAIL),
        subject="Outage",
        text="We are on it.",
        state=StatementState.APPROVED,
        revision=1,
        author="dana",
        revision_author="dana",
        created_at=NOW,
        updated_at=NOW,
        version=1,
    )
    statement = replace(base, **changes)  # type: ignore[arg-type]
    given = tuple(
        Approval(7, f"p{n}", at, statement.content_hash, 1) for n, at in enumerate(APPROVED_AT)
    )
    return replace(statement, approvals=given[:approvals])


APPROVED_AT = (NOW - timedelta(hours=3), NOW - timedelta(hours=1))


def test_variants_follow_the_main_text_until_edited() -> None:
    own = Variant("email", "Checkout", "Dear customer, ...", edited=True)
    variants = resolve(["mastodon", "email"], "Outage", "We are on it.", [own])
    assert variants == (Variant("mastodon", "Outage", "We are on it."), own)
    plain = resolve(["mastodon", "email"], "Outage", "We are on it.", [])
    # Without edited variants the hash is exactly the one of before variants existed.
    assert approved_content_hash(v.content for v in plain) == content_hash_of(
        ["mastodon", "email"], "Outage", "We are on it."
    )
    assert approved_content_hash(v.content for v in variants) == approved_content_hash(
        [
            ChannelContent("email", "Checkout", "Dear customer, ..."),
            ChannelContent("mastodon", "Outage", "We are on it."),
        ]
    )
    data = chain_data(variants)
    assert [(d["channel"], d["edited"]) for d in data] == [("email", True), ("mastodon", False)]
    assert data[0]["hash"] == own.digest != data[1]["hash"]


def test_each_channel_is_measured_against_its_own_variant() -> None:
    long = "x" * 600
    with pytest.raises(ValidationError, match="channel 'mastodon'"):
        validate_content("", long, [MASTODON, EMAIL])
    short = Variant("mastodon", "", "Short.", edited=True)
    assert validate_content("", long, [MASTODON, EMAIL], [short]) == ("", long)
    too_long = Variant("mastodon", "", long, edited=True)
    with pytest.raises(ValidationError, match="600 characters but channel 'mastodon'"):
        validate_content("", "Short.", [MASTODON, EMAIL], [too_long])


def test_language_tags() -> None:
    assert validate_language("pt_br") == "pt-BR"
    assert validate_language(" FR ") == "fr"
    for bad in ("", "french language", "x", "<script>"):
        with pytest.raises(ValidationError, match="not a language tag"):
            validate_language(bad)
    groups = by_language(
        [Variant("b", "", "1"), Variant("a", "", "2"), Variant("c", "", "3")],
        {"a": "fr", "b": "en"},
    )
    assert [(tag, [v.channel for v in vs]) for tag, vs in groups] == [
        ("en", ["b"]),
        ("fr", ["a"]),
        ("", ["c"]),
    ]


def test_approvals_expire_after_the_window() -> None:
    one = _statement(1)  # approved 3 hours ago
    assert release_refusal_at(one, 1, NOW, DAY) is None
    assert approval_expiry(one, 1, DAY) == APPROVED_AT[0] + DAY
    refusal = release_refusal_at(one, 1, NOW, timedelta(hours=2))
    assert refusal is not None and "expired at 2026-11-23 08:00Z" in refusal
    assert "2 h" in refusal and "reject it and submit it again" in refusal
    two = _statement(2)
    # With two needed, the older approval's expiry ends the release window.
    assert approval_expiry(two, 2, timedelta(hours=4)) == APPROVED_AT[0] + timedelta(hours=4)
    assert release_refusal_at(two, 2, NOW + timedelta(hours=1, seconds=1), timedelta(hours=4))
    assert approved_state(APPROVED_AT, NOW, 2, timedelta(hours=2)) is StatementState.IN_REVIEW
    assert approved_state(APPROVED_AT, NOW, 2, DAY) is StatementState.APPROVED


def test_a_schedule_must_be_in_the_future_and_within_the_approval() -> None:
    statement = _statement(1)
    assert schedule_refusal(statement, 1, NOW + timedelta(hours=2), NOW, DAY) is None
    past = schedule_refusal(statement, 1, NOW - timedelta(minutes=1), NOW, DAY)
    assert past is not None and "is not in the future" in past
    late = schedule_refusal(statement, 1, NOW + timedelta(hours=22), NOW, DAY)
    assert late is not None and "expires at 2026-11-24 06:00Z, before the release time" in late
    far = schedule_refusal(statement, 1, NOW + timedelta(days=31), NOW, timedelta(days=40))
    assert far is not None and "30 days" in far
    scheduled = replace(
        statement, state=StatementState.SCHEDULED, scheduled_for=NOW + timedelta(hours=1)
    )
    assert "already scheduled for release at 2026-11-23 10:00Z" in str(
        release_refusal_at(scheduled, 1, NOW, DAY)
    )


def test_countdown_text() -> None:
    assert countdown_text(NOW, NOW) == "now"
    assert countdown_text(NOW + timedelta(seconds=40), NOW) == "in 40 s"
    assert countdown_text(NOW + timedelta(minutes=4, seconds=5), NOW) == "in 4 min 05 s"
    assert countdown_text(NOW + timedelta(hours=1, minutes=5), NOW) == "in 1 h 05 min"
    assert countdown_text(NOW + timedelta(days=2, hours=3), NOW) == "in 2 d 3 h"


def _chain(*events: tuple[datetime, str, dict[str, object]]) -> list[ChainRecord]:
    records, previous = [], GENESIS_HASH
    for seq, (at, author, data) in enumerate(events, start=1):
        digest = entry_hash(
            prev_hash=previous,
            incident_id=1,
            seq=seq,
            kind="statement",
            text="x",
            author=author,
            created_at=at,
            corrects_seq=None,
            data=data,
        )
        records.append(
            ChainRecord(1, seq, "statement", "x", author, at, None, data, previous, digest)
        )
        previous = digest
    return records


def test_the_chain_derives_variants_schedules_and_expired_approvals() -> None:
    opening = {
        "event": "incident.opened",
        "v": 2,
        "title": "t",
        "severity": 3,
        "began_at": "2026-11-23T08:00:00.000000Z",
        "aware_at": "2026-11-23T08:00:00.000000Z",
        "declared_at": "2026-11-23T08:00:00.000000Z",
        "approvals_override": None,
        "playbook": None,
        "approval_window_minutes": 60,
    }
    drafted = {
        "event": "statement.drafted",
        "statement": 5,
        "revision": 1,
        "content_hash": "h",
        "channels": ["email"],
        "next_update_by": None,
        "template": None,
        "main_hash": "m",
        "variants": [{"channel": "email", "edited": True, "hash": "v"}],
    }
    approved = {
        "event": "statement.approved",
        "statement": 5,
        "revision": 1,
        "content_hash": "h",
        "approver": "priya",
        "review_round": 0,
    }
    records = _chain(
        (NOW, "lee", opening),
        (NOW, "dana", drafted),
        (NOW, "dana", {"event": "statement.submitted", "statement": 5}),
        (NOW, "priya", approved),
        (NOW, "lee", {**approved, "event": "statement.scheduled", "release_at": "Z"}),
        (NOW, "sync", {"event": "statement.released", "statement": 5, "released_by": "lee"}),
    )
    statement = derive(records).statements[5]
    assert statement.fields["variants"] == drafted["variants"]
    assert statement.fields["main_hash"] == "m"
    assert statement.fields["scheduled_for"] == "Z"
    assert (statement.fields["state"], statement.fields["released_by"]) == ("released", "lee")
    # An approval given after the window of the first one: the first no longer counts.
    two = _chain(
        (NOW, "lee", {**opening, "approvals_override": 2}),
        (NOW, "dana", drafted),
        (NOW, "dana", {"event": "statement.submitted", "statement": 5}),
        (NOW, "priya", approved),
        (NOW + timedelta(hours=2), "sam", {**approved, "approver": "sam"}),
    )
    assert derive(two).statements[5].fields["state"] == "in_review"
