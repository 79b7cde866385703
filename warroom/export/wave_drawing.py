"""The wave chart drawn with QPainter: one drawing for the inbox pane and the PDF export.

Bars are stacked by source, one slot per bucket (empty buckets stay empty slots, so time
runs evenly); a spike (the documented rule of ``domain.inbox_stats``) gets a red outline and
a mark above its bar; the share of negative items is a dashed line against the right-hand
scale. When there are more buckets than fit, the newest are shown.

QtGui only (no widgets): the PDF writer draws the same chart into a :class:`QImage`
(:func:`wave_image`) that the window's chart paints on screen (``ui.inbox.wave``).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPainterPath, QPen

from warroom.domain.inbox_stats import Bucket, InboxStats, bucket_seconds

#: Okabe-Ito colours: told apart with the common kinds of colour blindness.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
SPIKE = QColor("#c62828")
NEGATIVE = QColor("#7a0010")
MIN_SLOT_PX = 5
MARGINS = (34, 10, 40, 20)  # left, top, right, bottom

Stamp = Callable[[datetime], str]


def local_stamp(moment: datetime) -> str:
    """Return a bucket start as the window shows it: local hours and minutes."""
    return moment.astimezone().strftime("%H:%M")


def utc_stamp(moment: datetime) -> str:
    """Return a bucket start as the exports show it: day, hours and minutes in UTC."""
    return f"{moment:%d %b %H:%M} UTC"


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


def plot_area(area: QRectF) -> QRectF:
    """Return the bars' rectangle inside ``area`` (the rest holds the scales and times)."""
    left, top, right, bottom = MARGINS
    return QRectF(
        area.left() + left,
        area.top() + top,
        area.width() - left - right,
        area.height() - top - bottom,
    )


def visible_range(stats: InboxStats, width: float, min_slot: float) -> tuple[int, int]:
    """Return the first and last bucket index shown in a plot ``width`` wide."""
    seconds = bucket_seconds(stats.bucket)
    first = int(stats.buckets[0].start.timestamp()) // seconds
    last = int(stats.buckets[-1].start.timestamp()) // seconds
    fit = max(1, int(width // min_slot))
    return max(first, last - fit + 1), last


def paint_wave(
    painter: QPainter,
    area: QRectF,
    stats: InboxStats,
    text_colour: QColor,
    *,
    stamp: Stamp = local_stamp,
    min_slot: float = MIN_SLOT_PX,
) -> list[tuple[QRectF, Bucket]]:
    """Draw the chart of ``stats`` (which has buckets) in ``area``; return each bucket's slot."""
    plot = plot_area(area)
    left, _top, right, _bottom = MARGINS
    seconds = bucket_seconds(stats.bucket)
    first, last = visible_range(stats, plot.width(), min_slot)
    slot = plot.width() / (last - first + 1)
    shown = [b for b in stats.buckets if int(b.start.timestamp()) // seconds >= first]
    scale = nice_ceiling(max(b.total for b in shown))
    colours = {name: source_colour(i) for i, name in enumerate(stats.sources)}
    painter.setPen(QPen(text_colour.lighter(160) if text_colour.value() < 128 else text_colour))
    painter.drawLine(plot.bottomLeft(), plot.bottomRight())
    painter.setPen(text_colour)
    painter.drawText(
        QRectF(area.left(), plot.top() - 6, left - 4, 14), Qt.AlignmentFlag.AlignRight, str(scale)
    )
    painter.drawText(
        QRectF(plot.right() + 4, plot.top() - 6, right - 4, 14), Qt.AlignmentFlag.AlignLeft, "100%"
    )
    painter.drawText(
        QRectF(plot.right() + 4, plot.bottom() - 8, right - 4, 14),
        Qt.AlignmentFlag.AlignLeft,
        "0%",
    )
    slots: list[tuple[QRectF, Bucket]] = []
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
        slots.append((QRectF(x, plot.top(), slot, plot.height()), bucket))
        if bucket.spike:
            _mark_spike(painter, whole)
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
    metrics = QFontMetricsF(painter.font())
    start, end = stamp(shown[0].start), stamp(stats.buckets[-1].start)
    painter.drawText(
        QRectF(plot.left(), plot.bottom() + 3, metrics.horizontalAdvance(start) + 4, 14), start
    )
    width = metrics.horizontalAdvance(end) + 4
    painter.drawText(
        QRectF(plot.right() - width, plot.bottom() + 3, width, 14),
        Qt.AlignmentFlag.AlignRight,
        end,
    )
    return slots


def _mark_spike(painter: QPainter, bar: QRectF) -> None:
    """Outline a spiking bar and put a downward triangle above it."""
    painter.setPen(QPen(SPIKE, 2))
    painter.drawRect(bar)
    mark = QPainterPath()
    middle = bar.center().x()
    mark.moveTo(middle - 4, bar.top() - 9)
    mark.lineTo(middle + 4, bar.top() - 9)
    mark.lineTo(middle, bar.top() - 3)
    mark.closeSubpath()
    painter.fillPath(mark, SPIKE)


def paint_legend(painter: QPainter, area: QRectF, stats: InboxStats, text_colour: QColor) -> None:
    """Draw the legend in one line: a swatch per source, the spike mark, the negative line."""
    metrics = QFontMetricsF(painter.font())
    x, middle = area.left() + MARGINS[0], area.center().y()
    entries = [(name, source_colour(i)) for i, name in enumerate(stats.sources)]
    entries += [("spike", SPIKE), ("negative share (right scale)", NEGATIVE)]
    for label, colour in entries:
        if colour is SPIKE:
            _mark_spike(painter, QRectF(x + 2, middle - 1, 6, 6))
        elif colour is NEGATIVE:
            painter.setPen(QPen(NEGATIVE, 1.5, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, middle), QPointF(x + 14, middle))
        else:
            painter.fillRect(QRectF(x, middle - 4, 9, 9), colour)
        x += 18
        painter.setPen(text_colour)
        width = metrics.horizontalAdvance(label) + 2
        painter.drawText(
            QRectF(x, area.top(), width, area.height()), Qt.AlignmentFlag.AlignVCenter, label
        )
        x += width + 14


def wave_image(
    stats: InboxStats, width: float, height: float, *, scale: float, font: QFont
) -> QImage:
    """Return the chart of ``stats`` (which has buckets) with its legend, on white, for print.

    ``width`` and ``height`` are in drawing units, each ``scale`` pixels of the image: the
    chart keeps the window's proportions and stays sharp at the printer's resolution. A
    bucket is at least one unit wide, so a long incident shows whole.
    """
    image = QImage(
        max(1, round(width * scale)), max(1, round(height * scale)), QImage.Format.Format_RGB32
    )
    image.setDevicePixelRatio(scale)
    image.fill(QColor("white"))
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setFont(font)
        ink = QColor("#202020")
        band = QFontMetricsF(font).height() + 6
        paint_legend(painter, QRectF(0, 0, width, band), stats, ink)
        paint_wave(
            painter, QRectF(0, band, width, height - band), stats, ink, stamp=utc_stamp, min_slot=1
        )
        first, last = visible_range(stats, plot_area(QRectF(0, 0, width, height)).width(), 1)
        seconds = bucket_seconds(stats.bucket)
        hidden = sum(1 for b in stats.buckets if int(b.start.timestamp()) // seconds < first)
        if hidden:
            painter.setPen(ink)
            painter.drawText(
                QRectF(0, 0, width - MARGINS[2], band),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"the newest {last - first + 1} buckets shown",
            )
    finally:
        painter.end()
    return image
