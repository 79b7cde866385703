"""Publishing in the window: the sync worker, its status-bar indicator and the Tools actions.

:func:`install_publishing` is called by the composition root with the window, the services it
needs and a factory of DeliveryService objects (one per worker thread, built by the services'
own composition root: the UI builds none). It adds Tools > Channels… (Ctrl+Shift+C),
Tools > Outbox… and the checkable "Publish automatically when online" (remembered in the
preferences; when off, nothing is sent), and an online/offline label per configured channel
in the status bar. The worker stops when the window closes; :meth:`SyncController.stop` also
stops it (tests, the composition root).

Given a factory of InboxPullService objects (``listen``), the same worker also pulls the
inbox sources that are due, as ``warroom sync --watch`` does, while the checkable "Listen
when online" is on (remembered too): after each delivery pass, or on passes of its own when
publishing is off. Either setting alone keeps the worker running; both off stop it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence

from warroom.domain.changes import Area, Changes
from warroom.domain.channels import Channel
from warroom.services.channel_setup import ChannelSetupService
from warroom.services.channels import ChannelService
from warroom.services.delivery import DeliveryService, PassReport
from warroom.services.preferences import PreferencesStore
from warroom.ui.publishing.channels_dialog import ChannelsDialog
from warroom.ui.publishing.outbox_dialog import OutboxDialog
from warroom.ui.publishing.sync_indicator import ChannelIndicator
from warroom.ui.publishing.sync_worker import SyncWorker
from warroom.ui.shell.main_window import MainWindow

if TYPE_CHECKING:
    from warroom.services.inbox_pull import InboxPullService, PullReport

log = logging.getLogger(__name__)


class Publishing(Protocol):
    """What publishing needs of the services (``warroom.services.Services`` has it all)."""

    @property
    def channels(self) -> ChannelService: ...
    @property
    def channel_setup(self) -> ChannelSetupService: ...
    @property
    def delivery(self) -> DeliveryService: ...
    def new_delivery(self) -> DeliveryService: ...


class SyncController(QObject):
    """Owns the window's worker thread and keeps the indicator and dialogs in step."""

    def __init__(
        self,
        window: MainWindow,
        publishing: Publishing,
        preferences: PreferencesStore,
        *,
        poll_seconds: float = 2.0,
        retry_seconds: float = 30.0,
        listen: Callable[[], InboxPullService] | None = None,
    ) -> None:
        super().__init__(window)
        self.setObjectName("syncController")
        self._window = window
        self._services = publishing
        self._make_delivery = publishing.new_delivery
        self._make_pull = listen
        self._preferences = preferences
        self._poll_seconds = poll_seconds
        self._retry_seconds = retry_seconds
        self._reading = False
        self._reread = False
        self.worker: SyncWorker | None = None
        self.channels_dialog: ChannelsDialog | None = None
        self.outbox_dialog: OutboxDialog | None = None

        self.indicator = ChannelIndicator()
        window.status.add_indicator(self.indicator)

        self.channels_action = QAction("&Channels…", window)
        self.channels_action.setShortcut(QKeySequence("Ctrl+Shift+C"))
        self.channels_action.setStatusTip("Configure and test the outbound channels")
        self.channels_action.triggered.connect(self.open_channels_dialog)
        window.add_tools_action(self.channels_action)
        self.outbox_action = QAction("&Outbox…", window)
        self.outbox_action.setStatusTip("Deliveries that failed or need a person to decide")
        self.outbox_action.triggered.connect(self.open_outbox_dialog)
        window.add_tools_action(self.outbox_action)
        self.auto_action = QAction("&Publish automatically when online", window)
        self.auto_action.setCheckable(True)
        self.auto_action.setStatusTip(
            "Deliver released statements in the background; off: nothing is sent"
        )
        self.auto_action.setChecked(self._load_auto_publish())
        self.auto_action.toggled.connect(self.set_auto_publish)
        window.tools_menu.addSeparator()
        window.add_tools_action(self.auto_action)
        self.listen_action: QAction | None = None
        if listen is not None:
            self.listen_action = QAction("&Listen when online", window)
            self.listen_action.setCheckable(True)
            self.listen_action.setStatusTip(
                "Pull mentions, mailboxes and feeds into the inbox in the background"
            )
            self.listen_action.setChecked(self._preferences.load().listen)
            self.listen_action.toggled.connect(self.set_listening)
            window.add_tools_action(self.listen_action)

        window.data_changed.connect(self._data_changed)
        window.installEventFilter(self)

    # -- the worker ----------------------------------------------------------------------------

    @property
    def auto_publish(self) -> bool:
        """Tell whether the window publishes on its own."""
        return self.auto_action.isChecked()

    @property
    def listening(self) -> bool:
        """Tell whether the window pulls the sources on its own."""
        return self.listen_action is not None and self.listen_action.isChecked()

    def start(self) -> None:
        """Show the channels and start the worker if publishing or listening."""
        self.indicator.set_publishing(self.auto_publish)
        self._start_worker()
        self.refresh_channels()

    def stop(self) -> None:
        """Stop the worker and wait for its thread (nothing is left running)."""
        worker, self.worker = self.worker, None
        if worker is None:
            return
        if not worker.stop():
            log.warning("the sync worker did not stop in time")
            return  # never delete a running QThread
        worker.deleteLater()

    def is_running(self) -> bool:
        """Tell whether the worker thread runs."""
        return self.worker is not None and self.worker.isRunning()

    def is_publishing(self) -> bool:
        """Tell whether the worker runs and delivers the outbox."""
        return self.is_running() and self.worker is not None and self.worker.publishes

    def is_listening(self) -> bool:
        """Tell whether the worker runs and pulls the sources."""
        return self.is_running() and self.worker is not None and self.worker.listens

    def set_auto_publish(self, enabled: bool) -> None:
        """Turn publishing on (start the worker) or off (stop it: nothing is sent)."""
        if self.auto_action.isChecked() != enabled:
            self.auto_action.setChecked(enabled)  # comes back here through toggled
            return
        try:
            self._preferences.save(self._preferences.load().with_auto_publish(enabled))
        except OSError as error:
            self._window.status.say(f"Could not remember the publishing setting: {error}")
        self.indicator.set_publishing(enabled)
        self._restart_worker()
        if enabled:
            self._window.status.say("Publishing automatically when channels are online")
        else:
            self._window.status.say("Publishing is off: released statements wait in the outbox")

    def set_listening(self, enabled: bool) -> None:
        """Turn pulling the sources on or off (remembered)."""
        action = self.listen_action
        if action is None:
            return
        if action.isChecked() != enabled:
            action.setChecked(enabled)  # comes back here through toggled
            return
        try:
            self._preferences.save(self._preferences.load().with_listen(enabled))
        except OSError as error:
            self._window.status.say(f"Could not remember the listening setting: {error}")
        self._restart_worker()
        self._window.status.say(
            "Listening: the sources are pulled when online"
            if enabled
            else "Listening is off: nothing new reaches the inbox from this window"
        )

    def _restart_worker(self) -> None:
        worker = self.worker
        wanted = (self.auto_publish, self.listening)
        if worker is not None and (worker.publishes, worker.listens) == wanted:
            return
        self.stop()
        self._start_worker()

    def _load_auto_publish(self) -> bool:
        return self._preferences.load().auto_publish

    def _start_worker(self) -> None:
        if self.worker is not None or not (self.auto_publish or self.listening):
            return
        worker = SyncWorker(
            self._make_delivery if self.auto_publish else None,
            self,
            make_pull=self._make_pull if self.listening else None,
            poll_seconds=self._poll_seconds,
            retry_seconds=self._retry_seconds,
        )
        worker.pass_finished.connect(self._pass_finished)
        worker.pull_finished.connect(self._pull_finished)
        worker.failed.connect(self._worker_failed)
        self.worker = worker
        worker.start()

    def _pass_finished(self, report: PassReport) -> None:
        if self.worker is None or self.sender() is not self.worker:
            return  # a late report of a worker that was stopped
        self._window.status.show_outbox_depth(report.depth)
        self.indicator.set_publishing(True)
        if report.sent or report.failed or report.uncertain:
            self._window.status.say("Publishing: " + report.summary().splitlines()[0])
        # What a pass wrote (deliveries, reachability) is in the change feed: look at it now
        # rather than at the next poll, and let the feed say what to refresh. An idle pass
        # (nothing due) changes nothing and costs no read.
        busy = report.sent or report.failed or report.uncertain or report.retrying
        if busy or report.recovered:
            self._window.look_for_changes()

    def _pull_finished(self, report: PullReport) -> None:
        if self.worker is None or self.sender() is not self.worker:
            return
        if report.added or any(pull.error for pull in report.sources):
            self._window.status.say("Listening: " + "; ".join(report.summary().splitlines()))
        if report.sources:  # what a pull stored is in the change feed: look now
            self._window.look_for_changes()

    def _worker_failed(self, text: str) -> None:
        if self.worker is None or self.sender() is not self.worker:
            return
        if self.worker.publishes:
            self.indicator.set_publishing(True, text)
            self._window.status.say(f"Publishing stalled: {text}")
        else:
            self._window.status.say(f"Listening stalled: {text}")

    # -- channels ------------------------------------------------------------------------------

    def refresh_channels(self) -> None:
        """Re-read the channels in the background and update the indicator."""
        if self._reading:
            self._reread = True
            return
        self._reading = True

        def done(channels: list[Channel]) -> None:
            self._finish_read()
            self.indicator.show_channels(channels)
            if self.channels_dialog is not None:
                self.channels_dialog.show_channels(channels)

        def failed(error: Exception) -> None:
            self._finish_read()
            log.warning("channels unreadable: %s", error)

        self._window.runner.run(self._services.channels.all, done, failed)

    def _finish_read(self) -> None:
        self._reading = False
        if self._reread:
            self._reread = False
            self.refresh_channels()

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches([Area.CHANNELS]):
            self.refresh_channels()
        if self.outbox_dialog is not None and changes.touches([Area.OUTBOX, Area.CHANNELS]):
            self.outbox_dialog.refresh()

    # -- dialogs -------------------------------------------------------------------------------

    def open_channels_dialog(self) -> None:
        """Tools > Channels…: list, configure and test the channels."""
        if self.channels_dialog is not None:
            self.channels_dialog.raise_()
            self.channels_dialog.activateWindow()
            return
        window = self._window
        dialog = ChannelsDialog(
            self._services.channels,
            self._services.channel_setup,
            window.runner,
            window,
            actor=lambda: window.identity.name,
        )
        dialog.finished.connect(self._channels_dialog_closed)
        self.channels_dialog = dialog
        dialog.open()
        dialog.refresh()

    def _channels_dialog_closed(self) -> None:
        dialog, self.channels_dialog = self.channels_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    def open_outbox_dialog(self) -> None:
        """Tools > Outbox…: deliveries that failed or wait for a person."""
        if self.outbox_dialog is not None:
            self.outbox_dialog.raise_()
            self.outbox_dialog.activateWindow()
            return
        window = self._window
        dialog = OutboxDialog(
            self._services.delivery, window.runner, lambda: window.identity.name, window
        )
        dialog.finished.connect(self._outbox_dialog_closed)
        self.outbox_dialog = dialog
        dialog.open()
        dialog.refresh()

    def _outbox_dialog_closed(self) -> None:
        dialog, self.outbox_dialog = self.outbox_dialog, None
        if dialog is not None:
            dialog.deleteLater()

    # -- closing -------------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._window and event.type() == QEvent.Type.Close:
            self.stop()
        return False


def install_publishing(
    window: MainWindow,
    publishing: Publishing,
    preferences: PreferencesStore,
    *,
    poll_seconds: float = 2.0,
    listen: Callable[[], InboxPullService] | None = None,
) -> SyncController:
    """Add publishing (and, given ``listen``, listening) to ``window`` and start it (the
    worker only if auto-publish or listening is on)."""
    controller = SyncController(
        window, publishing, preferences, poll_seconds=poll_seconds, listen=listen
    )
    controller.start()
    return controller
