"""The drafts pane's message line: results, refusals, and save conflicts with a way out."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_ERROR_STYLE = ("#fde2e2", "#7a0010", "#e0a0a0")
_INFO_STYLE = ("#e6f0fb", "#0b3a6b", "#a8c4e6")


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
        layout.setContentsMargins(2, 2, 4, 2)
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

    def _show(self, text: str, colours: tuple[str, str, str], conflict: bool) -> None:
        background, foreground, border = colours
        self.label.setText(text)
        self.label.setAccessibleName(text)
        self.setStyleSheet(
            f"QFrame#draftsBanner {{ background:{background}; border:1px solid {border}; "
            "border-radius:3px }"
            f"QLabel#draftsMessage {{ color:{foreground}; background:transparent; border:none; "
            "padding:4px }"
        )
        self.load_button.setVisible(conflict)
        self.show()
