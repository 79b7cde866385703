"""The drafts pane's message line: results, refusals, and save conflicts with a way out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_ERROR_STYLE = "background:#fde2e2; color:#7a0010; border:1px solid #e0a0a0; padding:4px"
_INFO_STYLE = "background:#e6f0fb; color:#0b3a6b; border:1px solid #a8c4e6; padding:4px"


class DraftsBanner(QFrame):
    """One message at a time; a conflict also offers 'Load their version'."""

    load_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("draftsBanner")
        self.label = QLabel(self)
        self.label.setObjectName("draftsMessage")
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.load_button = QPushButton("Load &their version", self)
        self.load_button.setObjectName("loadTheirVersion")
        self.load_button.setToolTip("Replace your unsaved text with the version saved elsewhere")
        self.load_button.clicked.connect(self.load_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.load_button)
        self.hide()

    def show_error(self, text: str, *, conflict: bool = False) -> None:
        """Show a refusal or failure (with the conflict way out if ``conflict``)."""
        self._show(text, _ERROR_STYLE, conflict)

    def show_info(self, text: str) -> None:
        """Show what just happened."""
        self._show(text, _INFO_STYLE, False)

    def clear_message(self) -> None:
        """Hide the message."""
        self.label.clear()
        self.hide()

    def _show(self, text: str, style: str, conflict: bool) -> None:
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.setStyleSheet(f"QFrame#draftsBanner, QFrame#draftsBanner QLabel {{{style}}}")
        self.load_button.setVisible(conflict)
        self.show()
