"""Declare a new incident: title, severity and (optionally) a playbook."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from warroom.domain.incidents import Severity
from warroom.domain.playbooks import Playbook

SEVERITY_HINTS = {
    Severity.SEV1: "SEV1: critical, updates every 30 min, 2 approvals",
    Severity.SEV2: "SEV2: major, updates every 60 min, 2 approvals",
    Severity.SEV3: "SEV3: minor, updates every 4 h, 1 approval",
    Severity.SEV4: "SEV4: low, no update cadence, 1 approval",
}


@dataclass(frozen=True, slots=True)
class NewIncidentRequest:
    """What the dialog asks the incident service to open."""

    title: str
    severity: Severity
    playbook_key: str | None


class NewIncidentDialog(QDialog):
    """A small form; playbooks are read by the caller (in the background) and passed in."""

    def __init__(
        self,
        playbooks: list[Playbook],
        problems: list[str] | None = None,
        parent: QWidget | None = None,
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
        )

    def _check(self) -> None:
        ok = bool(self.title_edit.text().strip())
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
