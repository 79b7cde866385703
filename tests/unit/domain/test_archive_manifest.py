"""The sealed archive's manifest is exactly sha256sum's format, and its parsers are strict."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from warroom.domain.archive_manifest import (
    ArchiveInfo,
    IncludedKey,
    ManifestError,
    Seal,
    format_manifest,
    info_bytes,
    parse_info,
    parse_manifest,
    parse_seal,
    seal_bytes,
    unsafe_member_reason,
)

DIGEST = hashlib.sha256(b"x").hexdigest()


def test_the_manifest_is_what_sha256sum_writes_and_reads_back() -> None:
    pairs = [("incident-1.json", DIGEST), ("keys/ab.pem", "0" * 64)]
    data = format_manifest(pairs)
    assert data == f"{DIGEST}  incident-1.json\n{'0' * 64}  keys/ab.pem\n".encode()
    assert parse_manifest(data) == pairs
    # sha256sum -b writes '*' before the name: read as well.
    assert parse_manifest(f"{DIGEST} *a.pdf\n".encode()) == [("a.pdf", DIGEST)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (f"{DIGEST}  a\n{DIGEST}  a\n".encode(), "lists 'a' twice"),
        (f"{DIGEST.upper()}  a\n".encode(), "line 1 is not"),
        (f"{DIGEST}  a".encode(), "does not end with a line break"),
        (f"{DIGEST}  a\n\n".encode(), "line 2 is not"),
        (f"{DIGEST}  ../etc/passwd\n".encode(), "line 1 names an invalid member"),
        (f"{DIGEST}  MANIFEST.sig\n".encode(), "line 1 names an invalid member"),
        (b"\xff\n", "not UTF-8"),
    ],
)
def test_a_malformed_manifest_is_refused(data: bytes, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_manifest(data)


@pytest.mark.parametrize(
    "name", ["", "/abs", "a/../b", "./a", "a//b", "dir/", "back\\slash", "new\nline", "tab\t"]
)
def test_unsafe_member_names(name: str) -> None:
    assert unsafe_member_reason(name) is not None
    with pytest.raises(ManifestError):
        format_manifest([(name, DIGEST)])


def test_info_and_seal_round_trip_and_refuse_extra_members() -> None:
    info = ArchiveInfo(
        incident_id=3,
        title="Zoë's outage 🚨",
        entry_count=40,
        head_hash=DIGEST,
        archived_at=datetime(2026, 11, 23, 9, 0, tzinfo=UTC),
        archived_by="alice",
        key="f" * 32,
        public_key="a" * 64,
        generator="warroom 0.1.0",
        export="incident-3.json",
        pdf="incident-3.pdf",
        csv="incident-3.csv",
        keys=(IncludedKey("alice", "f" * 32, "a" * 64, "keys/" + "f" * 32 + ".pem"),),
    )
    assert parse_info(info_bytes(info)) == info
    extra = info_bytes(info).replace(b'"generator"', b'"extra": 1,\n  "generator"')
    with pytest.raises(ManifestError, match="exactly the members"):
        parse_info(extra)
    seal = Seal(DIGEST, "alice", "f" * 32, "b" * 128)
    assert parse_seal(seal_bytes(seal)) == seal
    with pytest.raises(ManifestError, match="not valid JSON"):
        parse_seal(b'{"type": 1, "type": 2}')
