"""The listening sources as a table: state, last pull, counts and why one stopped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from warroom.domain.inbox import Source
from warroom.ui.inbox.presentation import plain_tip
from warroom.ui.shell.row_table_model import Index, RowTableModel

SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1  # the Source itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value to sort by

COLUMNS = ("Name", "Kind", "State", "Last pull", "Items", "Skipped", "Problem")
NAME, KIND, STATE, LAST_PULL, ITEMS, SKIPPED, PROBLEM = range(len(COLUMNS))
STOPPED, FAILING, LISTENING, NOT_YET = "STOPPED", "failing", "listening", "not pulled yet"
_STATE_COLOURS = {STOPPED: QColor("#c62828"), FAILING: QColor("#b35c00"), LISTENING: None}


def source_state(source: Source) -> str:
    """Return where a source stands: stopped (refused login), failing, listening, new."""
    if source.stopped_reason:
        return STOPPED
    if source.last_error:
        return FAILING
    return LISTENING if source.last_pulled_at is not None else NOT_YET


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value is not None else ""


class SourcesModel(RowTableModel):
    """One row per source, in the order the service lists them (by name)."""

    headers = COLUMNS

    def set_sources(self, sources: Sequence[Source]) -> None:
        """Show ``sources``: changed rows in place when the names are the same, else reset."""
        self.replace_rows(sources, key=lambda s: s.name)

    def source(self, row: int) -> Source | None:
        """Return the source shown in ``row``."""
        source: Source | None = self.row_object(row)
        return source

    def row_of(self, name: str) -> int:
        """Return the row of the source called ``name``, or -1."""
        return self.find_row(lambda s: s.name == name)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        source: Source | None = self.index_object(index)
        if source is None:
            return None
        column = index.column()
        if role == SOURCE_ROLE:
            return source
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            text = self._text(source, column)
            # The problem is a server's words: shown as plain text, never as a rich tooltip.
            return text if role == Qt.ItemDataRole.DisplayRole else _plain(text)
        if role == SORT_ROLE:
            return self._sort_value(source, column)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATE:
            colour = _STATE_COLOURS.get(source_state(source))
            return QBrush(colour) if colour is not None else None
        return None

    @staticmethod
    def _text(source: Source, column: int) -> str:
        return {
            NAME: source.name,
            KIND: source.kind.value,
            STATE: source_state(source),
            LAST_PULL: _when(source.last_pulled_at),
            ITEMS: str(source.items_count),
            SKIPPED: str(source.skipped_count),
            PROBLEM: source.stopped_reason or source.last_error,
        }.get(column, "")

    def _sort_value(self, source: Source, column: int) -> Any:
        if column == LAST_PULL:
            return source.last_pulled_at.timestamp() if source.last_pulled_at else 0.0
        if column == ITEMS:
            return source.items_count
        if column == SKIPPED:
            return source.skipped_count
        return self._text(source, column)


def _plain(text: str) -> str:
    return plain_tip(text) if text else ""
