"""Help > Keyboard shortcuts: every menu action and its keys, read from the menus."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMenu,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)


def shortcut_rows(menu_bar: QMenuBar) -> list[tuple[str, str, str]]:
    """Return (menu, action, keys) for every visible menu action that has keys."""
    rows = []
    for top in menu_bar.actions():
        menu = top.menu()
        if not isinstance(menu, QMenu) or not top.isVisible():
            continue
        for action in menu.actions():
            if action.isSeparator() or action.shortcut().isEmpty():
                continue
            keys = ", ".join(
                key.toString(QKeySequence.SequenceFormat.NativeText) for key in action.shortcuts()
            )
            rows.append((_plain(top), _plain(action), keys))
    return rows


def _plain(action: QAction) -> str:
    return action.text().replace("&", "").rstrip("…").strip()


class ShortcutsDialog(QDialog):
    """A read-only table of the shortcuts, grouped by menu."""

    def __init__(self, menu_bar: QMenuBar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("shortcutsDialog")
        self.setWindowTitle("Keyboard shortcuts")
        lines = []
        current = ""
        for menu, action, keys in shortcut_rows(menu_bar):
            if menu != current:
                lines.append(f"<tr><td colspan=2><b>{menu}</b></td></tr>")
                current = menu
            lines.append(f"<tr><td>{action}</td><td>&nbsp;&nbsp;<tt>{keys}</tt></td></tr>")
        extra = (
            "<tr><td colspan=2><b>Anywhere</b></td></tr>"
            "<tr><td>Move between fields</td><td>&nbsp;&nbsp;<tt>Tab, Shift+Tab</tt></td></tr>"
            "<tr><td>Context menu of a timeline entry</td>"
            "<td>&nbsp;&nbsp;<tt>Menu, Shift+F10</tt></td></tr>"
            "<tr><td>Clear the timeline search, then leave it</td>"
            "<td>&nbsp;&nbsp;<tt>Esc</tt></td></tr>"
        )
        self.table = QLabel(f"<table>{''.join(lines)}{extra}</table>")
        self.table.setObjectName("shortcutsTable")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
