"""Item models of the drafts pane: the incident's statements and the channel choice."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor

from warroom.domain.channels import Channel
from warroom.domain.statements import Statement, StatementState
from warroom.ui.drafts.rules import STATE_LABELS, state_badge
from warroom.ui.shell.row_table_model import RowTableModel

STATEMENT_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
CHANNEL_ROLE = Qt.ItemDataRole.UserRole + 3

ModelIndex = QModelIndex | QPersistentModelIndex

#: Badge colours (background) per state: calm for drafts, warm while waiting, green when done.
STATE_COLOURS = {
    StatementState.DRAFT: QColor("#e8e8e8"),
    StatementState.IN_REVIEW: QColor("#ffe8b0"),
    StatementState.APPROVED: QColor("#c8f0c8"),
    StatementState.SCHEDULED: QColor("#d8d0f8"),
    StatementState.RELEASED: QColor("#b8d8f8"),
}

_HEADERS = ("#", "State", "Approvals", "Channels", "Text")
_NO_INDEX = QModelIndex()


def first_line(text: str, width: int = 80) -> str:
    """Return the first non-empty line of ``text``, shortened to ``width`` characters."""
    line = next((part.strip() for part in text.splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 1] + "…"


class StatementListModel(RowTableModel):
    """One row per statement of the incident, oldest first; columns say state and approvals."""

    headers = _HEADERS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._required = 1
        self._shown: dict[int, str] = {}
        self._unsaved: set[int] = set()

    def statements(self) -> list[Statement]:
        """Return the statements shown, in row order."""
        return list(self._rows)

    def set_statements(
        self,
        statements: Sequence[Statement],
        approvals_required: int,
        shown_states: Mapping[int, str] | None = None,
    ) -> None:
        """Show ``statements``: changed rows update in place, new rows are appended.

        ``shown_states`` replaces the state shown for some statements (a released one is
        shown as queued, public, held... as the public sees it).
        """
        new = list(statements)
        old_ids = [s.id for s in self._rows]
        new_ids = [s.id for s in new]
        states = dict(shown_states or {})
        required_changed = approvals_required != self._required or states != self._shown
        self._required = approvals_required
        self._shown = states
        if new_ids[: len(old_ids)] != old_ids:
            self.beginResetModel()
            self._rows = new
            self.endResetModel()
            return
        last = len(_HEADERS) - 1
        for row, statement in enumerate(new[: len(old_ids)]):
            if required_changed or statement != self._rows[row]:
                self._rows[row] = statement
                self.dataChanged.emit(self.index(row, 0), self.index(row, last))
        if len(new) > len(old_ids):
            self.beginInsertRows(_NO_INDEX, len(old_ids), len(new) - 1)
            self._rows.extend(new[len(old_ids) :])
            self.endInsertRows()

    def set_unsaved(self, statement_ids: set[int]) -> None:
        """Mark the statements that have unsaved edits in this window."""
        changed = statement_ids ^ self._unsaved
        self._unsaved = set(statement_ids)
        for row, statement in enumerate(self._rows):
            if statement.id in changed:
                self.dataChanged.emit(self.index(row, 0), self.index(row, 0))

    def row_of(self, statement_id: int) -> int:
        """Return the row of the statement, or -1."""
        return self.find_row(lambda s: s.id == statement_id)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        statement: Statement | None = self.index_object(index)
        if statement is None:
            return None
        column = index.column()
        if role == STATEMENT_ROLE:
            return statement
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(statement, column)
        if role == SORT_ROLE:
            return (
                statement.id,
                statement.state.value,
                len(statement.valid_approvals),
                ",".join(statement.channel_names),
                statement.text,
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(statement)
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(STATE_COLOURS[statement.state])
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor("#1a1a1a"))
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"Statement {statement.id}, {state_badge(statement, self._required)}"
        return None

    def _display(self, statement: Statement, column: int) -> str:
        if column == 0:
            mark = " •" if statement.id in self._unsaved else ""
            return f"{statement.id}{mark}"
        if column == 1:
            return self._shown.get(statement.id, STATE_LABELS[statement.state])
        if column == 2:
            return f"{len(statement.valid_approvals)} of {self._required}"
        if column == 3:
            return ", ".join(statement.channel_names)
        return first_line(statement.subject or statement.text)

    def _tooltip(self, statement: Statement) -> str:
        lines = [f"Statement #{statement.id}: {state_badge(statement, self._required)}"]
        lines.append(f"Revision {statement.revision} by {statement.revision_author}")
        if statement.valid_approvals:
            names = ", ".join(a.approver for a in statement.valid_approvals)
            lines.append(f"Approved by {names}")
        if statement.rejection_reason:
            lines.append(f"Rejected: {statement.rejection_reason}")
        if statement.id in self._unsaved:
            lines.append("You have unsaved edits of this statement")
        return "\n".join(lines)


class ChannelChoiceModel(QAbstractListModel):
    """The channels a statement can go out on, each checkable."""

    choice_changed = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._channels: list[Channel] = []
        self._checked: set[str] = set()

    def set_channels(self, channels: Sequence[Channel]) -> None:
        """Show ``channels``; the checked names stay checked where they still exist."""
        new = list(channels)
        if [c.name for c in new] == [c.name for c in self._channels]:
            self._channels = new
            if new:
                self.dataChanged.emit(self.index(0), self.index(len(new) - 1))
            return
        self.beginResetModel()
        self._channels = new
        self.endResetModel()

    def channels(self) -> list[Channel]:
        """Return every channel shown."""
        return list(self._channels)

    def checked_channels(self) -> list[Channel]:
        """Return the checked channels, in display order."""
        return [c for c in self._channels if c.name in self._checked]

    def checked_names(self) -> tuple[str, ...]:
        """Return the names of the checked channels, in display order."""
        return tuple(c.name for c in self.checked_channels())

    def set_checked(self, names: Sequence[str]) -> None:
        """Check exactly the channels called ``names``."""
        wanted = set(names)
        if wanted == self._checked:
            return
        self._checked = wanted
        if self._channels:
            self.dataChanged.emit(self.index(0), self.index(len(self._channels) - 1))
        self.choice_changed.emit()

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._channels)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._channels):
            return None
        channel = self._channels[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return channel.name
        if role == Qt.ItemDataRole.CheckStateRole:
            checked = channel.name in self._checked
            return Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if role == CHANNEL_ROLE:
            return channel
        if role == Qt.ItemDataRole.ToolTipRole:
            limit = channel.limit
            size = f"up to {limit.maximum} {limit.unit}" if limit.maximum else "no length limit"
            state = "configured" if channel.configured else "not configured yet"
            return f"{channel.name} ({channel.kind.value}): {size}; {state}"
        if role == Qt.ItemDataRole.AccessibleTextRole:
            ticked = "checked" if channel.name in self._checked else "not checked"
            return f"Channel {channel.name}, {ticked}"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        name = self._channels[index.row()].name
        checked = Qt.CheckState(value) == Qt.CheckState.Checked
        if checked == (name in self._checked):
            return True
        if checked:
            self._checked.add(name)
        else:
            self._checked.discard(name)
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        self.choice_changed.emit()
        return True
