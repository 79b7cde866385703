"""The window's outbox worker: delivery passes on a dedicated thread, reports as signals.

``DeliveryService.watch`` blocks until told to stop, so it gets a thread of its own rather
than a slot in the task runner's pool (which would starve every other background read).
The thread builds its own DeliveryService (one per thread, see services.delivery) and closes
it when it ends. Signals are emitted from the worker thread and reach receivers on the GUI
thread queued; the worker touches no widget and holds no timer.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, QThread, Signal

from warroom.services.delivery import DeliveryService, PassReport

log = logging.getLogger(__name__)

#: After a failure that stopped the passes (e.g. no keychain), wait this long, then try again.
RETRY_SECONDS = 30.0
STOP_TIMEOUT_MS = 15_000


class SyncWorker(QThread):
    """Run delivery passes until :meth:`stop`; ``pass_finished`` after each one."""

    pass_finished = Signal(object)  # PassReport
    failed = Signal(str)  # one line: why passes stopped for now

    def __init__(
        self,
        make_delivery: Callable[[], DeliveryService],
        parent: QObject | None = None,
        *,
        poll_seconds: float = 2.0,
        retry_seconds: float = RETRY_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("syncWorker")
        self._make_delivery = make_delivery
        self._poll_seconds = poll_seconds
        self._retry_seconds = retry_seconds
        self._stop = threading.Event()

    def run(self) -> None:
        """Deliver until stopped (runs on the worker thread)."""
        try:
            delivery = self._make_delivery()
        except Exception as error:
            log.warning("sync worker could not start: %s", error)
            self.failed.emit(_one_line(error))
            return
        try:
            while not self._stop.is_set():
                try:
                    delivery.watch(
                        self._stop, poll_seconds=self._poll_seconds, on_pass=self._report
                    )
                except Exception as error:  # a keychain or database failure: say, wait, retry
                    log.warning("sync passes interrupted: %s", error)
                    self.failed.emit(_one_line(error))
                    self._stop.wait(self._retry_seconds)
        finally:
            delivery.close()

    def _report(self, report: PassReport) -> None:
        self.pass_finished.emit(report)

    def stop(self, timeout_ms: int = STOP_TIMEOUT_MS) -> bool:
        """Ask the passes to stop and wait for the thread; True if it ended."""
        self._stop.set()
        if not self.isRunning():
            return True
        return bool(self.wait(timeout_ms))


def _one_line(error: Exception) -> str:
    text = " ".join(str(error).split())
    return text or type(error).__name__
