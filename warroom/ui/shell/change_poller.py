"""Notice what other processes write: poll the database's change counter in the background."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal

from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

POLL_MS = 1000


class ChangePoller(QObject):
    """Emit ``changed`` when the counter moved; at most one read in flight."""

    changed = Signal(int)
    failed = Signal(str)

    def __init__(
        self,
        read_counter: Callable[[], int],
        runner: TaskRunner,
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self._read = read_counter
        self._runner = runner
        self._last: int | None = None
        self._in_flight = False
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Poll every interval from now on."""
        self._timer.start()

    def stop(self) -> None:
        """Stop polling."""
        self._timer.stop()

    def poll(self) -> None:
        """Read the counter once (skipped while the previous read is still out)."""
        if self._in_flight:
            return
        self._in_flight = True
        self._runner.run(self._read, self._read_done, self._read_failed)

    def _read_done(self, value: int) -> None:
        self._in_flight = False
        if self._last is not None and value != self._last:
            self._last = value
            self.changed.emit(value)
        self._last = value

    def _read_failed(self, error: Exception) -> None:
        self._in_flight = False
        log.warning("change counter unreadable: %s", error)
        self.failed.emit(str(error))
