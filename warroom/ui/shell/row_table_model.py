"""The shared core of War Room's tables: one domain object per row, fixed column headers."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


class RowTableModel(QAbstractTableModel):
    """A table over a list of domain objects; subclasses set ``headers`` and answer ``data``.

    ``replace_rows`` keeps views calm on refresh: when the same objects (by key) come back,
    only the rows that changed are reported, so selection and scroll position survive.
    """

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def replace_rows(self, rows: Sequence[Any], key: Callable[[Any], Hashable]) -> None:
        """Show ``rows``: changed rows in place when the keys are the same, else reset."""
        fresh = list(rows)
        if [key(r) for r in fresh] == [key(r) for r in self._rows]:
            changed = [i for i, r in enumerate(fresh) if r != self._rows[i]]
            self._rows = fresh
            if changed:
                last_column = len(self.headers) - 1
                self.dataChanged.emit(
                    self.index(min(changed), 0), self.index(max(changed), last_column)
                )
            return
        self.beginResetModel()
        self._rows = fresh
        self.endResetModel()

    def row_object(self, row: int) -> Any | None:
        """Return the object shown in ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def index_object(self, index: Index) -> Any | None:
        """Return the object of a valid index of this model, or None."""
        return self.row_object(index.row()) if index.isValid() else None

    def find_row(self, predicate: Callable[[Any], bool]) -> int:
        """Return the first row whose object satisfies ``predicate``, or -1."""
        return next((i for i, r in enumerate(self._rows) if predicate(r)), -1)

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None
