"""Export documents checked in memory: chain rebuilt from JSON, foreign documents refused.

These minimal documents use the older ``/1`` layout, whose reader checks only the members it
needs; the strict ``/2`` layout is exercised on real exports (tests/integration/export).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from warroom.domain.clock import iso_utc
from warroom.domain.errors import ValidationError
from warroom.domain.incident_log import SCHEMA_V1
from warroom.domain.timeline import GENESIS_HASH, entry_hash
from warroom.export.json_reader import check_document

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def document(count: int = 3) -> dict[str, Any]:
    timeline, previous = [], GENESIS_HASH
    for seq in range(1, count + 1):
        fields = {
            "seq": seq,
            "kind": "note",
            "text": f"entry {seq} ✓",
            "author": "Zoë",
            "corrects_seq": 1 if seq == 3 else None,
            "data": {"event": "entry.corrected", "corrects_seq": 1} if seq == 3 else {},
        }
        at = T0 + timedelta(seconds=seq, microseconds=7)
        digest = entry_hash(prev_hash=previous, incident_id=5, created_at=at, **fields)
        timeline.append(
            {**fields, "created_at": iso_utc(at), "prev_hash": previous, "hash": digest}
        )
        previous = digest
    return {
        "schema": SCHEMA_V1,
        "incident": {"id": 5, "title": "t"},
        "timeline": timeline,
        "statements": [],
        "footer": {"entry_count": count, "head_hash": previous},
    }


def test_a_rebuilt_chain_verifies() -> None:
    check = check_document(document())
    assert check.ok and check.entry_count == 3 and check.incident_id == 5
    assert check.describe().startswith("intact: incident 5, 3 entries")


def test_the_incident_id_is_part_of_every_hash() -> None:
    doc = document()
    doc["incident"]["id"] = 6
    check = check_document(doc)
    assert not check.ok and check.broken_seq == 1


def test_a_correction_link_is_hashed() -> None:
    doc = document()
    doc["timeline"][2]["corrects_seq"] = 2
    assert check_document(doc).broken_seq == 3


def test_an_empty_log_needs_an_empty_footer() -> None:
    doc = document(0)
    assert check_document(doc).ok
    doc["footer"]["entry_count"] = 1
    assert check_document(doc).broken_seq == 1


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("timeline", 0, "seq"), "1"),
        (("timeline", 1, "created_at"), "yesterday"),
        (("timeline", 2, "corrects_seq"), "1"),
        (("timeline", 0, "data"), []),
        (("footer", "entry_count"), True),
        (("incident", "id"), None),
    ],
)
def test_malformed_members_are_refused_clearly(path: tuple[Any, ...], value: Any) -> None:
    doc = document()
    target: Any = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(ValidationError, match="not a valid War Room export"):
        check_document(doc)
