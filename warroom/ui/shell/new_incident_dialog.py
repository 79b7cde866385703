"""Declare a new incident: title, severity, when we became aware and (optionally) a playbook."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from PySide6.QtCore import QDateTime, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QWidget,
)

from warroom.domain.clock import Clock
from warroom.domain.incidents import Incident, Severity
from warroom.domain.playbooks import Playbook
from warroom.services.playbooks import PlaybookProblem
from warroom.ui.shell.tasks import TaskRunner

SEVERITY_HINTS = {
    Severity.SEV1: "SEV1: critical, updates every 30 min, 2 approvals",
    Severity.SEV2: "SEV2: major, updates every 60 min, 2 approvals",
    Severity.SEV3: "SEV3: minor, updates every 4 h, 1 approval",
    Severity.SEV4: "SEV4: low, no update cadence, 1 approval",
}


AWARE_WHY = (
    "Regulator deadlines run from awareness, not from declaring: a GDPR breach must be "
    "reported within 72 h of the moment the company knew. If you learned of it earlier, "
    "say when."
)


@dataclass(frozen=True, slots=True)
class NewIncidentRequest:
    """What the dialog asks the incident service to open."""

    title: str
    severity: Severity
    playbook_key: str | None
    #: when the company became aware (None: now, at declaration)
    aware_at: datetime | None = None


class NewIncidentDialog(QDialog):
    """A small form; playbooks are read by the caller (in the background) and passed in."""

    def __init__(
        self,
        playbooks: list[Playbook],
        problems: list[str] | None = None,
        parent: QWidget | None = None,
        *,
        now: datetime | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newIncidentDialog")
        self.setWindowTitle("New incident")
        form = QFormLayout(self)
        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("incidentTitle")
        self.title_edit.setAccessibleName("Incident title")
        self.title_edit.setPlaceholderText("What is happening, in a few words")
        form.addRow("&Title:", self.title_edit)
        self.severity_combo = QComboBox()
        self.severity_combo.setObjectName("incidentSeverity")
        self.severity_combo.setAccessibleName("Severity")
        for severity in Severity:
            self.severity_combo.addItem(SEVERITY_HINTS[severity], severity)
        self.severity_combo.setCurrentIndex(1)
        form.addRow("&Severity:", self.severity_combo)
        # The service clock's now (the incident is declared by it), shown in local time.
        self.opened_at = (
            QDateTime.fromSecsSinceEpoch(int(now.timestamp()))
            if now is not None
            else QDateTime.currentDateTime()
        )
        self.aware_edit = QDateTimeEdit(self.opened_at, self)
        self.aware_edit.setObjectName("incidentAwareAt")
        self.aware_edit.setAccessibleName("When did we become aware? (local time)")
        self.aware_edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.aware_edit.setCalendarPopup(True)
        self.aware_edit.setMaximumDateTime(self.opened_at.addSecs(60))
        form.addRow("When did we become &aware?", self.aware_edit)
        why = QLabel(AWARE_WHY, self)
        why.setObjectName("incidentAwareWhy")
        why.setWordWrap(True)
        why.setTextFormat(Qt.TextFormat.PlainText)
        self.aware_edit.setAccessibleDescription(AWARE_WHY)
        form.addRow(why)
        self.playbook_combo = QComboBox()
        self.playbook_combo.setObjectName("incidentPlaybook")
        self.playbook_combo.setAccessibleName("Playbook")
        self.playbook_combo.addItem("No playbook", None)
        for playbook in playbooks:
            self.playbook_combo.addItem(playbook.name, playbook.key)
            self.playbook_combo.setItemData(
                self.playbook_combo.count() - 1, playbook.description, Qt.ItemDataRole.ToolTipRole
            )
        form.addRow("&Playbook:", self.playbook_combo)
        if problems:
            warning = QLabel("Some playbooks could not be read:\n" + "\n".join(problems))
            warning.setObjectName("playbookProblems")
            warning.setWordWrap(True)
            form.addRow(warning)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Declare incident")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.title_edit.textChanged.connect(self._check)
        self._check()
        self.resize(520, self.sizeHint().height())

    def select_playbook(self, key: str) -> None:
        """Choose the playbook ``key`` (if listed)."""
        index = self.playbook_combo.findData(key)
        if index >= 0:
            self.playbook_combo.setCurrentIndex(index)

    def request(self) -> NewIncidentRequest:
        """Return what was entered."""
        key = self.playbook_combo.currentData()
        return NewIncidentRequest(
            title=self.title_edit.text(),
            severity=Severity(self.severity_combo.currentData()),
            playbook_key=str(key) if key else None,
            aware_at=self.aware_at(),
        )

    def aware_at(self) -> datetime | None:
        """Return when we became aware, in UTC; None when left at the default (now)."""
        chosen = self.aware_edit.dateTime()
        if chosen.toSecsSinceEpoch() // 60 == self.opened_at.toSecsSinceEpoch() // 60:
            return None
        return datetime.fromtimestamp(chosen.toSecsSinceEpoch(), UTC)

    def _check(self) -> None:
        ok = bool(self.title_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)


class IncidentDeclaration(QObject):
    """Ctrl+N from start to end: read the playbooks in the background, ask, then open the
    incident in the background; ``declared`` or ``refused`` (also shown in a message box)."""

    declared = Signal(object)  # Incident
    refused = Signal(str)

    def __init__(
        self,
        parent: QWidget,
        load_playbooks: Callable[[], tuple[list[Playbook], list[PlaybookProblem]]],
        declare: Callable[[NewIncidentRequest], Incident],
        runner: TaskRunner,
        now: Clock | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._parent = parent
        self._load = load_playbooks
        self._declare = declare
        self._runner = runner
        self.dialog: NewIncidentDialog | None = None

    def ask(self) -> None:
        """Read the playbooks, then open the dialog."""

        def loaded(result: tuple[list[Playbook], list[PlaybookProblem]]) -> None:
            playbooks, problems = result
            notes = [f"{p.path.name}: {p.message}" for p in problems]
            dialog = NewIncidentDialog(
                playbooks, notes, self._parent, now=self._now() if self._now else None
            )
            dialog.accepted.connect(lambda: self._open(dialog.request()))
            dialog.finished.connect(dialog.deleteLater)
            dialog.finished.connect(self._forget)
            self.dialog = dialog
            dialog.open()

        self._runner.run(self._load, loaded)

    def _forget(self) -> None:
        self.dialog = None

    def _open(self, request: NewIncidentRequest) -> None:
        def failed(error: Exception) -> None:
            self.refused.emit(str(error))
            box = QMessageBox(
                QMessageBox.Icon.Warning,
                "Incident not declared",
                str(error),
                QMessageBox.StandardButton.Ok,
                self._parent,
            )
            box.setObjectName("errorMessage")
            box.finished.connect(box.deleteLater)
            box.open()

        self._runner.run(lambda: self._declare(request), self.declared.emit, failed)
