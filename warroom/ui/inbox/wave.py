"""The wave: inbound volume per time bucket and source, spikes and the negative share, drawn
with QPainter (no chart library).

Bars are stacked by source, one slot per bucket (empty buckets stay empty slots, so time
runs evenly); a spike (the documented rule of ``domain.inbox_stats``) gets a red outline and
a mark above its bar; the share of negative items is a line against the right-hand scale.
When there are more buckets than fit, the newest are shown. Hovering a bar tells its figures.
"""

from __future__ import annotations

import itertools
import math
from datetime import timedelta

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QHelpEvent, QPainter, QPainterPath, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from warroom.domain.inbox_stats import Bucket, InboxStats, bucket_seconds

#: Okabe-Ito colours: told apart with the common kinds of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SPIKE = QColor("#c62828")
NEGATIVE = QColor("#7a0010")
MIN_SLOT_PX = 5
MARGINS = (34, 10, 40, 20)  # left, top, right, bottom


def source_colour(index: int) -> QColor:
    """Return the colour of the ``index``-th source (cycling through the palette)."""
    return QColor(PALETTE[index % len(PALETTE)])


def nice_ceiling(value: int) -> int:
    """Return a round number at least ``value`` (1, 2, 5, 10, 20, 50...), for the scale."""
    if value <= 1:
        return 1
    magnitude: int = 10 ** int(math.log10(value))
    for step in (1, 2, 5, 10):
        if step * magnitude >= value:
            return int(step * magnitude)
    return int(10 * magnitude)


def duration_text(value: timedelta | None) -> str:
    """Return a wait the short way: 45s, 12m, 2h 05m, 3d 4h ('-' when unknown)."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    if seconds < 86_400:
        return f"{seconds // 3600}h {seconds % 3600 // 60:02d}m"
    return f"{seconds // 86_400}d {seconds % 86_400 // 3600}h"


def bucket_text(bucket: Bucket, width: timedelta) -> str:
    """Return a bucket's figures for its tooltip (plain text)."""
    start = bucket.start.astimezone()
    lines = [f"{start:%a %H:%M} to {start + width:%H:%M}: {bucket.total} items"]
    lines += [f"  {name}: {count}" for name, count in bucket.by_source.items()]
    share = bucket.negative_share
    if share is not None:
        lines.append(f"negative: {share:.0%} of {bucket.scored} scored")
    if bucket.spike:
        lines.append(f"SPIKE: over {bucket.baseline or 0:.1f} per bucket before it")
    return "\n".join(lines)


class WaveChart(QWidget):
    """Stacked volume bars per bucket, spikes marked, the negative share as a line."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inboxWaveChart")
        self.setAccessibleName("Inbound volume per time bucket")
        self.setMinimumHeight(110)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        self.stats: InboxStats | None = None
        self._slots: list[tuple[QRectF, Bucket]] = []

    def sizeHint(self) -> QSize:
        return QSize(420, 150)

    def set_stats(self, stats: InboxStats | None) -> None:
        """Draw ``stats`` (None: nothing yet)."""
        self.stats = stats
        self.setAccessibleDescription(summary(stats) if stats is not None else "")
        self.update()

    def visible_buckets(self, width: float) -> tuple[int, int]:
        """Return the first and last bucket index shown in a plot ``width`` pixels wide."""
        assert self.stats is not None and self.stats.buckets
        seconds = bucket_seconds(self.stats.bucket)
        first = int(self.stats.buckets[0].start.timestamp()) // seconds
        last = int(self.stats.buckets[-1].start.timestamp()) // seconds
        fit = max(1, int(width // MIN_SLOT_PX))
        return max(first, last - fit + 1), last

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().windowText().color()
        left, top, right, bottom = MARGINS
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        self._slots = []
        stats = self.stats
        if stats is None or not stats.buckets or plot.width() < 10 or plot.height() < 10:
            painter.setPen(text_colour)
            message = "Reading…" if stats is None else "No inbound items yet"
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, message)
            return
        seconds = bucket_seconds(stats.bucket)
        first, last = self.visible_buckets(plot.width())
        slot = plot.width() / (last - first + 1)
        shown = [b for b in stats.buckets if int(b.start.timestamp()) // seconds >= first]
        scale = nice_ceiling(max(b.total for b in shown))
        colours = {name: source_colour(i) for i, name in enumerate(stats.sources)}
        painter.setPen(QPen(text_colour.lighter(160) if text_colour.value() < 128 else text_colour))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.setPen(text_colour)
        painter.drawText(QRectF(0, top - 6, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(scale))
        painter.drawText(
            QRectF(plot.right() + 4, top - 6, right - 4, 14), Qt.AlignmentFlag.AlignLeft, "100%"
        )
        painter.drawText(
            QRectF(plot.right() + 4, plot.bottom() - 8, right - 4, 14),
            Qt.AlignmentFlag.AlignLeft,
            "0%",
        )
        points: list[QPointF] = []
        for bucket in shown:
            index = int(bucket.start.timestamp()) // seconds
            x = plot.left() + (index - first) * slot
            bar = QRectF(x + slot * 0.1, plot.bottom(), slot * 0.8, 0)
            y = plot.bottom()
            for name, count in bucket.by_source.items():
                height = plot.height() * count / scale
                y -= height
                painter.fillRect(QRectF(bar.left(), y, bar.width(), height), colours[name])
            whole = QRectF(bar.left(), y, bar.width(), plot.bottom() - y)
            self._slots.append((QRectF(x, plot.top(), slot, plot.height()), bucket))
            if bucket.spike:
                painter.setPen(QPen(SPIKE, 2))
                painter.drawRect(whole)
                mark = QPainterPath()
                middle = whole.center().x()
                mark.moveTo(middle - 4, whole.top() - 9)
                mark.lineTo(middle + 4, whole.top() - 9)
                mark.lineTo(middle, whole.top() - 3)
                mark.closeSubpath()
                painter.fillPath(mark, SPIKE)
            share = bucket.negative_share
            if share is not None:
                points.append(QPointF(x + slot / 2, plot.bottom() - plot.height() * share))
        if points:
            painter.setPen(QPen(NEGATIVE, 1.5, Qt.PenStyle.DashLine))
            for one, two in itertools.pairwise(points):
                painter.drawLine(one, two)
            for point in points:
                painter.fillRect(QRectF(point.x() - 2, point.y() - 2, 4, 4), NEGATIVE)
        painter.setPen(text_colour)
        stamp = shown[0].start.astimezone().strftime("%H:%M")
        painter.drawText(QRectF(plot.left(), plot.bottom() + 3, 60, 14), stamp)
        last_stamp = stats.buckets[-1].start.astimezone().strftime("%H:%M")
        painter.drawText(
            QRectF(plot.right() - 60, plot.bottom() + 3, 60, 14),
            Qt.AlignmentFlag.AlignRight,
            last_stamp,
        )

    def bucket_at(self, x: float) -> Bucket | None:
        """Return the bucket drawn at ``x`` (as last painted), if any."""
        return next((b for rect, b in self._slots if rect.left() <= x < rect.right()), None)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            bucket = self.bucket_at(event.pos().x())
            if bucket is None or self.stats is None:
                QToolTip.hideText()
            else:
                width = timedelta(seconds=bucket_seconds(self.stats.bucket))
                QToolTip.showText(event.globalPos(), bucket_text(bucket, width), self)
            return True
        return super().event(event)


def summary(stats: InboxStats) -> str:
    """Return the figures under the chart (and for screen readers), as plain lines."""
    share = stats.negative_share
    negative = f"{share:.0%} negative" if share is not None else "sentiment not scored"
    spikes = len(stats.spikes)
    lines = [
        f"{stats.total} items in {len(stats.buckets)} buckets of {stats.bucket}; {negative}; "
        f"{spikes} spike{'s' if spikes != 1 else ''}",
        f"Waiting: {stats.waiting}, oldest {duration_text(stats.oldest_wait)}",
    ]
    answered = [r for r in stats.response if r.answered]
    if answered:
        lines.append(
            "First response: "
            + "; ".join(
                f"P{r.priority} median {duration_text(r.median)}, p90 {duration_text(r.p90)} "
                f"({r.answered})"
                for r in answered
            )
        )
    else:
        lines.append("First response: nothing answered yet")
    return "\n".join(lines)
