"""The checklist as a two-level tree: phases, then their items."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont

from warroom.domain.checklist import ChecklistItem, Phase

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1
SORT_ROLE = Qt.ItemDataRole.UserRole + 2
OVERDUE_ROLE = Qt.ItemDataRole.UserRole + 3

ModelIndex = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()
_HEADERS = ("Item", "Owner", "Due", "Done")
_PHASE_NODE = 0  # internalId of phase rows; item rows carry their phase row + 1
# Overdue red that reads on light and dark bases; the background is a translucent tint so
# it shades whatever base the theme has instead of painting a light-theme pink.
_OVERDUE_FG = QColor("#e0314b")
_OVERDUE_BG = QColor(224, 49, 75, 48)
_DONE_FG = QColor("#767676")  # mid grey: readable on light and dark bases


def local_time(moment: datetime, now: datetime) -> str:
    """Return a short local time; with the weekday when it is not today."""
    local, today = moment.astimezone(), now.astimezone()
    return f"{local:%H:%M}" if local.date() == today.date() else f"{local:%a %d %b %H:%M}"


class ChecklistModel(QAbstractItemModel):
    """Phases in playbook order with their items; ``done_requested`` asks to tick an item."""

    done_requested = Signal(object)  # ChecklistItem

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._groups: list[tuple[Phase, list[ChecklistItem]]] = []
        self._now = datetime.min
        self._editable = True

    # -- content ------------------------------------------------------------------------
    def set_items(self, items: Sequence[ChecklistItem], now: datetime, *, editable: bool) -> None:
        """Show ``items`` as of ``now``; unchanged structure updates rows in place."""
        groups: dict[Phase, list[ChecklistItem]] = {}
        for item in sorted(items, key=lambda i: (i.phase.order, i.position, i.id)):
            groups.setdefault(item.phase, []).append(item)
        new = list(groups.items())
        same_shape = [(p, [i.id for i in rows]) for p, rows in new] == [
            (p, [i.id for i in rows]) for p, rows in self._groups
        ]
        self._now, self._editable = now, editable
        if not same_shape:
            self.beginResetModel()
            self._groups = new
            self.endResetModel()
            return
        last = len(_HEADERS) - 1
        self._groups = new
        for row, (_phase, rows) in enumerate(new):
            parent = self.index(row, 0)
            self.dataChanged.emit(parent, self.index(row, last))
            if rows:
                self.dataChanged.emit(
                    self.index(0, 0, parent), self.index(len(rows) - 1, last, parent)
                )

    def refresh_row(self, item_id: int) -> None:
        """Show an item's row again as the model holds it (e.g. a tick not recorded yet)."""
        index = self.index_of(item_id)
        if index.isValid():
            self.dataChanged.emit(index, index.siblingAtColumn(len(_HEADERS) - 1))

    def items(self) -> list[ChecklistItem]:
        """Return every item shown, in order."""
        return [item for _phase, rows in self._groups for item in rows]

    def counts(self) -> tuple[int, int, int]:
        """Return (done, total, overdue)."""
        items = self.items()
        done = sum(1 for i in items if i.is_done)
        overdue = sum(1 for i in items if i.is_overdue(self._now))
        return done, len(items), overdue

    def item_at(self, index: ModelIndex) -> ChecklistItem | None:
        """Return the checklist item at ``index`` (None for a phase row)."""
        if not index.isValid() or index.internalId() == _PHASE_NODE:
            return None
        rows = self._groups[index.internalId() - 1][1]
        return rows[index.row()] if 0 <= index.row() < len(rows) else None

    def index_of(self, item_id: int) -> QModelIndex:
        """Return the index (column 0) of the item with that id, or an invalid index."""
        for row, (_phase, rows) in enumerate(self._groups):
            for child, item in enumerate(rows):
                if item.id == item_id:
                    return self.index(child, 0, self.index(row, 0))
        return QModelIndex()

    # -- structure ----------------------------------------------------------------------
    def index(self, row: int, column: int, parent: ModelIndex = _NO_INDEX) -> QModelIndex:
        if not self.hasIndex(row, column, parent):
            return QModelIndex()
        if not parent.isValid():
            return self.createIndex(row, column, _PHASE_NODE)
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: ModelIndex = _NO_INDEX) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == _PHASE_NODE:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, _PHASE_NODE)

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        if not parent.isValid():
            return len(self._groups)
        if parent.internalId() == _PHASE_NODE and parent.column() == 0:
            return len(self._groups[parent.row()][1])
        return 0

    def columnCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(_HEADERS)
        ):
            return _HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        item = self.item_at(index)
        if item is not None and index.column() == 0 and self._editable and not item.is_done:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    # -- data ---------------------------------------------------------------------------
    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if index.internalId() == _PHASE_NODE:
            return self._phase_data(index, role)
        item = self.item_at(index)
        return None if item is None else self._item_data(item, index.column(), role)

    def _phase_data(self, index: QModelIndex | QPersistentModelIndex, role: int) -> Any:
        if not 0 <= index.row() < len(self._groups):
            return None
        phase, rows = self._groups[index.row()]
        done = sum(1 for i in rows if i.is_done)
        overdue = sum(1 for i in rows if i.is_overdue(self._now))
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if index.column() != 0:
                return None
            text = f"{phase.heading} ({done} of {len(rows)} done"
            return text + (f", {overdue} overdue)" if overdue else ")")
        if role == Qt.ItemDataRole.FontRole:
            font = QFont()
            font.setBold(True)
            return font
        if role == SORT_ROLE:
            return phase.order
        if role == Qt.ItemDataRole.ForegroundRole and overdue:
            return QBrush(_OVERDUE_FG)
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return QBrush(_OVERDUE_BG)
        return None

    def _item_data(self, item: ChecklistItem, column: int, role: int) -> Any:
        overdue = item.is_overdue(self._now)
        if role == ITEM_ROLE:
            return item
        if role == OVERDUE_ROLE:
            return overdue
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(item, column, overdue)
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            return Qt.CheckState.Checked if item.is_done else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(item, column, overdue)
        if role == Qt.ItemDataRole.AccessibleTextRole and column == 0:
            state = "done" if item.is_done else ("overdue" if overdue else "open")
            return f"{item.text}, owner {item.owner_role}, {state}{_regulator_note(item)}"
        if role == Qt.ItemDataRole.ForegroundRole:
            if overdue:
                return QBrush(_OVERDUE_FG)
            if item.is_done:
                return QBrush(_DONE_FG)
        if role == Qt.ItemDataRole.BackgroundRole and overdue:
            return QBrush(_OVERDUE_BG)
        if role == SORT_ROLE:
            return (item.position, item.owner_role, item.due_at or datetime.max, item.done_at)[
                column
            ]
        return None

    def _display(self, item: ChecklistItem, column: int, overdue: bool) -> str:
        if column == 0:
            return item.text
        if column == 1:
            return f"{item.owner_role} → {item.assignee}" if item.assignee else item.owner_role
        if column == 2:
            if item.due_at is None:
                return "—"
            shown = local_time(item.due_at, self._now)
            return f"{shown} · OVERDUE" if overdue else shown
        if item.done_at is None:
            return ""
        return f"{item.done_by} at {local_time(item.done_at, self._now)}"

    def _tooltip(self, item: ChecklistItem, column: int, overdue: bool) -> str:
        if column == 2 and item.due_at is not None:
            utc = f"due {item.due_at:%Y-%m-%d %H:%M} UTC"
            return utc + (" (overdue)" if overdue else "")
        if column == 3 and item.done_at is not None:
            return f"done by {item.done_by} at {item.done_at:%Y-%m-%d %H:%M} UTC"
        return item.text + _regulator_note(item)

    def setData(self, index: ModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole:
            return False
        item = self.item_at(index)
        if item is None or item.is_done or not self._editable:
            return False
        if Qt.CheckState(value) != Qt.CheckState.Checked:
            return False
        # The tick is recorded by the service (with a timeline entry); the refresh shows it.
        self.done_requested.emit(item)
        return True


def _regulator_note(item: ChecklistItem) -> str:
    """Say that ticking this item records the regulator notification (and stops its clock)."""
    if not item.stops_regulator_clock:
        return ""
    return ". Ticking it records that the regulator was notified and stops the regulator clock"
