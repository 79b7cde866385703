"""The CSV export: one row per timeline entry, safe to open in a spreadsheet.

A ``record`` column says what each row is: ``incident`` rows (the header) come first, then one
``entry`` row per timeline entry, then ``review`` rows, ``inbox`` rows (the inbox figures)
and ``footer`` rows. Spreadsheet
formula injection is neutralised: a text cell starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import json
from typing import TextIO

from warroom.domain.clock import iso_utc
from warroom.domain.incident_log import IncidentLog
from warroom.export.formats import Progress, no_progress
from warroom.export.inbox_figures import inbox_rows
from warroom.export.labels import header_rows, review_rows

COLUMNS = (
    "record",
    "seq",
    "created_at",
    "kind",
    "author",
    "text",
    "corrects_seq",
    "corrected_by",
    "event",
    "data",
    "prev_hash",
    "hash",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 500
_DATA = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


def neutralise(value: str) -> str:
    """Make a cell inert for spreadsheets: prefix formula-like text with an apostrophe."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _row(record: str, **cells: object) -> list[str]:
    values = [record]
    for name in COLUMNS[1:]:
        value = cells.get(name)
        values.append("" if value is None else neutralise(str(value)))
    return values


def write_csv(log: IncidentLog, out: TextIO, progress: Progress = no_progress) -> None:
    """Write ``log`` as CSV (``out`` must be opened with ``newline=''``), the entries as
    they stream."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for label, value in header_rows(log):
        writer.writerow(_row("incident", kind=label, text=value))
    total = log.entries.count
    write = writer.writerow
    safe = neutralise
    for done, entry in enumerate(log.entries, start=1):
        record = entry.record
        data = record.data
        event = data.get("event") if data else None
        write(
            (
                "entry",
                record.seq,
                iso_utc(record.created_at),
                safe(record.kind),
                safe(record.author),
                safe(record.text),
                "" if record.corrects_seq is None else record.corrects_seq,
                " ".join(map(str, entry.corrected_by)),
                "" if event is None else safe(str(event)),
                safe(_DATA.encode(data)) if data else "",
                record.prev_hash,
                record.hash,
            )
        )
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    for label, value in review_rows(log.review):
        writer.writerow(_row("review", kind=label, text=value))
    writer.writerow(_row("review", kind="Lessons learned", text=log.review.lessons_learned))
    if log.inbox is not None:
        for label, value in inbox_rows(log.inbox):
            writer.writerow(_row("inbox", kind=label, text=value))
    footer = log.footer
    writer.writerow(_row("footer", kind="entry_count", text=footer.entry_count))
    writer.writerow(_row("footer", kind="head_hash", text=footer.head_hash))
    progress(total, total)
