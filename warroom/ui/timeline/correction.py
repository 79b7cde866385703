"""Correcting a timeline entry: a new entry pointing at the original, which stays."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.timeline import TimelineEntry


class CorrectionDialog(QDialog):
    """Ask for the corrected text of one entry (the original stays, struck through)."""

    def __init__(self, entry: TimelineEntry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry = entry
        self.setObjectName("correctionDialog")
        self.setWindowTitle(f"Correct entry #{entry.seq}")
        layout = QVBoxLayout(self)
        original = QLabel(f"Entry #{entry.seq} by {entry.author}:\n{entry.text}")
        original.setWordWrap(True)
        original.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(original)
        layout.addWidget(QLabel("Corrected text (the original stays on the record, struck out):"))
        self.editor = QPlainTextEdit(entry.text)
        self.editor.setObjectName("correctionEditor")
        self.editor.setAccessibleName("Corrected text")
        layout.addWidget(self.editor)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add correction")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.editor.textChanged.connect(
            lambda: ok.setEnabled(bool(self.editor.toPlainText().strip()))
        )
        layout.addWidget(buttons)
        self.resize(520, 260)

    def text(self) -> str:
        """Return the corrected text as typed."""
        return self.editor.toPlainText()
