"""Verify an export file or a live incident: is the hash chain intact, and if not, where not.

The check runs through the task bridge; the dialog shows "Checking…" until the verdict
comes back, then the verdict in one line (and the first broken entry when there is one).
"""

from __future__ import annotations

import html
import logging
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from warroom.export.json_reader import ExportCheck
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

# Readable on the light and the dark theme alike.
GOOD = "#2e9d4f"
BAD = "#e0314b"


class VerifyDialog(QDialog):
    """Run one verification (``check()``) and show its verdict."""

    checked = Signal(object)  # ExportCheck
    failed = Signal(str)

    def __init__(
        self,
        runner: TaskRunner,
        source: str,
        check: Callable[[], ExportCheck],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("verifyDialog")
        self.setWindowTitle("Verify incident log")
        self.source = source
        self.check: ExportCheck | None = None
        self.error = ""
        self._running = True

        self.source_label = QLabel(html.escape(source))
        self.source_label.setObjectName("verifySource")
        self.source_label.setWordWrap(True)
        self.source_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verdict = QLabel("Checking the hash chain…")
        self.verdict.setObjectName("verifyVerdict")
        self.verdict.setWordWrap(True)
        font = self.verdict.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.verdict.setFont(font)
        self.problem = _value_label("verifyProblem")
        self.incident = _value_label("verifyIncident")
        self.entries = _value_label("verifyEntries")
        self.head = _value_label("verifyHead")
        self.head.setWordWrap(False)
        self.head.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details = QFormLayout()
        self.details.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.details.addRow("Problem:", self.problem)
        self.details.addRow("Incident:", self.incident)
        self.details.addRow("Entries:", self.entries)
        self.details.addRow("Chain head:", self.head)
        for row in range(self.details.rowCount()):
            self.details.setRowVisible(row, False)

        form = QFormLayout()
        form.addRow("Checked:", self.source_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.verdict)
        layout.addLayout(self.details)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(640)
        runner.run(check, self._done, self._failed)

    def is_running(self) -> bool:
        """Tell whether the verdict is still being worked out."""
        return self._running

    def _finish(self) -> None:
        self._running = False
        self.buttons.button(QDialogButtonBox.StandardButton.Close).setEnabled(True)

    def _done(self, check: ExportCheck) -> None:
        self._finish()
        self.check = check
        colour = GOOD if check.ok else BAD
        if check.ok:
            headline = "Intact: nothing was altered, removed or reordered"
        elif check.broken_seq is not None:
            headline = f"Broken at entry {check.broken_seq}"
        else:
            headline = "Broken"
        self.verdict.setText(f"<span style='color:{colour}'>{html.escape(headline)}</span>")
        self.problem.setText(check.problem or check.describe())
        self.incident.setText(f"#{check.incident_id} {check.title}".strip())
        self.entries.setText(str(check.entry_count))
        self.head.setText(check.head_hash or "-")
        for row in range(self.details.rowCount()):
            self.details.setRowVisible(row, row > 0 or not check.ok)
        # On a break the service reports the chain as far as it held.
        labels = {
            self.entries: "Entries:" if check.ok else "Intact before it:",
            self.head: "Chain head:" if check.ok else "Last good hash:",
        }
        for field, text in labels.items():
            label = self.details.labelForField(field)
            if isinstance(label, QLabel):
                label.setText(text)
        self.adjustSize()
        self.checked.emit(check)

    def _failed(self, error: Exception) -> None:
        self._finish()
        message = str(error).splitlines()[0] if str(error) else type(error).__name__
        log.info("verification failed: %s", message)
        self.error = message
        self.verdict.setText(
            f"<span style='color:{BAD}'>Cannot verify: {html.escape(message)}</span>"
        )
        self.adjustSize()
        self.failed.emit(message)

    def reject(self) -> None:
        if self._running:
            return  # the check cannot be interrupted; it reports in a moment
        super().reject()


def _value_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label
