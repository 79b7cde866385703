"""The lower half of the drafts pane: heading, editor, workflow buttons, reasons, history."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from warroom.ui.drafts.editor import StatementEditor
from warroom.ui.drafts.revision_history import RevisionHistoryView
from warroom.ui.drafts.state import ActionState

# Explicit colours on both sides: readable in the light and the dark theme alike.
_REASONS_STYLE = (
    "QLabel { color:#5a3d00; background:#fff4d6; border-radius:3px; padding:3px }"
    "QLabel[empty='true'] { background:transparent; padding:0 }"
)


def make_action(parent: QWidget, text: str, shortcut: str, tip: str) -> QAction:
    """Return an action with a shortcut, added to ``parent`` so the shortcut works there."""
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.setToolTip(tip)
    parent.addAction(action)
    return action


def action_button(parent: QWidget, action: QAction) -> QToolButton:
    """Return a text button that mirrors ``action`` (enabled state, tooltip) and takes Tab."""
    button = QToolButton(parent)
    button.setDefaultAction(action)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    return button


class WorkflowActions:
    """Save, Submit, Approve, Reject and Release: enabled only when the rules allow."""

    def __init__(self, parent: QWidget) -> None:
        self.save = make_action(parent, "&Save draft", "Ctrl+S", "Save the statement")
        self.submit = make_action(parent, "S&ubmit for review", "Ctrl+Shift+U", "Ask for approval")
        self.approve = make_action(parent, "&Approve", "Ctrl+Shift+A", "Approve this exact text")
        self.reject = make_action(parent, "&Reject…", "Ctrl+Shift+J", "Send back with a reason")
        self.release = make_action(parent, "Re&lease…", "Ctrl+Shift+L", "Preview, then release")

    def all(self) -> list[QAction]:
        """Return the actions in button order."""
        return [self.save, self.submit, self.approve, self.reject, self.release]

    @staticmethod
    def show_state(action: QAction, state: ActionState) -> None:
        """Enable ``action`` as ``state`` says; the tooltip (also read out by screen readers
        through the button's accessible description) says what it does or why not now."""
        action.setEnabled(state.enabled)
        action.setToolTip(state.tip)
        action.setStatusTip(state.tip)
        for widget in action.associatedObjects():
            if isinstance(widget, QToolButton):
                widget.setAccessibleDescription(state.tip)


class StatementPanel(QTabWidget):
    """Edit tab (heading, editor, buttons, reasons) and History tab (revisions and diffs)."""

    def __init__(self, actions: Sequence[QAction], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statementPanel")
        self.heading = QLabel(self)
        self.heading.setObjectName("draftHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.editor = StatementEditor(self)
        buttons = QHBoxLayout()
        for action in actions:
            buttons.addWidget(action_button(self, action))
        buttons.addStretch(1)
        self.reasons = QLabel(self)
        self.reasons.setObjectName("draftsReasons")
        self.reasons.setAccessibleName("Why actions are unavailable")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        self.reasons.setStyleSheet(_REASONS_STYLE)
        edit_page = QWidget(self)
        edit_layout = QVBoxLayout(edit_page)
        edit_layout.setContentsMargins(6, 6, 6, 6)
        edit_layout.setSpacing(4)
        edit_layout.addWidget(self.heading)
        # The editor (channels, variant tabs, subject, text, promise) scrolls rather than
        # growing the window: on a 1280x720 screen the checklist below needs the room.
        scroller = QScrollArea(edit_page)
        scroller.setObjectName("statementEditorScroller")
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QFrame.Shape.NoFrame)
        scroller.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroller.setWidget(self.editor)
        edit_layout.addWidget(scroller, 1)
        edit_layout.addLayout(buttons)
        edit_layout.addWidget(self.reasons)
        self.history = RevisionHistoryView(self)
        self.addTab(edit_page, "&Edit")
        self.addTab(self.history, "&History")

    def show_reasons(self, text: str) -> None:
        """Show why the next steps are not possible (the box hides its colour when empty)."""
        self.reasons.setText(text)
        if self.reasons.property("empty") != (not text):
            self.reasons.setProperty("empty", not text)
            self.reasons.style().unpolish(self.reasons)
            self.reasons.style().polish(self.reasons)
