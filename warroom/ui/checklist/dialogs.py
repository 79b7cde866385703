"""Questions the checklist asks before a tick or an untick.

Ticking the step that notifies the regulator records *when the authority was notified*
(the regulator clock stops there), so it asks for that time (default now) and confirms.
Unticking needs a reason, kept on the timeline.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from warroom.domain.checklist import ChecklistItem


class NotificationTimeDialog(QDialog):
    """When was the authority notified? Ticking records it and stops the regulator clock."""

    def __init__(self, item: ChecklistItem, now: datetime, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationTimeDialog")
        self.setWindowTitle("Regulator notified")
        form = QFormLayout(self)
        intro = QLabel(
            f"{item.text}\n\nTicking this records when the authority was notified; the "
            "regulator clock stops at that time. Give the time of the notification, not "
            "the time you tick.",
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(intro)
        self._now = QDateTime.fromSecsSinceEpoch(int(now.timestamp()))
        self.time_edit = QDateTimeEdit(self._now, self)
        self.time_edit.setObjectName("notifiedAt")
        self.time_edit.setAccessibleName("When the authority was notified (local time)")
        self.time_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.time_edit.setCalendarPopup(True)
        self.time_edit.setMaximumDateTime(self._now.addSecs(60))
        form.addRow("&Notified at:", self.time_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Record notification")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def notified_at(self) -> datetime:
        """Return the notification time given, in UTC (whole minutes as shown; now if left
        at the default)."""
        chosen = self.time_edit.dateTime()
        if chosen.toSecsSinceEpoch() // 60 == self._now.toSecsSinceEpoch() // 60:
            return datetime.fromtimestamp(self._now.toSecsSinceEpoch(), UTC)
        return datetime.fromtimestamp(chosen.toSecsSinceEpoch(), UTC)


class UndoTickDialog(QDialog):
    """Why is a ticked item not done after all? (A reason is required.)"""

    def __init__(self, item: ChecklistItem, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("undoTickDialog")
        self.setWindowTitle("Mark not done")
        form = QFormLayout(self)
        what = f"{item.text}\n(ticked by {item.done_by})"
        if item.stops_regulator_clock:
            what += "\nThe regulator clock will run again."
        label = QLabel(what, self)
        label.setWordWrap(True)
        label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow(label)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setObjectName("undoReason")
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("why it is not done after all")
        form.addRow("&Reason:", self.reason_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Mark &not done")
        self.ok_button.setEnabled(False)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.reason_edit.textChanged.connect(
            lambda text: self.ok_button.setEnabled(bool(text.strip()))
        )

    def reason(self) -> str:
        """Return the reason typed."""
        return self.reason_edit.text().strip()

    def accept(self) -> None:
        if self.reason():
            super().accept()
