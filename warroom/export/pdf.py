"""The PDF export, drawn by Qt on a QPdfWriter (no extra dependency), page by page.

Qt is imported lazily inside :func:`write_pdf`, and only QtGui: no other command pays for it.
Without a display it runs on Qt's offscreen platform. The prose sections (title, header,
people; statements, checklist, clocks, review, verification) are HTML laid out by
QTextDocument (:mod:`warroom.export.pdf_html`); the timeline between them is drawn row by row
as it streams from the database (:mod:`warroom.export.pdf_timeline`), so memory stays flat
however long the log. Two passes: the first lays out and checks the chain on the way, to
count the pages (so each can say "page N of M"); the second draws them.

Each page gets a running header (incident and severity) and a footer (chain head, page
N of M).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from warroom.domain.incident_log import IncidentLog
from warroom.export.formats import PageSize, Progress, no_progress
from warroom.export.labels import when
from warroom.export.pdf_html import BODY_POINTS, FONT_FAMILIES, head_html, tail_html

# Keep the application alive for the life of the process once we had to create it.
_app: Any = None


def _ensure_gui_application() -> None:
    """Create a QGuiApplication if none exists (the CLI), on the offscreen platform.

    Printing to a PDF needs no screen. Without a display the offscreen platform is the only
    choice; with one we still prefer it unless QT_QPA_PLATFORM says otherwise, because a
    display that is set but unusable (dead X server, missing xcb libraries) makes Qt abort
    the whole process instead of raising an error.
    """
    global _app
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is not None:
        return
    if not os.environ.get("QT_QPA_PLATFORM"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    _app = QGuiApplication([sys.argv[0] if sys.argv and sys.argv[0] else "warroom"])


def write_pdf(
    log: IncidentLog,
    path: Path,
    *,
    page_size: PageSize = PageSize.A4,
    progress: Progress = no_progress,
) -> None:
    """Render ``log`` to a PDF file at ``path`` (progress counts each entry twice: once
    laid out, once drawn)."""
    _ensure_gui_application()
    from warroom.export.pdf_flow import FileSink

    sink = FileSink(path)
    try:
        _render(log, sink.device, page_size, progress)
        sink.finish()
    finally:
        sink.close()


def _render(log: IncidentLog, device: Any, page_size: PageSize, progress: Progress) -> None:
    from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import QFont, QFontMetricsF, QPageLayout, QPageSize, QPainter, QPdfWriter

    from warroom.domain.errors import ValidationError
    from warroom.export.pdf_flow import Flow
    from warroom.export.pdf_timeline import TimelineTable
    from warroom.export.pdf_wave import wave_picture

    writer = QPdfWriter(device)
    size_id = QPageSize.PageSizeId.A4 if page_size is PageSize.A4 else QPageSize.PageSizeId.Letter
    writer.setPageSize(QPageSize(size_id))
    writer.setPageMargins(QMarginsF(14, 12, 14, 12), QPageLayout.Unit.Millimeter)
    writer.setResolution(300)
    writer.setTitle(f"Incident log: {log.incident.title}")
    writer.setCreator(log.generator)

    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setPointSizeF(BODY_POINTS)
    # No ligatures: text copied or extracted from the PDF must read "ff", not "\ufb00".
    for feature in ("liga", "clig", "dlig"):
        font.setFeature(QFont.Tag(feature), 0)
    small = QFont(font)
    small.setPointSizeF(7.5)

    page = writer.pageLayout().paintRectPixels(writer.resolution())
    metrics = QFontMetricsF(small, writer)
    band = metrics.height() * 2.2
    body = QSizeF(page.width(), page.height() - 2 * band)

    incident = log.incident
    left = metrics.elidedText(
        f"Incident #{incident.id}: {incident.title}",
        Qt.TextElideMode.ElideRight,
        body.width() * 0.7,
    )
    right = f"{incident.severity.label} · {incident.state.value} · exported {when(log.exported_at)}"
    chain = f"{log.footer.entry_count} entries · chain head {log.footer.head_hash[:16]}…"
    pages = [0]

    def decorate(painter: QPainter, number: int) -> None:
        painter.setFont(small)
        painter.setPen(Qt.GlobalColor.darkGray)
        top = QRectF(0, 0, body.width(), band * 0.8)
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, left)
        painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, right)
        painter.drawLine(0, int(band * 0.75), int(body.width()), int(band * 0.75))
        bottom = QRectF(0, page.height() - band * 0.8, body.width(), band * 0.8)
        painter.drawText(bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, chain)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"Page {number + 1} of {pages[0]}",
        )

    # The inbox chart is drawn once, for both passes, from the figures the other formats show.
    picture = wave_picture(log.inbox, writer, body.width(), small) if log.inbox else None
    chart = (picture.html_width, picture.html_height) if picture else None
    images = picture.resources() if picture else None

    flow = Flow(writer, body, band, decorate)
    table = TimelineTable(flow, font)
    count = log.entries.count
    total = max(2 * count, 1)

    # Pass 1 lays out only, to count the pages, and checks the chain on the way: both
    # passes read the same rows (one read transaction), so the verdict printed at the end
    # by pass 2 is about exactly the rows it draws.
    flow.start(None)
    flow.html(head_html(log), font)
    table.write(log.entries, progress, 0, total)
    flow.html(tail_html(log, log.chain(), chart), font, images)
    pages[0] = flow.page + 1

    painter = QPainter()
    if not painter.begin(writer):
        raise ValidationError("cannot start writing the PDF")
    try:
        flow.start(painter)
        flow.html(head_html(log), font)
        table.write(log.entries.unchecked(), progress, count, total)
        flow.html(tail_html(log, log.chain(), chart), font, images)
    finally:
        painter.end()
    progress(total, total)
