"""Tools > Outbox…: deliveries that failed, may or may not have gone out, or were held.

An uncertain row (email or webhook interrupted mid-send) and a failed row (a permanent
error, its reason shown) wait here. A person checks the channel, then either queues the row
again (Resend) or records that it did go out (Mark as sent, optionally with the URL) — the
same decisions as ``warroom sync --resend ROW`` / ``--mark-sent ROW``. A held row waited in
the outbox longer than its incident's hold window: it goes out only if a person confirms it
(Confirm), or never (Withdraw) — ``warroom sync --confirm ROW`` / ``--withdraw ROW``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TypeVar

from PySide6.QtCore import QElapsedTimer, QItemSelectionModel, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.outbox import Delivery, DeliveryState
from warroom.domain.release_rules import countdown_text
from warroom.services.delivery import DeliveryService, SyncStatus
from warroom.services.holds import HoldService
from warroom.ui.publishing.outbox_model import DELIVERY_ROLE, REASON, OutboxModel
from warroom.ui.shell.background_dialog import (
    ERROR_STYLE,
    OK_STYLE,
    BackgroundDialog,
)
from warroom.ui.shell.tasks import TaskRunner

T = TypeVar("T")
EMPTY = "Nothing needs a person: no delivery is uncertain, failed or held."


def retrying_text(status: SyncStatus) -> str:
    """Return one line per row waiting for another try, with the server's last reason."""
    return "\n".join(
        f"Retrying outbox row {row.id} (statement #{row.statement_id} on {row.channel_name}, "
        f"{row.attempts} attempt(s)): {row.last_error}"
        for row in status.retrying
    )


def scheduled_text(rows: Sequence[Delivery], now: datetime) -> str:
    """Return one line per scheduled release waiting in the outbox, with its countdown."""
    by_statement: dict[int, list[Delivery]] = {}
    for row in rows:
        by_statement.setdefault(row.statement_id, []).append(row)
    lines = []
    for statement_id, group in sorted(by_statement.items()):
        when = min(r.not_before for r in group if r.not_before is not None)
        names = ", ".join(r.channel_name for r in group)
        lines.append(
            f"Scheduled: statement #{statement_id} goes out to {names} at "
            f"{when.astimezone():%Y-%m-%d %H:%M} ({countdown_text(when, now)})"
        )
    return "\n".join(lines)


class OutboxDialog(BackgroundDialog):
    """The outbox rows that need a person, with Resend and Mark as sent."""

    def __init__(
        self,
        delivery: DeliveryService,
        runner: TaskRunner,
        actor: Callable[[], str],
        parent: QWidget | None = None,
        *,
        holds: HoldService | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.setObjectName("outboxDialog")
        self.setWindowTitle("Outbox: deliveries needing a person")
        self._delivery = delivery
        self._holds = holds
        self._actor = actor
        self._reading = False
        self._reread = False
        self._pending = False
        self.model = OutboxModel(self)

        intro = QLabel(
            "Uncertain: the worker stopped while sending, so the message may or may not have "
            "gone out. Check the channel, then Resend it or Mark it as sent. Failed: the "
            "channel refused it for the reason shown; fix the cause, then Resend. Held: it "
            "waited in the outbox longer than the incident's hold window, so what it says "
            "may be out of date; Confirm sends it as released, Withdraw keeps it from ever "
            "going out.",
            self,
        )
        intro.setWordWrap(True)
        self.summary = QLabel("Reading the outbox…", self)
        self.summary.setObjectName("outboxSummary")
        # Rows that failed once and wait for their next try: the server's reason, at once.
        self.retrying = QLabel("", self)
        self.retrying.setObjectName("outboxRetrying")
        self.retrying.setWordWrap(True)
        self.retrying.setTextFormat(Qt.TextFormat.PlainText)
        self.retrying.hide()
        # Scheduled releases held until their time, with a countdown on the service clock.
        self.scheduled = QLabel("", self)
        self.scheduled.setObjectName("outboxScheduled")
        self.scheduled.setWordWrap(True)
        self.scheduled.setTextFormat(Qt.TextFormat.PlainText)
        self.scheduled.hide()
        self._status: SyncStatus | None = None
        self._since_read = QElapsedTimer()
        self._since_read.start()
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.timeout.connect(self._show_scheduled)
        self.finished.connect(self.countdown.stop)
        self.view = QTableView(self)
        self.view.setObjectName("outboxView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setWordWrap(True)
        self.view.verticalHeader().hide()
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(REASON, QHeaderView.ResizeMode.Stretch)
        self.view.selectionModel().currentRowChanged.connect(self._update_buttons)
        self.view.setAccessibleName("Deliveries needing a person")

        self.detail = QLabel("", self)
        self.detail.setObjectName("outboxDetail")
        self.detail.setWordWrap(True)
        self.detail.setTextFormat(Qt.TextFormat.PlainText)
        self.detail.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.url_edit = QLineEdit(self)
        self.url_edit.setObjectName("outboxUrl")
        self.url_edit.setPlaceholderText("optional: where it was published (for Mark as sent)")
        self.resend_button = QPushButton("&Resend", self)
        self.resend_button.setObjectName("outboxResend")
        self.resend_button.setToolTip("It did not go out: queue it again")
        self.resend_button.clicked.connect(self.resend)
        self.mark_button = QPushButton("&Mark as sent", self)
        self.mark_button.setObjectName("outboxMarkSent")
        self.mark_button.setToolTip("It did go out: record it (with the URL, if known)")
        self.mark_button.clicked.connect(self.mark_sent)
        self.confirm_button = QPushButton("&Confirm", self)
        self.confirm_button.setObjectName("outboxConfirm")
        self.confirm_button.setToolTip("A held row: it is still right, send it as released")
        self.confirm_button.clicked.connect(self.confirm)
        self.withdraw_button = QPushButton("&Withdraw", self)
        self.withdraw_button.setObjectName("outboxWithdraw")
        self.withdraw_button.setToolTip("A held row: it is out of date, never send it")
        self.withdraw_button.clicked.connect(self.withdraw)
        for button in (
            self.resend_button,
            self.mark_button,
            self.confirm_button,
            self.withdraw_button,
        ):
            button.setAutoDefault(False)  # Enter in the URL field must not decide anything
        actions = QHBoxLayout()
        actions.addWidget(QLabel("URL:", self))
        actions.addWidget(self.url_edit, 1)
        actions.addWidget(self.resend_button)
        actions.addWidget(self.mark_button)
        actions.addWidget(self.confirm_button)
        actions.addWidget(self.withdraw_button)

        self.result_label = QLabel("", self)
        self.result_label.setObjectName("outboxResult")
        self.result_label.setWordWrap(True)
        self.result_label.setTextFormat(Qt.TextFormat.PlainText)
        self.result_label.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.summary)
        layout.addWidget(self.retrying)
        layout.addWidget(self.scheduled)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        layout.addWidget(self.result_label)
        layout.addWidget(buttons)
        self._update_buttons()
        self.resize(860, 460)

    def refresh(self) -> None:
        """Re-read the outbox in the background (one read in flight at a time)."""
        if self._reading:
            self._reread = True
            return
        self._reading = True
        self._run(self._delivery.status, self._shown, self._read_failed)

    def _read_done(self) -> None:
        self._reading = False
        if self._reread:
            self._reread = False
            self.refresh()

    def _shown(self, status: SyncStatus) -> None:
        self._read_done()
        self.show_status(status)

    def _read_failed(self, error: Exception) -> None:
        self._read_done()
        self.summary.setText(f"Outbox unreadable: {error}")

    def show_status(self, status: SyncStatus) -> None:
        """Show the rows needing a person, keeping the selected one selected."""
        selected = self.selected_row()
        self.model.set_rows(status.attention)
        count = len(status.attention)
        self.summary.setText(
            EMPTY
            if not count
            else f"{count} deliver{'y needs' if count == 1 else 'ies need'} a person; "
            f"{status.depth} waiting in the outbox."
        )
        self.retrying.setText(retrying_text(status))
        self.retrying.setVisible(bool(status.retrying))
        self._status = status
        self._since_read.restart()
        self._show_scheduled()
        row = self.model.row_of(selected.id) if selected else -1
        if row < 0 and count:
            row = 0
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
        self._update_buttons()

    def _show_scheduled(self) -> None:
        status = self._status
        if status is None or not status.scheduled or status.read_at is None:
            self.scheduled.hide()
            self.countdown.stop()
            return
        now = status.read_at + timedelta(milliseconds=self._since_read.elapsed())
        self.scheduled.setText(scheduled_text(status.scheduled, now))
        self.scheduled.show()
        if not self.countdown.isActive():
            self.countdown.start()

    def selected_row(self) -> Delivery | None:
        """Return the outbox row selected."""
        row = self.view.currentIndex().data(DELIVERY_ROLE)
        return row if isinstance(row, Delivery) else None

    def select_row(self, row_id: int) -> None:
        """Select outbox row ``row_id``."""
        row = self.model.row_of(row_id)
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )

    def _update_buttons(self) -> None:
        row = self.selected_row()
        enabled = row is not None and not self._pending
        held = row is not None and row.state is DeliveryState.HELD
        self.resend_button.setEnabled(enabled and not held)
        self.mark_button.setEnabled(enabled and not held)
        self.confirm_button.setEnabled(enabled and held and self._holds is not None)
        self.withdraw_button.setEnabled(enabled and held and self._holds is not None)
        self.url_edit.setEnabled(row is not None and not held)
        if row is None:
            self.detail.setText("")
            return
        self.detail.setText(
            f"Outbox row {row.id}: statement #{row.statement_id} on {row.channel_name} is "
            f"{row.state.value} after {row.attempts} attempt(s). Reason: "
            f"{row.last_error or 'none recorded'}\nText: {row.text[:300]}"
        )

    def resend(self) -> None:
        """Queue the selected row again (it did not go out)."""
        row = self.selected_row()
        if row is None or self._pending:
            return
        delivery, actor = self._delivery, self._actor()
        self._decide(lambda: delivery.resend(row.id, actor), f"Outbox row {row.id} queued again")

    def mark_sent(self) -> None:
        """Record that the selected row did go out (with the URL typed, if any)."""
        row = self.selected_row()
        if row is None or self._pending:
            return
        delivery, actor, url = self._delivery, self._actor(), self.url_edit.text().strip()
        self._decide(
            lambda: delivery.mark_sent(row.id, actor, remote_url=url),
            f"Outbox row {row.id} marked as sent",
        )

    def confirm(self) -> None:
        """Let the selected held row go out as released."""
        row, holds = self.selected_row(), self._holds
        if row is None or holds is None or self._pending:
            return
        actor = self._actor()
        self._decide(
            lambda: holds.confirm(row.id, actor),
            f"Outbox row {row.id} confirmed: it goes out on the next pass",
        )

    def withdraw(self) -> None:
        """Keep the selected held row from ever going out."""
        row, holds = self.selected_row(), self._holds
        if row is None or holds is None or self._pending:
            return
        actor = self._actor()
        self._decide(
            lambda: holds.withdraw(row.id, actor),
            f"Outbox row {row.id} withdrawn: it will not go out",
        )

    def _decide(self, call: Callable[[], Delivery], what: str) -> None:
        self._pending = True
        self._update_buttons()

        def done(_row: Delivery) -> None:
            self._pending = False
            self.url_edit.clear()
            self._show_result(what, OK_STYLE)
            self.refresh()

        def failed(error: Exception) -> None:
            self._pending = False
            self._update_buttons()
            self._show_result(" ".join(str(error).split()), ERROR_STYLE)
            self.refresh()

        self._run(call, done, failed)
