"""Outbox rows that need a person (uncertain or failed) as a table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from warroom.domain.outbox import Delivery
from warroom.ui.shell.row_table_model import Index, RowTableModel

DELIVERY_ROLE = Qt.ItemDataRole.UserRole + 1  # the Delivery itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2

COLUMNS = ("Row", "Statement", "Channel", "State", "Attempts", "Reason", "Updated")
ROW, STATEMENT, CHANNEL, STATE, ATTEMPTS, REASON, UPDATED = range(len(COLUMNS))


class OutboxModel(RowTableModel):
    """One row per outbox row, as the service lists them."""

    headers = COLUMNS

    def set_rows(self, rows: Sequence[Delivery]) -> None:
        """Show ``rows``: changed rows in place when the ids are the same, else reset."""
        self.replace_rows(rows, key=lambda r: r.id)

    def outbox_row(self, row: int) -> Delivery | None:
        """Return the outbox row shown in ``row``."""
        found: Delivery | None = self.row_object(row)
        return found

    def row_of(self, row_id: int) -> int:
        """Return the table row showing outbox row ``row_id``, or -1."""
        return self.find_row(lambda r: r.id == row_id)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row: Delivery | None = self.index_object(index)
        if row is None:
            return None
        if role == DELIVERY_ROLE:
            return row
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._text(row, index.column())
        if role == SORT_ROLE:
            numbers = {
                ROW: row.id,
                STATEMENT: row.statement_id,
                ATTEMPTS: row.attempts,
                UPDATED: row.updated_at.timestamp(),
            }
            return numbers.get(index.column(), self._text(row, index.column()))
        return None

    @staticmethod
    def _text(row: Delivery, column: int) -> str:
        return {
            ROW: str(row.id),
            STATEMENT: f"#{row.statement_id}",
            CHANNEL: row.channel_name,
            STATE: row.state.value,
            ATTEMPTS: str(row.attempts),
            REASON: row.last_error
            or ("waited longer than the hold window" if row.state.value == "held" else ""),
            UPDATED: row.updated_at.astimezone().strftime("%Y-%m-%d %H:%M"),
        }.get(column, "")
