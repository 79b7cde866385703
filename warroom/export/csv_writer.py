"""The CSV export: one row per timeline entry, safe to open in a spreadsheet.

A ``record`` column says what each row is: ``incident`` rows (the header) come first, then one
``entry`` row per timeline entry, then ``review`` rows and ``footer`` rows. Spreadsheet
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
    """Write ``log`` as CSV (``out`` must be opened with ``newline=''``)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for label, value in header_rows(log):
        writer.writerow(_row("incident", kind=label, text=value))
    total = len(log.entries)
    corrected_by = log.corrected_by()
    for done, record in enumerate(log.entries, start=1):
        data = dict(record.data)
        writer.writerow(
            _row(
                "entry",
                seq=record.seq,
                created_at=iso_utc(record.created_at),
                kind=record.kind,
                author=record.author,
                text=record.text,
                corrects_seq=record.corrects_seq,
                corrected_by=" ".join(str(s) for s in corrected_by.get(record.seq, [])),
                event=data.get("event", ""),
                data=json.dumps(data, ensure_ascii=False, sort_keys=True) if data else "",
                prev_hash=record.prev_hash,
                hash=record.hash,
            )
        )
        if done % PROGRESS_EVERY == 0:
            progress(done, total)
    for label, value in review_rows(log.review):
        writer.writerow(_row("review", kind=label, text=value))
    writer.writerow(_row("review", kind="Lessons learned", text=log.review.lessons_learned))
    footer = log.footer
    writer.writerow(_row("footer", kind="entry_count", text=footer.entry_count))
    writer.writerow(_row("footer", kind="head_hash", text=footer.head_hash))
    progress(total, total)
