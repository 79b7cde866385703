"""The window's outbox worker: delivery passes on a dedicated thread, reports as signals.

``DeliveryService.watch`` blocks until told to stop, so it gets a thread of its own rather
than a slot in the task runner's pool (which would starve every other background read).
The thread builds its own DeliveryService (one per thread, see services.delivery) and closes
it when it ends. Signals are emitted from the worker thread and reach receivers on the GUI
thread queued; the worker touches no widget and holds no timer.

Listening: given an InboxPullService factory, the same thread pulls the inbox sources that
are due after each delivery pass (as ``warroom sync --watch`` does), or, when it does not
publish, on its own passes (``InboxPullService.watch``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread, Signal

from warroom.domain.errors import StorageError
from warroom.services.delivery import DeliveryService, PassReport

if TYPE_CHECKING:
    from warroom.services.inbox_pull import InboxPullService, PullReport

log = logging.getLogger(__name__)

#: After a failure that stopped the passes (e.g. no keychain), wait this long, then try again.
RETRY_SECONDS = 30.0
STOP_TIMEOUT_MS = 15_000


class SyncWorker(QThread):
    """Run delivery passes (and pulls) until :meth:`stop`; a report signal after each."""

    pass_finished = Signal(object)  # PassReport
    pull_finished = Signal(object)  # PullReport
    failed = Signal(str)  # one line: why passes stopped for now

    def __init__(
        self,
        make_delivery: Callable[[], DeliveryService] | None,
        parent: QObject | None = None,
        *,
        make_pull: Callable[[], InboxPullService] | None = None,
        poll_seconds: float = 2.0,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncWorker")
        self._make_delivery = make_delivery
        self._make_pull = make_pull
        self._pull: InboxPullService | None = None
        self._poll_seconds = poll_seconds
        self._retry_seconds = retry_seconds
        self._stop = threading.Event()

    @property
    def publishes(self) -> bool:
        """Tell whether this worker delivers the outbox."""
        return self._make_delivery is not None

    @property
    def listens(self) -> bool:
        """Tell whether this worker pulls the inbox sources."""
        return self._make_pull is not None

    def run(self) -> None:
        """Deliver and/or pull until stopped (runs on the worker thread)."""
        try:
            delivery = self._make_delivery() if self._make_delivery is not None else None
            self._pull = self._make_pull() if self._make_pull is not None else None
        except Exception as error:
            log.warning("sync worker could not start: %s", error)
            self.failed.emit(_one_line(error))
            return
        try:
            while not self._stop.is_set():
                try:
                    if delivery is not None:
                        delivery.watch(
                            self._stop, poll_seconds=self._poll_seconds, on_pass=self._report
                        )
                    elif self._pull is not None:
                        self._pull.watch(
                            self._stop, poll_seconds=self._poll_seconds, on_pass=self._pulled
                        )
                    else:
                        return
                except Exception as error:  # a keychain or database failure: say, wait, retry
                    log.warning("sync passes interrupted: %s", error)
                    self.failed.emit(_one_line(error))
                    self._stop.wait(self._retry_seconds)
        finally:
            if delivery is not None:
                delivery.close()

    def _report(self, report: PassReport) -> None:
        self.pass_finished.emit(report)
        if self._pull is None or self._stop.is_set():
            return
        try:  # the same worker pulls the inbox sources that are due, as sync --watch does
            pulled = self._pull.pull_once(only_due=True, stop=self._stop)
        except StorageError as error:  # a busy database: the next pass tries again
            log.warning("inbox pull skipped: %s", error)
            return
        self._pulled(pulled)

    def _pulled(self, report: PullReport) -> None:
        self.pull_finished.emit(report)

    def stop(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Ask the passes to stop and wait for the thread; True if it ended."""
        self._stop.set()
        if not self.isRunning():
            return True
        return bool(self.wait(timeout_ms))


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
