"""``log list`` of a whole incident: the SQL and its rows made lines, for both ways in.

A listing of a million entries spends most of its time per row, so the rows go straight to
their lines (:func:`warroom.domain.timeline_line.timeline_line`, the format every listing
prints) without a :class:`TimelineEntry` each: the seven columns a line shows, the time
as SQLite stores it cut to the second instead of parsed, converted and printed again, the
kind checked against the known names instead of built into an enum, and of the data only
the "happened at" text, picked out by the database (most entries' data is "{}", which a
server's driver would otherwise parse into a dict row after row). The result is the very
text the entry path prints (a test compares them on every kind of entry). Like
:mod:`warroom.storage.search_sql` this module imports no database library: the stdlib
reader (:mod:`warroom.storage.quick_read`) and the SQLAlchemy path
(:mod:`warroom.storage.search_repo`) both use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from warroom.domain.search import SearchFilters, SearchQuery
from warroom.domain.timeline import OCCURRED_AT, EntryKind, occurred_at
from warroom.domain.timeline_line import timeline_line
from warroom.storage.search_sql import Sql, as_time, select_entries

#: What a line shows, in the order :func:`listing_lines` reads: the time in the form
#: SQLAlchemy stores it on SQLite ("YYYY-MM-DD HH:MM:SS.ffffff", UTC; a server is asked for
#: the same text), and of the data only when it happened, if the person said (a JSON
#: string, else NULL): most entries' data is "{}", and a server's driver would parse each.
_SELECTED = "e.seq, e.kind, e.text, e.author, {time}, e.corrects_id, {occurred}"
_SQLITE_OCCURRED = (
    "CASE WHEN e.data = '{}' THEN NULL "
    f"WHEN json_type(e.data, '$.{OCCURRED_AT}') = 'text' "
    f"THEN json_extract(e.data, '$.{OCCURRED_AT}') END"
)
_SERVER_TIME = "to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')"
_SERVER_OCCURRED = (
    f"CASE WHEN json_typeof(e.data -> '{OCCURRED_AT}') = 'string' "
    f"THEN e.data ->> '{OCCURRED_AT}' END"
)
LISTING_COLUMNS = {
    "sqlite": _SELECTED.replace("{time}", "e.created_at").replace("{occurred}", _SQLITE_OCCURRED),
    "postgresql": _SELECTED.replace("{time}", _SERVER_TIME).replace("{occurred}", _SERVER_OCCURRED),
}
_KINDS = frozenset(kind.value for kind in EntryKind)


def select_listing(
    dialect: str, incident_id: int, *, kinds: Sequence[str] = (), query: SearchQuery | None = None
) -> Sql:
    """Return the SELECT of an incident's listing (matching ``query``), oldest first."""
    return select_entries(
        dialect,
        SearchFilters(incident_id=incident_id, kinds=tuple(kinds)),
        query=query,
        newest_first=False,
        columns=LISTING_COLUMNS[dialect],
    )


def listing_lines(rows: Sequence[Sequence[Any]]) -> list[str]:
    """Return the lines of a batch of :data:`LISTING_COLUMNS` rows (from either driver)."""
    lines: list[str] = []
    append = lines.append
    for row in rows:
        seq, kind, text, author, at, corrects_id, occurred = row
        # Most entries: a known kind, no correction, no "happened at", and the time in the
        # selected form (naive UTC to the microsecond, "YYYY-MM-DD HH:MM:SS.ffffff"),
        # whose first 19 characters are what the line shows. The line is timeline_line's
        # (tests/integration/cli/test_log_list_paths.py compares them); anything else takes
        # the full conversion.
        if (
            kind in _KINDS
            and not corrects_id
            and occurred is None
            and type(at) is str
            and len(at) == 26
            and at[10] == " "
            and at[19] == "."
            and at[20:].isdigit()
        ):
            append(f"#{seq:<4} {at[:19]}Z  {kind:<9} {author}: {text}")
        else:
            append(_line(*row))
    return lines


def _line(
    seq: int,
    kind: str,
    text: str,
    author: str,
    created_at: Any,
    corrects_id: int | None,
    occurred: str | None,
) -> str:
    if kind not in _KINDS:
        kind = EntryKind(kind).value  # refused as the entry mapping refuses it
    recorded = as_time(created_at).isoformat(sep=" ", timespec="seconds")[:19]
    happened = occurred_at({OCCURRED_AT: occurred}) if occurred is not None else None
    return timeline_line(seq, recorded, kind, author, text, happened, corrects_id)
