"""The quick add box under the timeline: type, pick a kind, Ctrl+Enter logs it.

Made for a scribe typing as fast as the room talks: Ctrl+L reaches the box from anywhere,
Ctrl+Enter adds from anywhere in it (the kind box included), a ``/d `` ``/a `` ``/i ``
``/s `` ``/n `` prefix picks decision, action, inbound, status or note without leaving the
keyboard, the kind goes back to note after each entry, and a long entry grows the box
(up to a limit) instead of scrolling out of sight.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
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
FOCUS_SHORTCUT = "Ctrl+L"
PLACEHOLDER = "Log a fact, decision or action… (Ctrl+Enter adds it; /d /a /i /s pick the kind)"
#: The kinds a person logs by hand (statements are logged by the workflow).
HAND_KINDS = (
    EntryKind.NOTE,
    EntryKind.DECISION,
    EntryKind.ACTION,
    EntryKind.INBOUND,
    EntryKind.STATUS,
)
#: Typed at the very start of the box, these choose the kind (and are taken out).
PREFIXES: dict[str, EntryKind] = {
    "/n ": EntryKind.NOTE,
    "/d ": EntryKind.DECISION,
    "/a ": EntryKind.ACTION,
    "/i ": EntryKind.INBOUND,
    "/s ": EntryKind.STATUS,
}
MIN_LINES, MAX_LINES = 3, 8


def split_prefix(text: str) -> tuple[EntryKind | None, str]:
    """Return the kind a leading ``/x `` prefix chooses (None: none) and the rest."""
    for prefix, kind in PREFIXES.items():
        if text[:3].lower() == prefix:
            return kind, text[3:]
    return None, text


class QuickAdd(QWidget):
    """The box, the kind and the Add button; ``action`` (Ctrl+Enter) works anywhere in it.

    What adding does is the pane's business (it has the service and the incident): connect
    ``action.triggered`` and ``button.clicked``.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("quickAdd")
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
        self.box.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.button = QPushButton("&Add")
        self.button.setObjectName("quickAddButton")
        self.button.setToolTip(f"Add to the timeline ({ADD_SHORTCUT})")
        self.action = QAction("Add timeline entry", self)
        self.action.setShortcuts([QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")])
        # On the whole widget: from the box, the kind box or the button alike.
        self.action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.action)
        self.focus_action = QAction("&Log an entry", self)
        self.focus_action.setShortcut(QKeySequence(FOCUS_SHORTCUT))
        self.focus_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.focus_action.setStatusTip("Type a new timeline entry (from anywhere in the window)")
        self.focus_action.triggered.connect(self.focus_box)
        self.addAction(self.focus_action)

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
        self.box.textChanged.connect(self._typed)
        self.box.installEventFilter(self)
        self._fit_height()

    def chosen_kind(self) -> EntryKind:
        """Return the kind chosen for the next entry."""
        return EntryKind(self.kind.currentData())  # Qt hands the enum back as str

    def choose_kind(self, kind: EntryKind) -> None:
        """Choose the kind of the next entry."""
        index = self.kind.findData(kind)
        if index >= 0:
            self.kind.setCurrentIndex(index)

    def entry_added(self) -> None:
        """An entry was logged: the next one is a note again, unless chosen otherwise."""
        self.choose_kind(EntryKind.NOTE)

    def focus_box(self) -> None:
        """Ctrl+L: put the cursor at the end of the box, whatever had the focus."""
        self.box.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.box.moveCursor(self.box.textCursor().MoveOperation.End)

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

    # -- typing -----------------------------------------------------------------------------

    def _typed(self) -> None:
        text = self.box.toPlainText()
        kind, rest = split_prefix(text)
        if kind is not None:
            cursor = self.box.textCursor()
            position = max(0, cursor.position() - (len(text) - len(rest)))
            self.choose_kind(kind)
            self.box.setPlainText(rest)  # re-enters here once, without a prefix
            cursor = self.box.textCursor()
            cursor.setPosition(min(position, len(rest)))
            self.box.setTextCursor(cursor)
            return
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow with the text, wrapped lines included, from three lines up to eight."""
        lines = 0
        block = self.box.document().firstBlock()
        while block.isValid():
            layout = block.layout()
            lines += max(1, layout.lineCount() if layout is not None else 1)
            block = block.next()
        shown = min(MAX_LINES, max(MIN_LINES, lines))
        frame = 2 * self.box.frameWidth() + int(self.box.document().documentMargin() * 2) + 4
        height = shown * self.box.fontMetrics().lineSpacing() + frame
        if self.box.height() != height or self.box.minimumHeight() != height:
            self.box.setFixedHeight(height)
        policy = (
            Qt.ScrollBarPolicy.ScrollBarAsNeeded
            if lines > MAX_LINES
            else Qt.ScrollBarPolicy.ScrollBarAlwaysOff
        )
        self.box.setVerticalScrollBarPolicy(policy)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Wrapping changes with the width, and zoom changes the line height.
        if watched is self.box and event.type() in (QEvent.Type.Resize, QEvent.Type.FontChange):
            self._fit_height()
        return super().eventFilter(watched, event)
