"""The collapsible "Wave" part of the inbox pane: the chart, its legend and its figures.

Collapsed, it reads nothing. Expanded, it reads ``services.inbox.stats`` for the incident
the pane's filter names (or the whole inbox) in the background, again whenever the inbox
changes (one read in flight at most; changes meanwhile make one more read after it).
"""

from __future__ import annotations

import html
import logging

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.inbox_stats import BUCKETS, SPIKE_RULE, InboxStats
from warroom.services.inbox import InboxService
from warroom.ui.inbox.wave import WaveChart, source_colour, summary
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)


class WavePanel(QWidget):
    """A header that folds out the wave chart and the response-time figures."""

    stats_shown = Signal(object)  # InboxStats

    def __init__(
        self, inbox: InboxService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxWave")
        self._inbox = inbox
        self._runner = runner
        self._incident_id: int | None = None
        self._reading = False
        self._again = False
        self._stale = True
        self.reads = 0

        self.toggle = QToolButton(self)
        self.toggle.setObjectName("inboxWaveToggle")
        self.toggle.setText("Wave")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.ArrowType.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip("Show the volume per time bucket, spikes and response times")
        self.toggle.toggled.connect(self.set_expanded)
        self.bucket_combo = QComboBox(self)
        self.bucket_combo.setObjectName("inboxWaveBucket")
        self.bucket_combo.setAccessibleName("Bucket width")
        for name in BUCKETS:
            self.bucket_combo.addItem(name, name)
        self.bucket_combo.setCurrentIndex(self.bucket_combo.findData("15m"))
        self.bucket_combo.currentIndexChanged.connect(self.refresh)
        self.headline = QLabel("", self)
        self.headline.setObjectName("inboxWaveHeadline")
        self.headline.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.toggle)
        header.addWidget(self.bucket_combo)
        header.addWidget(self.headline, 1)

        self.body = QWidget(self)
        self.chart = WaveChart(self.body)
        self.legend = QLabel("", self.body)
        self.legend.setObjectName("inboxWaveLegend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)  # our own markup: colours only
        self.legend.setToolTip(f"Spike: {SPIKE_RULE}. Dashed line: share of negative items.")
        self.figures = QLabel("", self.body)
        self.figures.setObjectName("inboxWaveFigures")
        self.figures.setTextFormat(Qt.TextFormat.PlainText)
        self.figures.setWordWrap(True)
        self.figures.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.legend)
        body.addWidget(self.chart, 1)
        body.addWidget(self.figures)
        self.body.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.body, 1)
        self.bucket_combo.setEnabled(False)

    @property
    def expanded(self) -> bool:
        """Tell whether the chart is shown."""
        return self.toggle.isChecked()

    def set_expanded(self, expanded: bool) -> None:
        """Fold the chart out (reading its figures) or in."""
        if self.toggle.isChecked() != expanded:
            self.toggle.setChecked(expanded)  # comes back here through toggled
            return
        self.toggle.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.body.setVisible(expanded)
        self.bucket_combo.setEnabled(expanded)
        if expanded and self._stale:
            self.refresh()

    def set_incident(self, incident_id: int | None) -> None:
        """Show the wave of ``incident_id`` (None: the whole inbox)."""
        if incident_id != self._incident_id:
            self._incident_id = incident_id
            self.refresh()

    def refresh(self) -> None:
        """Read the figures again (now if shown, else when next folded out)."""
        self._stale = True
        if not self.expanded:
            return
        if self._reading:
            self._again = True
            return
        self._reading, self._stale = True, False
        inbox, incident_id = self._inbox, self._incident_id
        bucket = str(self.bucket_combo.currentData())
        self.reads += 1

        def done(stats: InboxStats) -> None:
            self._finished()
            if stats.bucket == self.bucket_combo.currentData():
                self.show_stats(stats)

        def failed(error: Exception) -> None:
            self._finished()
            self.headline.setText(f"Not read: {' '.join(str(error).split())}")

        self._runner.run(lambda: inbox.stats(incident_id=incident_id, bucket=bucket), done, failed)

    def _finished(self) -> None:
        self._reading = False
        if self._again:
            self._again = False
            self.refresh()

    def show_stats(self, stats: InboxStats) -> None:
        """Draw ``stats`` and write its figures."""
        self.chart.set_stats(stats)
        scope = f"incident #{stats.incident_id}" if stats.incident_id else "whole inbox"
        share = stats.negative_share
        negative = f", {share:.0%} negative" if share is not None else ""
        self.headline.setText(f"{scope}: {stats.total} items{negative}, {stats.waiting} waiting")
        self.legend.setText(
            "&nbsp;&nbsp;".join(
                f"<span style='color:{source_colour(i).name()}'>■</span> {html.escape(name)}"
                for i, name in enumerate(stats.sources)
            )
            + "&nbsp;&nbsp;<span style='color:#c62828'>▼ spike</span>"
            + "&nbsp;&nbsp;<span style='color:#7a0010'>- - negative share</span>"
        )
        self.figures.setText(summary(stats))
        self.stats_shown.emit(stats)
