"""Small dialogs that change an open incident's header, and the Close… dialog.

Each only asks; the actions (``ui.incident.actions``) call the lifecycle service on the task
runner. A change that needs a reason cannot be confirmed without one.
"""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.incidents import CADENCE_MINUTES_MAX, Incident, IncidentStatus, Severity
from warroom.domain.lifecycle import OpenWork


def to_qt(moment: datetime) -> QDateTime:
    """Return ``moment`` as a QDateTime (shown in local time)."""
    return QDateTime.fromSecsSinceEpoch(int(moment.timestamp()))


def from_qt(value: QDateTime) -> datetime:
    """Return a QDateTime as an aware UTC datetime (whole seconds)."""
    return datetime.fromtimestamp(value.toSecsSinceEpoch(), UTC)


def time_edit(moment: datetime, name: str, accessible: str, parent: QWidget) -> QDateTimeEdit:
    """Return a date-and-time field showing ``moment`` in local time."""
    edit = QDateTimeEdit(to_qt(moment), parent)
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setDisplayFormat("yyyy-MM-dd HH:mm")
    edit.setCalendarPopup(True)
    return edit


class _Form(QDialog):
    """A form with OK/Cancel; OK is enabled only while :meth:`ready` says so."""

    def __init__(self, name: str, title: str, ok_text: str, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish(self) -> None:
        """Add the buttons below the fields and judge OK once."""
        self.form.addRow(self.buttons)
        self.check()

    def ready(self) -> bool:
        """Tell whether the entered values may be confirmed."""
        return True

    def check(self) -> None:
        """Enable OK when the values may be confirmed."""
        self.ok_button.setEnabled(self.ready())

    def accept(self) -> None:
        if self.ready():
            super().accept()


def _reason_edit(parent: QWidget, name: str, placeholder: str) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setObjectName(name)
    edit.setAccessibleName("Reason")
    edit.setPlaceholderText(placeholder)
    return edit


class StatusDialog(_Form):
    """Move the incident to another status, with an optional note."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__("statusDialog", f"Status of incident #{incident.id}", "Set status", parent)
        self.status_combo = QComboBox(self)
        self.status_combo.setObjectName("incidentStatus")
        self.status_combo.setAccessibleName("Status")
        for status in IncidentStatus:
            self.status_combo.addItem(status.label, status)
        self.status_combo.setCurrentIndex(list(IncidentStatus).index(incident.status))
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("statusNote")
        self.note_edit.setAccessibleName("Note")
        self.note_edit.setPlaceholderText("optional: what changed")
        self.form.addRow("&Status:", self.status_combo)
        self.form.addRow("&Note:", self.note_edit)
        self._current = incident.status
        self.status_combo.currentIndexChanged.connect(self.check)
        self.finish()

    def status(self) -> IncidentStatus:
        """Return the chosen status."""
        return IncidentStatus(self.status_combo.currentData())

    def ready(self) -> bool:
        return self.status() is not self._current


class SeverityDialog(_Form):
    """Change the severity (with a reason): the cadence and quorum follow from now on."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__(
            "severityDialog", f"Severity of incident #{incident.id}", "Change severity", parent
        )
        self.severity_combo = QComboBox(self)
        self.severity_combo.setObjectName("incidentSeverityChange")
        self.severity_combo.setAccessibleName("Severity")
        for severity in Severity:
            self.severity_combo.addItem(severity.label, int(severity))
        self.severity_combo.setCurrentIndex(int(incident.severity) - 1)
        self.reason_edit = _reason_edit(self, "severityReason", "why the severity changes")
        explain = QLabel(
            "The update cadence and the approvals a statement needs follow the new severity "
            "from now on; the review shows both periods.",
            self,
        )
        explain.setWordWrap(True)
        self.form.addRow("&Severity:", self.severity_combo)
        self.form.addRow("&Reason:", self.reason_edit)
        self.form.addRow(explain)
        self._current = incident.severity
        self.severity_combo.currentIndexChanged.connect(self.check)
        self.reason_edit.textChanged.connect(self.check)
        self.finish()

    def severity(self) -> Severity:
        """Return the chosen severity."""
        return Severity(int(self.severity_combo.currentData()))

    def reason(self) -> str:
        """Return the reason typed."""
        return self.reason_edit.text().strip()

    def ready(self) -> bool:
        return self.severity() is not self._current and bool(self.reason())


class CadenceDialog(_Form):
    """Set the update cadence: the severity's, off, or every N minutes."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__(
            "cadenceDialog", f"Update cadence of incident #{incident.id}", "Set cadence", parent
        )
        self.default_radio = QRadioButton(f"The {incident.severity.label} default", self)
        self.off_radio = QRadioButton("No cadence", self)
        self.every_radio = QRadioButton("Every", self)
        self.group = QButtonGroup(self)
        for radio in (self.default_radio, self.off_radio, self.every_radio):
            self.group.addButton(radio)
        self.minutes_spin = QSpinBox(self)
        self.minutes_spin.setObjectName("cadenceMinutes")
        self.minutes_spin.setAccessibleName("Minutes between public updates")
        self.minutes_spin.setRange(1, CADENCE_MINUTES_MAX)
        self.minutes_spin.setSuffix(" min")
        minutes = incident.cadence_minutes
        if minutes is None:
            self.default_radio.setChecked(True)
            cadence = incident.update_cadence
            self.minutes_spin.setValue(int(cadence.total_seconds() // 60) if cadence else 60)
        elif minutes == 0:
            self.off_radio.setChecked(True)
            self.minutes_spin.setValue(60)
        else:
            self.every_radio.setChecked(True)
            self.minutes_spin.setValue(minutes)
        self.form.addRow(self.default_radio)
        self.form.addRow(self.off_radio)
        self.form.addRow(self.every_radio, self.minutes_spin)
        self.finish()

    def cadence(self) -> str:
        """Return the choice as the service takes it: 'default', 'off' or minutes."""
        if self.default_radio.isChecked():
            return "default"
        if self.off_radio.isChecked():
            return "off"
        return str(self.minutes_spin.value())


class TimesDialog(_Form):
    """Correct when the incident began and when we became aware (with a reason)."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__("timesDialog", f"Times of incident #{incident.id}", "Correct", parent)
        self._incident = incident
        self.began_edit = time_edit(incident.began_at, "timesBegan", "When it began", self)
        self.aware_edit = time_edit(incident.aware_at, "timesAware", "When we became aware", self)
        self.reason_edit = _reason_edit(self, "timesReason", "why the times are corrected")
        explain = QLabel(
            "The regulator deadline, and the due time of the step that notifies the regulator, "
            "follow awareness.",
            self,
        )
        explain.setWordWrap(True)
        self.form.addRow("&Began:", self.began_edit)
        self.form.addRow("&Aware:", self.aware_edit)
        self.form.addRow("&Reason:", self.reason_edit)
        self.form.addRow(explain)
        for edit in (self.began_edit, self.aware_edit):
            edit.dateTimeChanged.connect(self.check)
        self.reason_edit.textChanged.connect(self.check)
        self.finish()

    def _changed(self, edit: QDateTimeEdit, moment: datetime) -> datetime | None:
        value = from_qt(edit.dateTime())
        return value if int(value.timestamp()) // 60 != int(moment.timestamp()) // 60 else None

    def began_at(self) -> datetime | None:
        """Return the corrected start, or None when unchanged."""
        return self._changed(self.began_edit, self._incident.began_at)

    def aware_at(self) -> datetime | None:
        """Return the corrected awareness, or None when unchanged."""
        return self._changed(self.aware_edit, self._incident.aware_at)

    def reason(self) -> str:
        """Return the reason typed."""
        return self.reason_edit.text().strip()

    def ready(self) -> bool:
        changed = self.began_at() is not None or self.aware_at() is not None
        return changed and bool(self.reason())


class CloseDialog(_Form):
    """Incident > Close…: what is still open, and a reason to close anyway."""

    def __init__(self, incident: Incident, parent: QWidget | None = None) -> None:
        super().__init__("closeDialog", f"Close incident #{incident.id}?", "Close incident", parent)
        self.summary = QLabel("Looking at what is still open…", self)
        self.summary.setObjectName("closeSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.open_list = QListWidget(self)
        self.open_list.setObjectName("closeOpenWork")
        self.open_list.setAccessibleName("What is still open")
        self.reason_edit = _reason_edit(self, "closeReason", "why close with this still open")
        self.reason_label = QLabel("&Reason:", self)
        self.reason_label.setBuddy(self.reason_edit)
        box = QVBoxLayout()
        box.addWidget(self.summary)
        box.addWidget(self.open_list)
        self.form.addRow(box)
        self.form.addRow(self.reason_label, self.reason_edit)
        self.work: OpenWork | None = None
        self.reason_edit.textChanged.connect(self.check)
        self.finish()
        self.resize(620, 380)

    def show_work(self, work: OpenWork) -> None:
        """Show what closing would leave open; with anything open a reason is needed."""
        self.work = work
        self.open_list.clear()
        self.open_list.addItems(work.lines())
        empty = work.is_empty
        self.open_list.setVisible(not empty)
        self.reason_label.setVisible(not empty)
        self.reason_edit.setVisible(not empty)
        if empty:
            self.summary.setText(
                "Nothing is left open. Closing makes the incident read-only and stops every clock."
            )
        else:
            self.summary.setText(
                f"{len(work.lines())} thing(s) are still open. Closing makes the incident "
                "read-only and stops every clock; to close anyway, say why."
            )
            self.ok_button.setText("Close &anyway")
        self.check()

    def reason(self) -> str | None:
        """Return the reason to close anyway (None when nothing is open)."""
        if self.work is None or self.work.is_empty:
            return None
        return self.reason_edit.text().strip()

    def ready(self) -> bool:
        if self.work is None:
            return False
        return self.work.is_empty or bool(self.reason_edit.text().strip())
