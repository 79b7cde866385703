"""The PDF's timeline table, drawn row by row with QPainter as the entries stream past.

Laying out one QTextDocument of 100,000 rows took minutes and over a gigabyte; here each row
is laid out (QTextLayout), drawn and forgotten. The table looks like the HTML tables around
it: a grey header row repeated on every page, thin cell borders, the same five columns. A
row never splits across pages unless it is taller than a page; then its text continues on
the next page, line by line. Corrected entries are struck through and say by which entry;
a correction starts with "Correction of #N:" in bold.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPen,
    QTextCharFormat,
    QTextLayout,
    QTextOption,
)

from warroom.domain.entry_stream import LoggedEntry
from warroom.domain.timeline import ChainRecord
from warroom.export.formats import Progress
from warroom.export.pdf_flow import Flow

COLUMNS = (("#", 0.05), ("Time (UTC)", 0.12), ("Kind", 0.10), ("Author", 0.14), ("Entry", 0.59))
PROGRESS_EVERY = 500
_GRID = QColor("#a0a0a0")
_HEAD = QColor("#e4e4e4")
_MUTED = QColor("#444444")
_STRUCK = QColor("#666666")
#: a row whose text is taller than the page starts here if at least this many lines fit
_MIN_LINES = 3
_LINE_BREAK = "\u2028"  # QTextLayout breaks lines only at Unicode's line separator
_AUTHORS_KEPT = 500


class TimelineTable:
    """Draws (or, in the counting pass, only measures) the timeline's rows on a flow."""

    def __init__(self, flow: Flow, font: QFont) -> None:
        self._flow = flow
        self._font = font
        self._bold = QFont(font)
        self._bold.setBold(True)
        self._italic = QFont(font)
        self._italic.setItalic(True)
        device = flow.writer
        self._device = device
        metrics = QFontMetricsF(font, device)
        self._line = metrics.lineSpacing()
        self._pad = device.resolution() * 0.55 / 25.4  # ~0.55 mm, like the HTML tables
        width = flow.body.width()
        self._x: list[float] = []
        self._w: list[float] = []
        x = 0.0
        for _name, share in COLUMNS:
            self._x.append(x)
            self._w.append(width * share)
            x += width * share
        self._width = width
        inner = self._w[1] - 2 * self._pad
        self._time_lines = 1 if metrics.horizontalAdvance("2026-11-23 14:05:09") <= inner else 2
        self._head_height = self._line + 2 * self._pad
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        self._option = option
        self._struck = QTextCharFormat()
        self._struck.setFontStrikeOut(True)
        self._struck.setForeground(_STRUCK)
        self._strong = QTextCharFormat()
        self._strong.setFontWeight(QFont.Weight.Bold)
        self._aside = QTextCharFormat()
        self._aside.setFontItalic(True)
        self._grid_pen = QPen(_GRID, 0)
        self._authors: dict[str, QTextLayout] = {}
        self._segment_top = 0.0

    def write(
        self,
        entries: Iterable[LoggedEntry],
        progress: Progress,
        done_before: int,
        total: int,
    ) -> None:
        """Place every entry's row, reporting progress every few hundred rows."""
        flow = self._flow
        self._authors.clear()
        if flow.room < self._head_height + self._line * 2 + 2 * self._pad:
            flow.new_page()
        self._header()
        for done, entry in enumerate(entries, start=1):
            self._row(entry)
            if done % PROGRESS_EVERY == 0:
                progress(done_before + done, total)
        self._close_columns()
        flow.y += self._pad * 2  # a little air before what follows

    # -- one row ------------------------------------------------------------------------------

    def _row(self, entry: LoggedEntry) -> None:
        record = entry.record
        flow = self._flow
        pad2 = 2 * self._pad
        author = self._author(record.author)
        body = self._entry_layout(entry)
        body_height = body.boundingRect().height()
        tallest = max(self._time_lines * self._line, author.boundingRect().height(), self._line)
        height = max(tallest, body_height) + pad2
        if height > flow.room:
            fresh = flow.body.height() - self._head_height
            if height <= fresh or flow.room < _MIN_LINES * self._line + pad2:
                self._next_page()
            if height > flow.room:
                self._split(record, author, body, tallest)
                return
        if flow.painter is not None:  # the usual case: the whole row fits here
            y = flow.top + flow.y
            self._cells(flow.painter, record, author, y)
            body.draw(flow.painter, QPointF(self._x[4] + self._pad, y + self._pad))
            self._rule(flow.painter, y + height)
        flow.y += height

    def _split(
        self, record: ChainRecord, author: QTextLayout, body: QTextLayout, tallest: float
    ) -> None:
        """Place a row taller than a page: its text continues on the next page(s)."""
        flow = self._flow
        lines = [body.lineAt(i) for i in range(body.lineCount())]
        first = 0
        while True:
            room = flow.room - 2 * self._pad
            used, last = 0.0, first
            while last < len(lines) and used + lines[last].height() <= room:
                used += lines[last].height()
                last += 1
            if last == first and last < len(lines):
                last, used = first + 1, lines[first].height()  # at least one line a page
            height = max(used, tallest if first == 0 else 0.0) + 2 * self._pad
            if flow.painter is not None:
                y = flow.top + flow.y
                if first == 0:
                    self._cells(flow.painter, record, author, y)
                origin = QPointF(self._x[4] + self._pad, y + self._pad - lines[first].y())
                for line in lines[first:last]:
                    line.draw(flow.painter, origin)
                self._rule(flow.painter, y + height)
            flow.y += height
            first = last
            if first >= len(lines):
                return
            self._next_page()

    def _next_page(self) -> None:
        self._close_columns()
        self._flow.new_page()
        self._header()

    def _cells(self, painter: QPainter, record: ChainRecord, author: QTextLayout, y: float) -> None:
        """Draw the number, time, kind and author of a row whose top is at ``y``."""
        pad = self._pad
        painter.setFont(self._font)
        painter.setPen(_MUTED)
        self._text(painter, 0, y, str(record.seq))
        painter.setPen(Qt.GlobalColor.black)
        moment = record.created_at
        stamp = (
            f"{moment:%Y-%m-%d %H:%M:%S}"
            if self._time_lines == 1
            else f"{moment:%Y-%m-%d}\n{moment:%H:%M:%S}"
        )
        self._text(painter, 1, y, stamp)
        self._text(painter, 2, y, record.kind)
        author.draw(painter, QPointF(self._x[3] + pad, y + pad))

    def _text(self, painter: QPainter, column: int, y: float, value: str) -> None:
        pad = self._pad
        box = QRectF(self._x[column] + pad, y + pad, self._w[column] - 2 * pad, 1e6)
        painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, value)

    def _rule(self, painter: QPainter, y: float) -> None:
        """Draw the line under a row (the columns' lines are drawn once per page)."""
        painter.setPen(self._grid_pen)
        painter.drawLine(QPointF(0, y), QPointF(self._width, y))

    def _close_columns(self) -> None:
        """Draw the column lines of the table's part on this page, top to bottom."""
        painter = self._flow.painter
        if painter is None:
            return
        top, bottom = self._flow.top + self._segment_top, self._flow.top + self._flow.y
        painter.setPen(self._grid_pen)
        for x in (*self._x, self._width):
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))

    def _header(self) -> None:
        flow = self._flow
        self._segment_top = flow.y
        if flow.painter is not None:
            painter = flow.painter
            y = flow.top + flow.y
            painter.fillRect(QRectF(0, y, self._width, self._head_height), _HEAD)
            painter.setFont(self._bold)
            painter.setPen(Qt.GlobalColor.black)
            for column, (name, _share) in enumerate(COLUMNS):
                self._text(painter, column, y, name)
            painter.setPen(self._grid_pen)
            painter.drawLine(QPointF(0, y), QPointF(self._width, y))
            self._rule(painter, y + self._head_height)
        flow.y += self._head_height

    # -- text layout --------------------------------------------------------------------------

    def _author(self, name: str) -> QTextLayout:
        """Return the author's cell laid out (the few authors of a log are laid out once)."""
        layout = self._authors.get(name)
        if layout is None:
            if len(self._authors) >= _AUTHORS_KEPT:
                self._authors.clear()
            layout = QTextLayout(_lines(name), self._font, self._device)
            layout.setTextOption(self._option)
            self._lay_out(layout, self._w[3])
            self._authors[name] = layout
        return layout

    def _entry_layout(self, entry: LoggedEntry) -> QTextLayout:
        record = entry.record
        text = _lines(record.text)
        formats = []
        prefix = ""
        if record.corrects_seq is not None:
            prefix = f"Correction of #{record.corrects_seq}: "
            formats.append(_range(0, len(prefix) - 1, self._strong))
        suffix = ""
        if entry.corrected_by:
            formats.append(_range(len(prefix), len(text), self._struck))
            suffix = " (corrected by " + ", ".join(f"#{n}" for n in entry.corrected_by) + ")"
            formats.append(_range(len(prefix) + len(text) + 1, len(suffix) - 1, self._aside))
        layout = QTextLayout(prefix + text + suffix, self._font, self._device)
        layout.setTextOption(self._option)
        if formats:
            layout.setFormats(formats)
        self._lay_out(layout, self._w[4])
        return layout

    def _lay_out(self, layout: QTextLayout, width: float) -> None:
        inner = width - 2 * self._pad
        layout.beginLayout()
        y = 0.0
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(inner)
            line.setPosition(QPointF(0, y))
            y += line.height()
        layout.endLayout()


def _lines(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", _LINE_BREAK)


def _range(start: int, length: int, style: QTextCharFormat) -> QTextLayout.FormatRange:
    part = QTextLayout.FormatRange()
    part.start = start
    part.length = length
    part.format = style
    return part
