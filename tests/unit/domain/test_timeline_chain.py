"""The hash chain detects alteration, removal and reordering."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from warroom.domain.errors import ValidationError
from warroom.domain.timeline import (
    GENESIS_HASH,
    ChainRecord,
    EntryKind,
    TimelineEvent,
    canonical_data,
    entry_hash,
    validate_entry_text,
    verify_chain,
)

START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def build_chain(count: int) -> list[ChainRecord]:
    records, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = dict(
            incident_id=1,
            seq=seq,
            kind="note",
            text=f"entry {seq}",
            author="alice",
            created_at=START + timedelta(minutes=seq),
            corrects_seq=None,
            data={"n": seq},
        )
        digest = entry_hash(prev_hash=previous, **fields)  # type: ignore[arg-type]
        records.append(ChainRecord(prev_hash=previous, hash=digest, **fields))  # type: ignore[arg-type]
        previous = digest
    return records


def test_intact_chain_verifies() -> None:
    chain = build_chain(5)
    report = verify_chain(chain, expected_count=5, expected_head=chain[-1].hash)
    assert report.ok and report.entry_count == 5 and report.head_hash == chain[-1].hash
    assert "intact: 5 entries" in report.describe()


def test_altered_text_is_detected() -> None:
    chain = build_chain(5)
    chain[2] = replace(chain[2], text="entry 3, rewritten")
    report = verify_chain(chain)
    assert not report.ok and report.broken_seq == 3 and "altered" in report.problem


def test_altered_data_or_author_or_time_is_detected() -> None:
    for change in (
        {"data": {"n": 99}},
        {"author": "mallory"},
        {"created_at": START},
        {"kind": "decision"},
        {"corrects_seq": 1},
    ):
        chain = build_chain(4)
        chain[3] = replace(chain[3], **change)  # type: ignore[arg-type]
        assert verify_chain(chain).broken_seq == 4, change


def test_removed_entry_is_detected() -> None:
    chain = build_chain(5)
    del chain[1]
    report = verify_chain(chain)
    assert not report.ok and report.broken_seq == 2


def test_removed_last_entry_is_detected_through_the_recorded_head() -> None:
    chain = build_chain(5)
    head = chain[-1].hash
    report = verify_chain(chain[:-1], expected_count=5, expected_head=head)
    assert not report.ok and "4 entries but 5" in report.problem


def test_swapped_entries_are_detected() -> None:
    chain = build_chain(5)
    chain[1], chain[2] = chain[2], chain[1]
    assert verify_chain(chain).broken_seq == 2


def test_renumbered_swap_is_detected_by_the_links() -> None:
    chain = build_chain(5)
    a, b = chain[1], chain[2]
    chain[1], chain[2] = replace(b, seq=2), replace(a, seq=3)
    assert not verify_chain(chain).ok


def test_edited_head_is_detected() -> None:
    chain = build_chain(3)
    assert not verify_chain(chain, expected_count=3, expected_head="f" * 64).ok


def test_entry_text_validation() -> None:
    assert validate_entry_text("  fact  ") == "fact"
    with pytest.raises(ValidationError, match="empty"):
        validate_entry_text(" \n ")
    with pytest.raises(ValidationError, match="at most 20000"):
        validate_entry_text("x" * 20_001)
    with pytest.raises(ValidationError, match="unknown entry kind 'rumour'"):
        EntryKind.parse("rumour")


def test_timeline_events_are_one_enum_read_back_from_plain_data() -> None:
    assert TimelineEvent.of({"event": "statement.approved"}) is TimelineEvent.STATEMENT_APPROVED
    assert TimelineEvent.of({"event": "something.else"}) is None
    assert TimelineEvent.of({}) is None
    # Written as the enum, hashed and stored as its plain name: old chains still verify.
    assert canonical_data({"event": TimelineEvent.CHECKLIST_DONE}) == canonical_data(
        {"event": "checklist.done"}
    )
