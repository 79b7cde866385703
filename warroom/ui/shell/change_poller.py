"""Notice what anyone writes: read the change feed and say which areas of which incidents
changed, so each pane refreshes only when it must.

SQLite: a cheap look at the feed's newest number every interval (and at once when this
window wrote something: :meth:`ChangePoller.poll`). PostgreSQL: a listener thread waits for
the server's NOTIFY and asks for a look as soon as anyone commits; the timed look stays as
the fallback (a lost connection, a missed notification).
"""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QThread, QTimer, Signal

from warroom.domain.changes import Changes
from warroom.services.changes import ChangeFeedService
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

POLL_MS = 1000
#: With a listener the timed look is only a safety net.
LISTENING_POLL_FACTOR = 5
LISTEN_TIMEOUT_S = 0.5
RELISTEN_AFTER_S = 5.0


class ChangePoller(QObject):
    """Emit ``changed(Changes)`` for what was written since the last look.

    At most one look is in flight; a request during one is served right after it, so a
    write is never missed and never reported twice.
    """

    changed = Signal(object)  # Changes
    failed = Signal(str)

    def __init__(
        self,
        feed: ChangeFeedService,
        runner: TaskRunner,
        parent: QObject | None = None,
        interval_ms: int = POLL_MS,
    ) -> None:
        super().__init__(parent)
        self._feed = feed
        self._runner = runner
        self._seen: int | None = None
        self._in_flight = False
        self._again = False
        self._interval_ms = interval_ms
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self.listener: _ListenerThread | None = None

    def start(self) -> None:
        """Look every interval from now on (and listen, on a team server)."""
        self._timer.start()
        if self.listener is None and self._feed.can_listen():
            self.listener = _ListenerThread(self._feed, self)
            self.listener.notified.connect(self.poll)
            self.listener.start()
            self._timer.setInterval(self._interval_ms * LISTENING_POLL_FACTOR)

    def stop(self) -> None:
        """Stop looking and listening (waits for the listener thread)."""
        self._timer.stop()
        listener, self.listener = self.listener, None
        if listener is not None:
            listener.stop()
            listener.deleteLater()

    def is_listening(self) -> bool:
        """Tell whether the server's notifications wake the window up."""
        return self.listener is not None and self.listener.isRunning()

    def poll(self) -> None:
        """Look at the feed now (after the look in flight, if there is one)."""
        if self._in_flight:
            self._again = True
            return
        self._in_flight = True
        seen, feed = self._seen, self._feed
        if seen is None:
            self._runner.run(lambda: (feed.latest(), Changes()), self._read_done, self._failed)
        else:
            self._runner.run(lambda: feed.since(seen), self._read_done, self._failed)

    def _read_done(self, result: tuple[int, Changes]) -> None:
        self._in_flight = False
        newest, changes = result
        self._seen = newest
        if changes:
            self.changed.emit(changes)
        self._maybe_again()

    def _failed(self, error: Exception) -> None:
        self._in_flight = False
        log.warning("change feed unreadable: %s", error)
        self.failed.emit(str(error))
        self._maybe_again()

    def _maybe_again(self) -> None:
        if self._again:
            self._again = False
            self.poll()


class _ListenerThread(QThread):
    """Waits for the server's notifications on a connection of its own."""

    notified = Signal()

    def __init__(self, feed: ChangeFeedService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("changeListener")
        self._feed = feed
        self._stop = threading.Event()

    def run(self) -> None:
        """Listen until stopped; reconnect after a failure (the timed look covers the gap)."""
        while not self._stop.is_set():
            try:
                listener = self._feed.listen()
            except Exception as error:
                log.info("cannot listen for changes (polling meanwhile): %s", error)
                self._stop.wait(RELISTEN_AFTER_S)
                continue
            try:
                while not self._stop.is_set():
                    if listener.wait(LISTEN_TIMEOUT_S):
                        self.notified.emit()
            except Exception as error:
                log.info("change listener lost its connection (polling meanwhile): %s", error)
                self._stop.wait(RELISTEN_AFTER_S)
            finally:
                listener.close()

    def stop(self) -> None:
        """Ask the thread to end and wait for it."""
        self._stop.set()
        self.wait(10_000)
