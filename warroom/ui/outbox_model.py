"""Outbox rows that need a person (uncertain or failed) as a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from warroom.domain.outbox import OutboxRow

OutboxRowRole = Qt.ItemDataRole.UserRole + 1  # the OutboxRow itself
SortRole = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Row", "Statement", "Channel", "State", "Attempts", "Reason", "Updated")
ROW, STATEMENT, CHANNEL, STATE, ATTEMPTS, REASON, UPDATED = range(len(COLUMNS))

Index = QModelIndex | QPersistentModelIndex


class OutboxModel(QAbstractTableModel):
    """One row per outbox row, as the service lists them."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[OutboxRow] = []

    def set_rows(self, rows: Sequence[OutboxRow]) -> None:
        """Show ``rows``: changed rows in place when the ids are the same, else reset."""
        fresh = list(rows)
        if [r.id for r in fresh] == [r.id for r in self._rows]:
            changed = [i for i, r in enumerate(fresh) if r != self._rows[i]]
            self._rows = fresh
            if changed:
                self.dataChanged.emit(
                    self.index(min(changed), 0), self.index(max(changed), len(COLUMNS) - 1)
                )
            return
        self.beginResetModel()
        self._rows = fresh
        self.endResetModel()

    def outbox_row(self, row: int) -> OutboxRow | None:
        """Return the outbox row shown in ``row``."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, row_id: int) -> int:
        """Return the table row showing outbox row ``row_id``, or -1."""
        return next((i for i, r in enumerate(self._rows) if r.id == row_id), -1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        if role == OutboxRowRole:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, index.column())
        if role == SortRole:
            numbers = {
                ROW: row.id,
                STATEMENT: row.statement_id,
                ATTEMPTS: row.attempts,
                UPDATED: row.updated_at.timestamp(),
            }
            return numbers.get(index.column(), self._text(row, index.column()))
        return None

    @staticmethod
    def _text(row: OutboxRow, column: int) -> str:
        return {
            ROW: str(row.id),
            STATEMENT: f"#{row.statement_id}",
            CHANNEL: row.channel_name,
            STATE: row.state.value,
            ATTEMPTS: str(row.attempts),
            REASON: row.last_error,
            UPDATED: row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        }.get(column, "")
