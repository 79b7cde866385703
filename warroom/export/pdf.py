"""The PDF export, drawn by Qt's own QTextDocument onto a QPdfWriter (no extra dependency).

Qt is imported lazily inside :func:`write_pdf`, and only QtGui: no other command pays for it.
Without a display it runs on Qt's offscreen platform. All user text is HTML-escaped before
it reaches QTextDocument, so markup in an entry is printed, never interpreted.

Each page gets a running header (incident and severity) and a footer (chain head, page
N of M); the body is the document laid out page by page and clipped into place.
"""

from __future__ import annotations

import html
import os
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from warroom.domain.incident_log import IncidentLog, StatementRecord
from warroom.export.formats import PageSize, Progress, no_progress
from warroom.export.labels import clock_rows, header_rows, review_rows, variant_groups, when
from warroom.export.tables import (
    Table,
    approvals_table,
    checklist_table,
    deliveries_table,
    people_table,
)

#: Rows per timeline table: Qt lays out several small tables much faster than one huge one.
ROWS_PER_TABLE = 250
BODY_POINTS = 8.5
FONT_FAMILIES = ["Noto Sans", "DejaVu Sans", "Liberation Sans", "Arial", "Sans Serif"]
STYLE = """
body { font-size: 8.5pt; }
h1 { font-size: 15pt; }
h2 { font-size: 12pt; margin-top: 14px; }
h3 { font-size: 10pt; margin-top: 10px; }
th { background-color: #e4e4e4; font-weight: bold; text-align: left; }
td.num { color: #444444; }
.muted { color: #555555; }
.struck { text-decoration: line-through; color: #666666; }
.mono { font-family: "DejaVu Sans Mono", monospace; font-size: 7pt; }
"""
_TABLE = '<table border="1" cellspacing="0" cellpadding="3" width="100%">'

# Keep the application alive for the life of the process once we had to create it.
_app: Any = None


def text(value: str) -> str:
    """HTML-escape user text for QTextDocument, keeping its line breaks."""
    return html.escape(value, quote=True).replace("\r\n", "\n").replace("\n", "<br/>")


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


def _table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> str:
    parts = [_TABLE, "<thead><tr>"]
    parts.extend(f"<th>{name}</th>" for name in head)
    parts.append("</tr></thead>")
    for row in rows:
        parts.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>")
    parts.append("</table>")
    return "".join(parts)


def _rendered(table: Table) -> str:
    return _table(
        table.head,
        (
            tuple(
                f'<span class="mono">{text(value)}</span>'
                if column == table.code_column
                else text(value)
                for column, value in enumerate(row)
            )
            for row in table.rows
        ),
    )


def _pairs(rows: Iterable[tuple[str, str]]) -> str:
    body = "".join(
        f'<tr><td width="28%"><b>{text(label)}</b></td><td>{text(value)}</td></tr>'
        for label, value in rows
    )
    return f"{_TABLE}{body}</table>"


def _statement(record: StatementRecord) -> str:
    s = record.statement
    parts = [
        f"<h3>Statement #{s.id}: {text(s.state.value.replace('_', ' '))}</h3>",
        f"<p>Channels: {text(', '.join(s.channel_names))}; revision {s.revision}; "
        f'content hash <span class="mono">{s.content_hash}</span>',
    ]
    if s.next_update_by:
        parts.append(f"<br/>Promised next update by {when(s.next_update_by)}")
    if s.released_at:
        parts.append(f"<br/>Released {when(s.released_at)} by {text(s.released_by or '-')}")
    if s.rejection_reason:
        parts.append(f"<br/>Last rejection: {text(s.rejection_reason)}")
    parts.append("</p>")
    for language, variants in variant_groups(s):
        parts.append(f"<p><b>Variants in {text(language)}</b></p>")
        parts.append(
            _table(
                ("Channel", "Subject and text"),
                (
                    (text(label), (f"<b>{text(subject)}</b><br/>" if subject else "") + text(body))
                    for label, subject, body in variants
                ),
            )
        )
    parts.append(
        _table(
            ("Rev.", "Author", "When", "Subject and text"),
            (
                (
                    str(r.revision),
                    text(r.author),
                    when(r.created_at),
                    (f"<b>{text(r.subject)}</b><br/>" if r.subject else "") + text(r.text),
                )
                for r in record.revisions
            ),
        )
    )
    if s.approvals:
        parts += ["<p><b>Approvals</b></p>", _rendered(approvals_table(s))]
    if record.deliveries:
        parts += ["<p><b>Deliveries</b></p>", _rendered(deliveries_table(record))]
    return "".join(parts)


def build_html(log: IncidentLog, progress: Progress = no_progress, share: int = 0) -> str:
    """Return the whole log as QTextDocument HTML; ``progress`` runs 0..``share``."""
    incident = log.incident
    parts = [
        f"<html><head><style>{STYLE}</style></head><body>",
        f"<h1>Incident log: {text(incident.title)}</h1>",
        _pairs(header_rows(log)),
        "<h2>People and roles</h2>",
        _rendered(people_table(log)),
        f"<h2>Timeline ({len(log.entries)} entries)</h2>",
    ]
    corrected_by = log.corrected_by()
    total = len(log.entries)
    rows: list[str] = []
    head = (
        f'{_TABLE}<thead><tr><th width="5%">#</th><th width="12%">Time (UTC)</th>'
        '<th width="10%">Kind</th><th width="14%">Author</th><th>Entry</th></tr></thead>'
    )
    for done, record in enumerate(log.entries, start=1):
        entry = text(record.text)
        fixes = corrected_by.get(record.seq)
        if fixes:
            entry = (
                f'<span class="struck">{entry}</span> <i>(corrected by '
                + ", ".join(f"#{n}" for n in fixes)
                + ")</i>"
            )
        if record.corrects_seq is not None:
            entry = f"<b>Correction of #{record.corrects_seq}:</b> {entry}"
        rows.append(
            f'<tr><td class="num">{record.seq}</td>'
            f"<td>{record.created_at:%Y-%m-%d %H:%M:%S}</td><td>{text(record.kind)}</td>"
            f"<td>{text(record.author)}</td><td>{entry}</td></tr>"
        )
        if len(rows) == ROWS_PER_TABLE:
            parts.append(head + "".join(rows) + "</table>")
            rows = []
        if done % 500 == 0 and share:
            progress(done * share // total, share)
    if rows:
        parts.append(head + "".join(rows) + "</table>")
    parts.append("<h2>Statements</h2>")
    parts.extend(_statement(s) for s in log.statements)
    if not log.statements:
        parts.append("<p>No statements.</p>")
    parts += ["<h2>Checklist</h2>", _rendered(checklist_table(log))]
    parts += ["<h2>Clocks at export</h2>", _pairs(clock_rows(log))]
    parts += ["<h2>Post-incident review</h2>", _pairs(review_rows(log.review))]
    lessons = log.review.lessons_learned
    parts += [
        "<h3>Lessons learned</h3>",
        f"<p>{text(lessons) if lessons else '<i>None yet.</i>'}</p>",
    ]
    footer = log.footer
    verdict = "intact" if footer.chain_ok else f"BROKEN: {footer.problem}"
    parts += [
        "<h2>Verification</h2>",
        _pairs(
            [
                ("Entries", str(footer.entry_count)),
                ("Chain head hash", footer.head_hash),
                ("Chain checked at export", verdict),
            ]
        ),
        "<p>Verify the JSON export of this incident with <i>warroom verify FILE.json</i>.</p>",
        "</body></html>",
    ]
    return "".join(parts)


def write_pdf(
    log: IncidentLog,
    path: Path,
    *,
    page_size: PageSize = PageSize.A4,
    progress: Progress = no_progress,
) -> None:
    """Render ``log`` to a PDF file at ``path`` (progress runs to 1000)."""
    _render(log, path, page_size, progress)


def _render(log: IncidentLog, path: Path, page_size: PageSize, progress: Progress) -> None:
    _ensure_gui_application()
    from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
    from PySide6.QtGui import (
        QFont,
        QFontMetricsF,
        QPageLayout,
        QPageSize,
        QPainter,
        QPdfWriter,
        QTextDocument,
    )

    total = 1000
    markup = build_html(log, progress, share=total * 4 // 10)
    # Rendered into memory, then written by Python: QPdfWriter ignores write errors, so on a
    # full disk it would leave a truncated PDF behind and report success.
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QPdfWriter(buffer)
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

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    document.setPageSize(body)
    document.setHtml(markup)
    pages = max(document.pageCount(), 1)
    progress(total // 2, total)

    incident = log.incident
    left = metrics.elidedText(
        f"Incident #{incident.id}: {incident.title}",
        Qt.TextElideMode.ElideRight,
        body.width() * 0.7,
    )
    right = f"{incident.severity.label} · {incident.state.value} · exported {when(log.exported_at)}"
    chain = f"{log.footer.entry_count} entries · chain head {log.footer.head_hash[:16]}…"

    painter = QPainter()
    if not painter.begin(writer):
        from warroom.domain.errors import ValidationError

        raise ValidationError(f"cannot write the PDF to {path}")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            painter.setFont(small)
            painter.setPen(Qt.GlobalColor.darkGray)
            top = QRectF(0, 0, body.width(), band * 0.8)
            painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, left)
            painter.drawText(top, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, right)
            painter.drawLine(0, int(band * 0.75), int(body.width()), int(band * 0.75))
            bottom = QRectF(0, page.height() - band * 0.8, body.width(), band * 0.8)
            painter.drawText(
                bottom, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, chain
            )
            painter.drawText(
                bottom,
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
                f"Page {number + 1} of {pages}",
            )
            painter.save()
            painter.translate(0, band - number * body.height())
            document.drawContents(
                painter, QRectF(0, number * body.height(), body.width(), body.height())
            )
            painter.restore()
            progress(total // 2 + (number + 1) * (total // 2) // pages, total)
    finally:
        painter.end()
    with path.open("wb") as stream:
        stream.write(buffer.data().data())
    progress(total, total)
