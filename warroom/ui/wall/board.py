"""The wall board: one full-screen page a room reads from five metres away.

Big clocks (the clocks bar itself, sized up), the last public statement with every
channel's delivery, released statements still waiting, overdue checklist items and the
inbound volume. It renders from the same :class:`IncidentView` as the panes (read when the
change feed names its areas) and recomputes the time-bound parts every second without
reading. Its text sizes follow its height: the zoom (Ctrl+= / Ctrl+-) is on top of that.
"""

from __future__ import annotations

import html
import logging
from datetime import datetime

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.changes import Area
from warroom.domain.clock import Clock
from warroom.domain.clocks import format_duration
from warroom.domain.incident_view import IncidentView
from warroom.services.preferences import PreferencesStore
from warroom.ui.clocks.bar import ClocksBar, local_and_utc, to_the_minute
from warroom.ui.shell.view_loader import IncidentViewLoader
from warroom.ui.shell.zoom import ZoomController
from warroom.ui.wall.content import InboundSummary, WallContent, wall_content

log = logging.getLogger(__name__)

TICK_MS = 1000
#: Lines of text that fit the board's height at 100 %: the base size is height / this.
LINES_ON_SCREEN = 34
#: Sizes relative to the base, by object name.
WALL_SCALES = {
    "wallHeading": 1.25,
    "wallTime": 1.25,
    "clockValue": 2.3,
    "wallStatement": 1.35,
    "wallInbound": 1.3,
}
#: Chips: a colour pair of their own, readable on the light and the dark theme alike.
CHIP = "border-radius: 4px; padding: 2px 10px; font-weight: bold;"
CHIP_COLOURS = {
    "delivered": ("#1b5e20", "#ffffff"),
    "queued": ("#f2b233", "#1d1400"),
    "sending": ("#f2b233", "#1d1400"),
    "FAILED": ("#c62828", "#ffffff"),
    "UNCERTAIN": ("#c62828", "#ffffff"),
    "not sent": ("#4a5560", "#ffffff"),
    "overdue": ("#c62828", "#ffffff"),
    "spike": ("#c62828", "#ffffff"),
}
BOARD_STYLE = """
QLabel#wallSectionTitle { font-weight: bold; letter-spacing: 1px; }
QLabel#wallHeading, QLabel#wallTime, QLabel#wallInbound { font-weight: bold; }
QFrame#wallSection { border: 1px solid rgba(127, 127, 127, 110); border-radius: 8px; }
"""


def chip(text: str, kind: str) -> str:
    """Return rich text for a coloured chip (``kind``: a CHIP_COLOURS key)."""
    background, foreground = CHIP_COLOURS.get(kind, CHIP_COLOURS["not sent"])
    return (
        f"<span style='background:{background}; color:{foreground}; font-weight:bold'>"
        f"&nbsp;{html.escape(text)}&nbsp;</span>"
    )


def _section(title: str) -> tuple[QFrame, QVBoxLayout]:
    frame = QFrame()
    frame.setObjectName("wallSection")
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(16, 10, 16, 10)
    heading = QLabel(title.upper())
    heading.setObjectName("wallSectionTitle")
    layout.addWidget(heading)
    return frame, layout


def _text(name: str, *, rich: bool = False, wrap: bool = True) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(wrap)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


class WallBoard(QWidget):
    """The board (a window of its own); ``left`` when Esc or F11 asks to go back."""

    #: The parts of the incident view the board shows (the clocks follow their own).
    AREAS = frozenset({Area.STATEMENTS, Area.OUTBOX, Area.CHECKLIST, Area.INCIDENT, Area.CHANNELS})

    left = Signal()

    def __init__(
        self,
        views: IncidentViewLoader,
        now: Clock,
        preferences: PreferencesStore | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("wallBoard")
        self.setWindowTitle("War Room — wall")
        self.setAccessibleName("Wall board")
        self.setAttribute(Qt.WidgetAttribute.WA_QuitOnClose, False)
        self._views = views
        self._now = now
        self._incident_id: int | None = None
        self._view: IncidentView | None = None
        self.content: WallContent | None = None
        self.inbound: InboundSummary | None = None
        self.renders = 0  # how many times the content was rendered (tests count them)

        self.heading = _text("wallHeading", wrap=True)
        self.time = _text("wallTime", wrap=False)
        self.time.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.clocks = ClocksBar(views, now)
        self.clocks.setObjectName("wallClocks")
        self.clocks.setAccessibleName("Incident clocks (wall)")
        self.clocks.set_columns(2)
        for tile in (self.clocks.age, self.clocks.cadence, self.clocks.promise):
            tile.detail.setWordWrap(True)  # large text on any screen: wrap, never widen
        self.clocks.regulator.detail.setWordWrap(True)

        public, public_layout = _section("Last public statement")
        self.public_when = _text("wallPublicWhen")
        self.statement = _text("wallStatement")
        self.channels = _text("wallChannels", rich=True)
        self.waiting = _text("wallWaiting")
        for label in (self.public_when, self.statement, self.channels, self.waiting):
            public_layout.addWidget(label)
        public_layout.addStretch(1)

        overdue, overdue_layout = _section("Overdue checklist")
        self.overdue = _text("wallOverdue", rich=True)
        overdue_layout.addWidget(self.overdue)
        overdue_layout.addStretch(1)

        inbound, inbound_layout = _section("Inbound")
        self.inbound_label = _text("wallInbound", rich=True)
        inbound_layout.addWidget(self.inbound_label)

        self.hint = _text("wallHint", wrap=False)
        self.hint.setText("Esc or F11: back to the window  ·  Ctrl+= / Ctrl+-: text size")

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(self.time)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        grid.addWidget(public, 0, 0, 2, 1)
        grid.addWidget(overdue, 0, 1)
        grid.addWidget(inbound, 1, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(0, 3)
        grid.setRowStretch(1, 1)
        inner = QWidget()
        inner.setObjectName("wallInner")
        inner.setStyleSheet(BOARD_STYLE)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(24, 16, 24, 12)
        layout.setSpacing(14)
        layout.addLayout(top)
        layout.addWidget(self.clocks)
        layout.addLayout(grid, 1)
        layout.addWidget(self.hint)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        # Full screen on any screen: what does not fit is cut, never a refused full screen.
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        outer.addWidget(inner)

        self.zoom = ZoomController(
            self, "wall", preferences, relative=WALL_SCALES, base=self._base_font
        )
        self.leave_action = QAction("Leave wall mode", self)
        self.leave_action.setShortcuts([QKeySequence("Esc"), QKeySequence("F11")])
        self.leave_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.leave_action.triggered.connect(self.left)
        self.addAction(self.leave_action)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.tick)
        self.installEventFilter(self)
        views.subscribe(self._view_loaded)
        self.show_inbound(None)
        self.tick()

    # -- size ---------------------------------------------------------------------------

    def _base_font(self) -> QFont:
        font = QFont(self.font())
        font.setPixelSize(max(12, self.height() // LINES_ON_SCREEN))
        return font

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self:
            if event.type() == QEvent.Type.Resize:
                self.zoom.apply()  # the text grows with the screen
            elif event.type() == QEvent.Type.Show:
                self._timer.start()
                self.tick()
            elif event.type() == QEvent.Type.Hide:
                self._timer.stop()
        return super().eventFilter(watched, event)

    # -- data ---------------------------------------------------------------------------

    def set_incident(self, incident_id: int | None) -> None:
        """Show ``incident_id`` (its view arrives through the shared loader)."""
        self._incident_id = incident_id
        self._view = None
        self.clocks.set_incident(incident_id)
        view = self._views.view
        if view is not None and view.incident.id == incident_id:
            self._view_loaded(view, self.AREAS)
        self.tick()

    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        if view.incident.id != self._incident_id or not areas & self.AREAS:
            return
        self._view = view
        self.tick()

    def show_inbound(self, summary: InboundSummary | None) -> None:
        """Show the inbound volume (None: not read yet)."""
        self.inbound = summary
        if summary is None:
            self.inbound_label.setText("…")
            return
        text = html.escape(summary.describe().removesuffix(" · SPIKE"))
        if summary.spike:
            text += "&nbsp;&nbsp;" + chip("SPIKE", "spike")
        self.inbound_label.setText(text)
        self.inbound_label.setAccessibleName(f"Inbound: {summary.describe()}")

    def stop(self) -> None:
        """Stop ticking (the window is closing)."""
        self._timer.stop()
        self.clocks.stop()

    def tick(self) -> None:
        """Recompute from the cached view (no reads); texts change only when they differ."""
        now = self._now()
        self._set(self.time, local_and_utc(now, now))
        view = self._view
        if view is None:
            self._set(self.heading, "no incident" if self._incident_id is None else "…")
            return
        content = wall_content(view, now)
        if content != self.content:
            self.content = content
            self.renders += 1
            self._render(content, now)
        self._render_times(content, now)

    def _render(self, content: WallContent, now: datetime) -> None:
        self._set(self.heading, content.heading)
        public = content.public
        if public is None:
            self._set(self.statement, "Nothing has been made public yet.")
            self.channels.setText("")
        else:
            self._set(self.statement, public.text)
            self.channels.setText(
                "&nbsp;&nbsp;".join(
                    chip(f"{c.channel}: {c.state}", c.state) for c in public.channels
                )
            )
            self.channels.setAccessibleName(
                "; ".join(f"{c.channel} {c.state}" for c in public.channels)
            )
        self._set(self.waiting, "\n".join(content.waiting))
        self.waiting.setVisible(bool(content.waiting))

    def _render_times(self, content: WallContent, now: datetime) -> None:
        public = content.public
        if public is None:
            self._set(self.public_when, "")
        else:
            ago = to_the_minute(format_duration(now - public.public_at))
            promise = (
                f"  ·  next update promised by {local_and_utc(public.next_update_by, now)}"
                if public.next_update_by
                else ""
            )
            self._set(
                self.public_when,
                f"#{public.statement_id}, public at {local_and_utc(public.public_at, now)}"
                f" ({ago} ago){promise}",
            )
        if not content.overdue:
            self.overdue.setText(html.escape("Nothing overdue."))
            return
        lines = []
        for item in content.overdue[:6]:
            # To the minute: the board is read across a room, not watched second by second.
            late = to_the_minute(format_duration(now - item.due_at)) if item.due_at else ""
            lines.append(
                chip(f"{late} late", "overdue")
                + f"&nbsp; {html.escape(item.text)}"
                + (f" <i>({html.escape(item.owner_role)})</i>" if item.owner_role else "")
            )
        more = len(content.overdue) - 6
        if more > 0:
            lines.append(f"… and {more} more")
        self.overdue.setText("<br>".join(lines))

    @staticmethod
    def _set(label: QLabel, text: str) -> None:
        if label.text() != text:
            label.setText(text)
