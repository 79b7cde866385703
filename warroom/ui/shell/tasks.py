"""The one bridge between the GUI thread and background work.

A plain function (a service call) runs on a thread pool; its result or exception comes back
as a queued signal, so ``on_done``/``on_error`` always run on the GUI thread. Workers hold
no logic and touch no widgets. Tests wait with ``qtbot.waitUntil(runner.is_idle)`` and
``runner.shutdown()`` leaves no thread running.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

log = logging.getLogger(__name__)
T = TypeVar("T")


class _Relay(QObject):
    """Lives on the GUI thread as long as its runner; workers emit through it (queued).

    One relay for every task, never deleted while tasks run: Qt does not allow deleting a
    sender while another thread is still inside its ``emit``, which a relay per task,
    deleted as soon as its result arrived, did now and then (a crash under load).
    """

    succeeded = Signal(object, object)  # task number, result
    failed = Signal(object, object)  # task number, exception


class _Job(QRunnable):
    def __init__(self, function: Callable[[], Any], relay: _Relay, number: int) -> None:
        super().__init__()
        self._function = function
        self._relay = relay
        self._number = number
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._function()
        except Exception as error:  # every failure goes back to the GUI
            self._relay.failed.emit(self._number, error)
        else:
            self._relay.succeeded.emit(self._number, result)


Callbacks = tuple[Callable[[Any], None] | None, Callable[[Exception], None] | None]


class TaskRunner(QObject):
    """Run service calls off the GUI thread and deliver outcomes on it.

    ``task_failed`` carries the one-line message of any failure that had no ``on_error``,
    so the window can show it in the status bar instead of losing it.
    """

    task_failed = Signal(str)
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None, *, max_threads: int = 2) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._relay = _Relay(self)
        self._relay.succeeded.connect(self._succeeded)
        self._relay.failed.connect(self._failed)
        self._pending: dict[int, Callbacks] = {}  # by task number: work in flight
        self._numbers = itertools.count(1)
        self._soon = 0  # callbacks waiting for their turn (see soon)
        self._closed = False

    def run(
        self,
        function: Callable[[], T],
        on_done: Callable[[T], None] | None = None,
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        """Call ``function()`` on the pool; then ``on_done(result)`` or ``on_error(exc)``."""
        if self._closed:
            return
        number = next(self._numbers)
        self._pending[number] = (on_done, on_error)
        if len(self._pending) + self._soon == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(function, self._relay, number))

    def _finish(self, number: int) -> Callbacks | None:
        callbacks = self._pending.pop(number, None)
        if not self._pending and not self._soon:
            self.busy_changed.emit(False)
        return callbacks

    def _succeeded(self, number: int, result: Any) -> None:
        callbacks = self._finish(number)
        if callbacks is not None and callbacks[0] is not None and not self._closed:
            callbacks[0](result)

    def _failed(self, number: int, error: Exception) -> None:
        callbacks = self._finish(number)
        if callbacks is None or self._closed:
            return
        if callbacks[1] is not None:
            callbacks[1](error)
        else:
            log.warning("background task failed: %s", error)
            self.task_failed.emit(str(error))

    def soon(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` on the GUI thread at a later turn of the event loop (after the
        paints and timers already due), counted as work in flight until it ran: a large
        piece of GUI work split in turns never stalls the window for all of it at once."""
        if self._closed:
            return
        self._soon += 1
        if len(self._pending) + self._soon == 1:
            self.busy_changed.emit(True)

        def run() -> None:
            self._soon -= 1
            try:
                if not self._closed:
                    callback()
            finally:
                if not self._pending and not self._soon:
                    self.busy_changed.emit(False)

        QTimer.singleShot(0, self, run)

    def is_idle(self) -> bool:
        """Tell whether no task is running or waiting to report."""
        return not self._pending and not self._soon

    def shutdown(self, timeout_ms: int = 10_000) -> bool:
        """Stop accepting work and wait for running tasks; True if all finished."""
        self._closed = True
        self._pool.clear()
        return self._pool.waitForDone(timeout_ms)
