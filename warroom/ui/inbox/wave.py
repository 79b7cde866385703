"""The wave: inbound volume per time bucket and source, spikes and the negative share, drawn
with QPainter (no chart library).

The drawing itself is :mod:`warroom.export.wave_drawing`, shared with the PDF export so the
printed chart looks like this one; this widget adds the placeholder texts, the slots it
remembers for hovering, and the tooltip telling a bar's figures.
"""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QHelpEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from warroom.domain.inbox_stats import Bucket, InboxStats, bucket_seconds
from warroom.export.wave_drawing import (
    MIN_SLOT_PX,
    NEGATIVE,
    PALETTE,
    SPIKE,
    nice_ceiling,
    paint_wave,
    plot_area,
    source_colour,
    visible_range,
)

__all__ = [
    "NEGATIVE",
    "PALETTE",
    "SPIKE",
    "WaveChart",
    "bucket_text",
    "duration_text",
    "nice_ceiling",
    "source_colour",
    "summary",
]


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
        return visible_range(self.stats, width, MIN_SLOT_PX)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().windowText().color()
        area = QRectF(self.rect())
        plot = plot_area(area)
        self._slots = []
        stats = self.stats
        if stats is None or not stats.buckets or plot.width() < 10 or plot.height() < 10:
            painter.setPen(text_colour)
            message = "Reading…" if stats is None else "No inbound items yet"
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, message)
            return
        self._slots = paint_wave(painter, area, stats, text_colour)

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
