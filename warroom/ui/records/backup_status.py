"""Backups in the window: Tools > Backups…, the status bar's backup age, and the schedule.

:func:`install_backups` is called by the composition root with the built window. A timer
checks every ``check_ms`` whether a backup is due, and every change in the database is
followed by a cheap count of closed incidents: a newly closed incident is backed up at
once. The checks and the backups run on the task runner, never on the GUI thread, and at
most one runs at a time.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel

from warroom.domain.changes import Area, Changes
from warroom.services.backups import BackupService, BackupStatus
from warroom.ui.records.backups_dialog import BackupsDialog

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

CHECK_MS = 30_000
STALE_STYLE = "QLabel { color: #c62828; font-weight: bold }"


class BackupController(QObject):
    """Own the backup indicator, the Backups dialog and the schedule of one window."""

    def __init__(
        self, window: MainWindow, backups: BackupService, *, check_ms: int = CHECK_MS
    ) -> None:
        super().__init__(window)
        self.setObjectName("backupController")
        self._window = window
        self._backups = backups
        self._running = False
        self._closed: int | None = None
        self._close_pending = False
        self.dialog: BackupsDialog | None = None
        self.status: BackupStatus | None = None

        self.indicator = QLabel("Backup: …")
        self.indicator.setObjectName("backupIndicator")
        window.status.add_indicator(self.indicator)
        self.action = QAction("&Backups…", window)
        self.action.setObjectName("backupsAction")
        self.action.setStatusTip("Where and how often the database is backed up; back up now")
        self.action.triggered.connect(self.open_dialog)
        window.add_tools_action(self.action)

        self._timer = QTimer(self)
        self._timer.setInterval(check_ms)
        self._timer.timeout.connect(self.check)
        window.data_changed.connect(self._data_changed)
        window.installEventFilter(self)

    def start(self) -> None:
        """Check now (a backup is taken if due), then on every tick."""
        self._timer.start()
        self.check()

    def stop(self) -> None:
        """Stop the schedule (a backup already running finishes on the runner)."""
        self._timer.stop()

    def check(self, *, closed: bool = False) -> None:
        """Take a backup if one is due (or ``closed``: an incident was closed), off the GUI."""
        if self._running:
            self._close_pending = self._close_pending or closed
            return
        self._running = True
        backups = self._backups
        known = self._closed

        def call() -> tuple[BackupStatus, int]:
            count = backups.closed_incidents()
            newly_closed = closed or (known is not None and count > known)
            return backups.scheduled(now_please=newly_closed), count

        self._window.runner.run(call, self._checked, self._failed)

    def _checked(self, result: tuple[BackupStatus, int]) -> None:
        status, closed = result
        self._running = False
        self._closed = closed
        self.show_status(status)
        if self._close_pending:
            self._close_pending = False
            self.check(closed=True)

    def _failed(self, error: Exception) -> None:
        self._running = False
        self.indicator.setToolTip(f"Backup check failed: {error}")
        log.warning("backup check failed: %s", error)

    def _data_changed(self, changes: Changes) -> None:
        # Closing an incident changes its header: then one cheap count of closed incidents,
        # and a backup only when it grew.
        if self._timer.isActive() and changes.touches({Area.INCIDENT}):
            self.check()

    def show_status(self, status: BackupStatus) -> None:
        """Show the age of the last good backup; red when too old or the folder is missing."""
        self.status = status
        text = status.describe()
        self.indicator.setText(text)
        self.indicator.setProperty("stale", status.stale)
        self.indicator.setStyleSheet(STALE_STYLE if status.stale else "")
        if not status.configured:
            tip = "Automatic backups are off: Tools > Backups…"
        elif not status.folder_ok:
            tip = f"The backup folder {status.folder} is missing"
        elif status.last_good is not None:
            tip = f"Last good backup: {status.last_good.name} in {status.folder}"
        else:
            tip = f"No backup in {status.folder} yet"
        if status.last_error:
            tip += f"\nLast attempt failed: {status.last_error}"
        self.indicator.setToolTip(tip)
        self.indicator.setAccessibleName(text)

    def open_dialog(self) -> BackupsDialog:
        """Tools > Backups…."""
        if self.dialog is None:
            dialog = BackupsDialog(
                self._backups, self._window.runner, self.show_status, self._window
            )
            dialog.finished.connect(dialog.deleteLater)
            dialog.finished.connect(self._forget_dialog)
            self.dialog = dialog
        self.dialog.open()
        return self.dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install_backups(
    window: MainWindow, backups: BackupService, *, check_ms: int = CHECK_MS
) -> BackupController:
    """Add Tools > Backups… and the status bar's backup age to ``window``.

    The schedule runs from :meth:`BackupController.start` (the composition root calls it
    once the window is shown).
    """
    return BackupController(window, backups, check_ms=check_ms)
