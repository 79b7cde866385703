"""Bare exporters over the same rows as the War Room export: the floors of bench_export.py.

Each streams one plain Core SELECT of an incident's entries in batches and writes them with
nothing but the serialiser: no chain check, no escaping, no signing, one pass.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from warroom.storage.database import open_database
from warroom.storage.models import TimelineEntryRow as Entry

COLUMNS = (
    Entry.seq,
    Entry.kind,
    Entry.text,
    Entry.author,
    Entry.created_at,
    Entry.corrects_seq,
    Entry.data,
    Entry.prev_hash,
    Entry.hash,
)


def rows(database: str) -> Iterator[Any]:
    """Yield the incident's entries (incident 1) as plain rows, 2,000 per fetch."""
    db = open_database(f"sqlite:///{database}")
    with db.reading() as session:
        query = (
            select(*COLUMNS)
            .where(Entry.incident_id == 1)
            .order_by(Entry.seq)
            .execution_options(yield_per=2000)
        )
        yield from session.execute(query)
    db.dispose()


def json_floor(database: str, out: Path) -> None:
    """json.dumps of each row, as the export writes one entry a line."""
    with out.open("w", encoding="utf-8") as stream:
        stream.write("[")
        for seq, kind, text, author, at, corrects, data, prev, digest in rows(database):
            row = {
                "seq": seq,
                "created_at": at.isoformat(),
                "kind": kind,
                "author": author,
                "text": text,
                "corrects_seq": corrects,
                "data": data,
                "prev_hash": prev,
                "hash": digest,
            }
            stream.write(json.dumps(row, ensure_ascii=False) + ",\n")
        stream.write("]\n")


def csv_floor(database: str, out: Path) -> None:
    """csv.writer over the rows."""
    with out.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        for row in rows(database):
            writer.writerow(row)


def markdown_floor(database: str, out: Path) -> None:
    """One Markdown table line per row, unescaped."""
    with out.open("w", encoding="utf-8") as stream:
        stream.write("| # | Time | Kind | Author | Entry |\n|---|---|---|---|---|\n")
        for seq, kind, text, author, at, *_rest in rows(database):
            stream.write(f"| {seq} | {at:%Y-%m-%d %H:%M:%S} | {kind} | {author} | {text} |\n")


def pdf_floor(database: str, out: Path) -> None:
    """QPainter on a QPdfWriter: five cells a row, the entry word-wrapped, one pass."""
    from PySide6.QtCore import QMarginsF, QRectF, Qt
    from PySide6.QtGui import (
        QFont,
        QFontMetricsF,
        QGuiApplication,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
    )

    app = QGuiApplication.instance() or QGuiApplication(["floor"])
    writer = QPdfWriter(str(out))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.A4))
    writer.setPageMargins(QMarginsF(14, 12, 14, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    font = QFont()
    font.setFamilies(["Noto Sans", "DejaVu Sans"])
    font.setPointSizeF(8.5)
    page = writer.pageLayout().paintRectPixels(300)
    width = page.width()
    x = [0.0, width * 0.05, width * 0.17, width * 0.27, width * 0.41]
    w = [width * 0.05, width * 0.12, width * 0.10, width * 0.14, width * 0.59]
    painter = QPainter(writer)
    painter.setFont(font)
    metrics = QFontMetricsF(font, writer)
    wrap = int(Qt.TextFlag.TextWordWrap)
    y = 0.0
    for seq, kind, text, author, at, *_rest in rows(database):
        box = metrics.boundingRect(QRectF(0, 0, w[4], 1e6), wrap, text)
        height = max(box.height(), metrics.lineSpacing() * 2) + 12
        if y + height > page.height():
            writer.newPage()
            y = 0.0
        painter.drawText(QRectF(x[0], y, w[0], height), 0, str(seq))
        painter.drawText(QRectF(x[1], y, w[1], height), wrap, f"{at:%Y-%m-%d %H:%M:%S}")
        painter.drawText(QRectF(x[2], y, w[2], height), 0, kind)
        painter.drawText(QRectF(x[3], y, w[3], height), wrap, author)
        painter.drawText(QRectF(x[4], y, w[4], height), wrap, text)
        painter.drawLine(0, int(y + height), int(width), int(y + height))
        y += height
    painter.end()
    del app


FLOORS: dict[str, Callable[[str, Path], None]] = {
    "json": json_floor,
    "csv": csv_floor,
    "md": markdown_floor,
    "pdf": pdf_floor,
}
