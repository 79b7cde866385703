"""View > Wall mode (F11): show the board full screen; Esc or F11 come back.

:func:`install_wall` is called by the composition root. The board follows the incident
shown in the window and the shared incident view; the inbound volume is read in the
background while the board is up (when the change feed names the inbox, and once a
minute, since the last hour moves on by itself).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QAction, QKeySequence

from warroom.domain.changes import Area, Changes
from warroom.domain.inbox_stats import InboxStats
from warroom.domain.incidents import Incident
from warroom.services.inbox import InboxService
from warroom.services.incidents import IncidentService
from warroom.services.preferences import PreferencesStore
from warroom.services.sources import SourceService
from warroom.ui.wall.board import WallBoard
from warroom.ui.wall.content import InboundSummary, inbound_summary

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

INBOUND_EVERY_MS = 60_000
WALL_SHORTCUT = "F11"


class WallMode(QObject):
    """Own the wall action and the board (built the first time it is asked for)."""

    def __init__(
        self,
        window: MainWindow,
        incidents: IncidentService,
        inbox: InboxService,
        sources: SourceService,
        preferences: PreferencesStore | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._incidents = incidents
        self._inbox = inbox
        self._sources = sources
        self._preferences = preferences
        self._reading = False
        self._again = False
        self.board: WallBoard | None = None
        self.action = QAction("&Wall mode (full screen)", window)
        self.action.setObjectName("wallModeAction")
        self.action.setShortcut(QKeySequence(WALL_SHORTCUT))
        self.action.setStatusTip("Show the clocks and the latest public statement full screen")
        self.action.triggered.connect(self.toggle)
        window.view_menu.addSeparator()
        window.view_menu.addAction(self.action)
        window.addAction(self.action)
        window.incident_changed.connect(self._incident_changed)
        window.data_changed.connect(self._data_changed)
        self._inbound_timer = QTimer(self)
        self._inbound_timer.setInterval(INBOUND_EVERY_MS)
        self._inbound_timer.timeout.connect(self.refresh_inbound)

    def is_on(self) -> bool:
        """Tell whether the board is shown."""
        return self.board is not None and self.board.isVisible()

    def toggle(self) -> None:
        """F11: show the board, or leave it."""
        if self.is_on():
            self.leave()
        else:
            self.enter()

    def enter(self, *, full_screen: bool = True) -> WallBoard:
        """Show the board (full screen on the window's screen)."""
        board = self.board
        if board is None:
            board = WallBoard(
                self._window.view_loader, self._incidents.now, self._preferences, self._window
            )
            board.left.connect(self.leave)
            self.board = board
        incident = self._window.current_incident()
        board.set_incident(incident.id if incident else None)
        screen = self._window.screen()
        if screen is not None:
            board.setGeometry(screen.geometry())
        if full_screen:
            board.showFullScreen()
        else:
            board.show()
        board.raise_()
        board.activateWindow()
        self.refresh_inbound()
        self._inbound_timer.start()
        return board

    def leave(self) -> None:
        """Esc / F11 on the board: back to the window."""
        self._inbound_timer.stop()
        if self.board is not None:
            self.board.hide()
        self._window.raise_()
        self._window.activateWindow()

    def _incident_changed(self, incident: Incident | None) -> None:
        if self.board is not None:
            self.board.set_incident(incident.id if incident else None)

    def _data_changed(self, changes: Changes) -> None:
        if self.is_on() and changes.touches([Area.INBOX]):
            self.refresh_inbound()

    def refresh_inbound(self) -> None:
        """Read the inbound volume in the background (merged while one read is out)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        inbox, sources, now = self._inbox, self._sources, self._incidents.now

        def work() -> InboundSummary:
            listening = bool(sources.all())
            stats: InboxStats | None = inbox.stats(bucket="5m") if listening else None
            return inbound_summary(stats, now(), listening)

        def done(summary: InboundSummary) -> None:
            if self.board is not None:
                self.board.show_inbound(summary)
            finish()

        def failed(error: Exception) -> None:
            log.warning("inbound volume not read: %s", error)
            finish()

        def finish() -> None:
            self._reading = False
            if self._again:
                self._again = False
                self.refresh_inbound()

        self._window.runner.run(work, done, failed)


def install_wall(
    window: MainWindow,
    incidents: IncidentService,
    inbox: InboxService,
    sources: SourceService,
    preferences: PreferencesStore | None = None,
) -> WallMode:
    """Add View > Wall mode (F11) to ``window``."""
    return WallMode(window, incidents, inbox, sources, preferences)
