"""The one canonical content form, the signed documents, and fingerprints."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from warroom.domain.content import (
    ChannelContent,
    approved_content_hash,
    canonical_content,
    content_hash_of,
)
from warroom.domain.errors import ValidationError
from warroom.domain.trust import approval_document, fingerprint, parse_fingerprint

AT = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_the_canonical_form_lists_every_channel_sorted() -> None:
    contents = [ChannelContent("webhook", "S", "Tëxt"), ChannelContent("email", "S", "Tëxt")]
    assert canonical_content(contents) == '[["email","S","Tëxt"],["webhook","S","Tëxt"]]'.encode()
    digest = hashlib.sha256(canonical_content(contents)).hexdigest()
    assert approved_content_hash(contents) == digest
    assert approved_content_hash(reversed(contents)) == digest  # order of channels: same text
    assert content_hash_of(["webhook", "email"], "S", "Tëxt") == digest


@pytest.mark.parametrize(
    "changed",
    [
        [ChannelContent("email", "S", "Tëxt")],  # a channel dropped
        [ChannelContent("email", "S", "Tëxt"), ChannelContent("webhook", "S", "Text")],
        [ChannelContent("email", "s", "Tëxt"), ChannelContent("webhook", "S", "Tëxt")],
        [ChannelContent("email", "S", "Tëxt"), ChannelContent("mastodon", "S", "Tëxt")],
        # a separator cannot be smuggled between fields
        [ChannelContent("email", "S", 'Tëxt"],["webhook","S","Tëxt')],
    ],
)
def test_any_change_of_channel_subject_or_text_changes_the_hash(
    changed: list[ChannelContent],
) -> None:
    original = content_hash_of(["email", "webhook"], "S", "Tëxt")
    assert approved_content_hash(changed) != original


def test_the_approval_document_is_canonical_json_of_what_was_approved() -> None:
    document = approval_document(
        incident_id=1,
        statement_id=2,
        revision=3,
        content_hash="a" * 64,
        approver="Zoë",
        approved_at=AT,
    )
    assert (
        document
        == (
            '{"approver":"Zoë","at":"2026-11-23T09:00:00.000000Z","content_hash":"'
            + "a" * 64
            + '","incident":1,"revision":3,"statement":2,"type":"warroom.approval/1"}'
        ).encode()
    )


def test_fingerprints_are_short_and_parse_as_typed() -> None:
    key = bytes(range(32))
    value = fingerprint(key)
    assert value == hashlib.sha256(key).hexdigest()[:32]
    spaced = " ".join(value[i : i + 4] for i in range(0, 32, 4)).upper()
    assert parse_fingerprint(spaced) == value
    for bad in ("", "xyz", value[:-1], value + "0"):
        with pytest.raises(ValidationError, match="is not a key fingerprint"):
            parse_fingerprint(bad)
