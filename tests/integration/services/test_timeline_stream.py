"""``TimelineService.stream``: the whole timeline in order, a batch at a time (``log list``).

On PostgreSQL the rows come through a server-side cursor, on SQLite through its stepping
cursor; past one batch (500 rows) the order, the filters and an early stop must all hold.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from tests.support.bulk_timeline import seed_entries
from warroom.domain.errors import NotFoundError
from warroom.domain.timeline import EntryKind
from warroom.storage.search_repo import STREAM_ROWS

pytestmark = pytest.mark.both_databases

ENTRIES = 2 * STREAM_ROWS + 37


@pytest.fixture
def long_incident(services: Any) -> int:
    incident = services.incidents.open("Long outage", 2, "alice").id
    seed_entries(
        services.db,
        incident,
        ENTRIES,
        start=datetime(2026, 1, 1, tzinfo=UTC),
        text_for=lambda n: f"check {n} of the gateway" if n % 100 else f"refund wave {n}",
    )
    return int(incident)


def test_every_entry_streams_in_order(services: Any, long_incident: int) -> None:
    streamed = list(services.timeline.stream(long_incident))
    assert [e.seq for e in streamed] == list(range(1, ENTRIES + 2))  # the opening entry too
    assert streamed == services.timeline.entries(long_incident)


def test_filters_apply_to_the_stream(services: Any, long_incident: int) -> None:
    found = [e.text for e in services.timeline.stream(long_incident, search="refund")]
    assert found == [f"refund wave {n}" for n in range(0, ENTRIES, 100)]
    decisions = list(services.timeline.stream(long_incident, kinds=[EntryKind.DECISION]))
    assert decisions and {e.kind for e in decisions} == {EntryKind.DECISION}
    assert decisions == services.timeline.entries(long_incident, kinds=[EntryKind.DECISION])


def test_an_unknown_incident_is_refused_before_the_first_entry(services: Any) -> None:
    with pytest.raises(NotFoundError):
        services.timeline.stream(404)


def test_a_stream_stopped_early_lets_writes_go_on(services: Any, long_incident: int) -> None:
    stream = services.timeline.stream(long_incident)
    assert next(stream).seq == 1
    stream.close()  # the cursor and its read transaction end here
    services.timeline.add(long_incident, "After the listing.", "alice")
    assert services.timeline.entries(long_incident, limit=1, newest_first=True)[0].seq == (
        ENTRIES + 2
    )


def test_the_listing_streams_every_line_in_batches(services: Any, long_incident: int) -> None:
    batches = list(services.timeline_listing.lines(long_incident))
    assert [len(batch) for batch in batches] == [STREAM_ROWS, STREAM_ROWS, 38]
    lines = [line for batch in batches for line in batch]
    assert [line.split()[0] for line in lines] == [f"#{n}" for n in range(1, ENTRIES + 2)]
    found = [
        line
        for batch in services.timeline_listing.lines(long_incident, search="refund")
        for line in batch
    ]
    assert [line.split(": ", 1)[1] for line in found] == [
        f"refund wave {n}" for n in range(0, ENTRIES, 100)
    ]


def test_the_listing_refuses_an_unknown_incident_at_once(services: Any) -> None:
    with pytest.raises(NotFoundError, match="no incident 404"):
        services.timeline_listing.lines(404)


def test_a_listing_stopped_early_lets_writes_go_on(services: Any, long_incident: int) -> None:
    batches = services.timeline_listing.lines(long_incident)
    assert next(batches)[0].startswith("#1 ")
    batches.close()  # the cursor and its read transaction end here
    services.timeline.add(long_incident, "After the listing.", "alice")
    assert services.timeline.entries(long_incident, limit=1, newest_first=True)[0].seq == (
        ENTRIES + 2
    )
