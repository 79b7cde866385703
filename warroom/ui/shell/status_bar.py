"""The status bar: where the data lives, who acts, how many deliveries wait.

Other features add their own indicators (e.g. the sync worker's online/offline per
channel) with ``add_indicator``; they appear left of the outbox depth.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from warroom.services.channels import ChannelService
from warroom.services.preferences import Identity
from warroom.ui.shell.tasks import TaskRunner

MESSAGE_MS = 8000
#: Work shorter than this is not worth a "working…": it would only blink.
BUSY_AFTER_MS = 700


class WarRoomStatusBar(QStatusBar):
    """Permanent indicators on the right, transient messages on the left."""

    def __init__(
        self,
        location: str,
        channels: ChannelService,
        runner: TaskRunner,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("statusBar")
        self._channels = channels
        self._runner = runner
        self._reading = False
        self._again = False
        self.database_label = QLabel(f"DB: {location}")
        self.database_label.setObjectName("databaseIndicator")
        self.database_label.setToolTip(f"Database: {location}")
        self.database_label.setAccessibleName(f"Database {location}")
        self.user_label = QLabel("")
        self.user_label.setObjectName("userIndicator")
        self.outbox_label = QLabel("Outbox: …")
        self.outbox_label.setObjectName("outboxIndicator")
        self.outbox_label.setToolTip("Released deliveries still waiting to be sent")
        self.busy_label = QLabel("")
        self.busy_label.setObjectName("busyIndicator")
        # A fixed width: the label flips on every background read, and a label that changes
        # size relays out (and repaints) the whole window each time.
        self.busy_label.setFixedWidth(self.busy_label.fontMetrics().horizontalAdvance("working…_"))
        self._busy_timer = QTimer(self)
        self._busy_timer.setSingleShot(True)
        self._busy_timer.setInterval(BUSY_AFTER_MS)
        self._busy_timer.timeout.connect(self._still_busy)
        self.busy_shown = 0  # how often "working…" appeared (tests: an idle window: never)
        self.addPermanentWidget(self.busy_label)
        self.addPermanentWidget(self.database_label)
        self.addPermanentWidget(self.user_label)
        self.addPermanentWidget(self.outbox_label)
        self._permanent = 4

    def add_indicator(self, widget: QWidget) -> None:
        """Add a permanent indicator (e.g. channel online/offline) before the outbox depth."""
        self._permanent += 1
        self.insertPermanentWidget(self._permanent - 2, widget)

    def show_identity(self, identity: Identity, membership: str = "") -> None:
        """Show who acts; ``membership`` is what the team's register says (roles in force)."""
        text = f"User: {identity.describe()}"
        if membership:
            text = f"User: {identity.name} ({membership})"
        self.user_label.setText(text)
        self.user_label.setAccessibleName(f"Acting as {text.removeprefix('User: ')}")

    def show_busy(self, busy: bool) -> None:
        """Show that background work is running, once it has run for a noticeable time.

        The change feed is read every second and each read is background work: showing
        every one of them made an idle window blink "working…" once a second.
        """
        if busy:
            if not self._busy_timer.isActive() and not self.busy_label.text():
                self._busy_timer.start()
            return
        self._busy_timer.stop()
        self.busy_label.setText("")

    def _still_busy(self) -> None:
        self.busy_shown += 1
        self.busy_label.setText("working…")

    def say(self, text: str) -> None:
        """Show a transient message."""
        self.showMessage(text, MESSAGE_MS)

    def refresh_outbox(self) -> None:
        """Re-read the outbox depth in the background (once more after a read in flight)."""
        if self._reading:
            self._again = True
            return
        self._reading = True
        channels = self._channels

        def finish() -> None:
            self._reading = False
            if self._again:
                self._again = False
                self.refresh_outbox()

        def done(depth: int) -> None:
            self.show_outbox_depth(depth)
            finish()

        def failed(error: Exception) -> None:
            self.outbox_label.setText("Outbox: ?")
            self.outbox_label.setToolTip(f"Outbox depth unknown: {error}")
            finish()

        self._runner.run(channels.outbox_depth, done, failed)

    def show_outbox_depth(self, depth: int) -> None:
        """Show how many deliveries wait."""
        self.outbox_label.setText(f"Outbox: {depth}")
        self.outbox_label.setProperty("depth", depth)
        self.outbox_label.setAccessibleName(f"Outbox depth {depth}")
