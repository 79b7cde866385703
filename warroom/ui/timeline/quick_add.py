"""The quick add box under the timeline: type, pick a kind, Ctrl+Enter logs it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.timeline import EntryKind
from warroom.ui.timeline.kinds import KIND_LABELS, kind_icon

ADD_SHORTCUT = "Ctrl+Return"
PLACEHOLDER = "Log a fact, decision or action… (Ctrl+Enter adds it)"
#: The kinds a person logs by hand (statements are logged by the workflow).
HAND_KINDS = (
    EntryKind.NOTE,
    EntryKind.DECISION,
    EntryKind.ACTION,
    EntryKind.INBOUND,
    EntryKind.STATUS,
)


class QuickAdd(QWidget):
    """The box, the kind and the Add button; ``action`` (Ctrl+Enter) works inside the box.

    What adding does is the pane's business (it has the service and the incident): connect
    ``action.triggered`` and ``button.clicked``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = QComboBox()
        self.kind.setObjectName("quickAddKind")
        self.kind.setAccessibleName("Kind of the new entry")
        for kind in HAND_KINDS:
            self.kind.addItem(kind_icon(kind), KIND_LABELS[kind], kind)
        self.box = QPlainTextEdit()
        self.box.setObjectName("quickAddBox")
        self.box.setAccessibleName("New timeline entry")
        self.box.setPlaceholderText(PLACEHOLDER)
        self.box.setTabChangesFocus(True)
        self.box.setFixedHeight(self.fontMetrics().height() * 3 + 14)
        self.button = QPushButton("&Add")
        self.button.setObjectName("quickAddButton")
        self.button.setToolTip(f"Add to the timeline ({ADD_SHORTCUT})")
        self.action = QAction("Add timeline entry", self)
        self.action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.box.addAction(self.action)

        kind_column = QVBoxLayout()
        kind_column.addWidget(self.kind)
        kind_column.addWidget(self.button)
        kind_column.addStretch(1)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.box, 1)
        row.addLayout(kind_column)
        self.setTabOrder(self.box, self.kind)
        self.setTabOrder(self.kind, self.button)

    def chosen_kind(self) -> EntryKind:
        """Return the kind chosen for the next entry."""
        return EntryKind(self.kind.currentData())  # Qt hands the enum back as str

    def show_refusal(self, reason: str | None) -> None:
        """Allow logging (None) or say why not, as placeholder, tooltip and description."""
        writable = reason is None
        for widget in (self.box, self.button, self.kind):
            widget.setEnabled(writable)
        self.box.setPlaceholderText(PLACEHOLDER if writable else f"Cannot log: {reason}")
        tip = f"Add to the timeline ({ADD_SHORTCUT})" if writable else f"Cannot log: {reason}"
        self.button.setToolTip(tip)
        self.button.setAccessibleDescription(tip)
        self.box.setAccessibleDescription("" if writable else f"Cannot log: {reason}")
