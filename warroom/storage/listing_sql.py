"""``log list`` of a whole incident: the SQL and its rows made lines, for both ways in.

A listing of a million entries spends most of its time per row, so the rows go straight to
their lines (:func:`warroom.domain.timeline_line.timeline_line`, the format every listing
prints) without a :class:`TimelineEntry` each: the seven columns a line shows, the time
as SQLite stores it cut to the second instead of parsed, converted and printed again, the
kind checked against the known names instead of built into an enum, the data parsed only
when it holds something. The result is the very text the entry path prints (a test compares
them on every kind of entry). Like :mod:`warroom.storage.search_sql` this module imports no
database library: the stdlib reader (:mod:`warroom.storage.quick_read`) and the SQLAlchemy
path (:mod:`warroom.storage.search_repo`) both use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from warroom.domain.search import SearchFilters, SearchQuery
from warroom.domain.timeline import EntryKind, occurred_at
from warroom.domain.timeline_line import timeline_line
from warroom.storage.search_sql import Sql, as_data, as_time, select_entries

#: what a line shows, in the order :func:`listing_lines` reads
LISTING_COLUMNS = "e.seq, e.kind, e.text, e.author, e.created_at, e.corrects_id, e.data"
_KINDS = frozenset(kind.value for kind in EntryKind)
# How SQLAlchemy stores a time on SQLite: naive UTC, to the microsecond. Its first 19
# characters are what the line shows; any other form goes through the full conversion.
_STORED_TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}").fullmatch


def select_listing(
    dialect: str, incident_id: int, *, kinds: Sequence[str] = (), query: SearchQuery | None = None
) -> Sql:
    """Return the SELECT of an incident's listing (matching ``query``), oldest first."""
    return select_entries(
        dialect,
        SearchFilters(incident_id=incident_id, kinds=tuple(kinds)),
        query=query,
        newest_first=False,
        columns=LISTING_COLUMNS,
    )


def listing_lines(rows: Sequence[Sequence[Any]]) -> list[str]:
    """Return the lines of a batch of :data:`LISTING_COLUMNS` rows (from either driver)."""
    return [_line(*row) for row in rows]


def _line(
    seq: int,
    kind: str,
    text: str,
    author: str,
    created_at: Any,
    corrects_id: int | None,
    data: Any,
) -> str:
    if kind not in _KINDS:
        kind = EntryKind(kind).value  # refused as the entry mapping refuses it
    if type(created_at) is str and _STORED_TIME(created_at):
        recorded = created_at[:19]
    else:
        recorded = as_time(created_at).isoformat(sep=" ", timespec="seconds")[:19]
    occurred = occurred_at(as_data(data)) if data and data != "{}" else None
    return timeline_line(seq, recorded, kind, author, text, occurred, corrects_id)
