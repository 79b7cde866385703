"""The post-incident review's metrics as a two-column table (metric, value).

The rows are :func:`warroom.export.inbox_figures.review_figure_rows` (the review's rows,
then the inbox figures), the very wording every export and the ``review`` command use, so
the window shows the same numbers as the files.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from warroom.domain.review import Review
from warroom.export.inbox_figures import review_figure_rows

COL_METRIC, COL_VALUE = 0, 1
HEADERS = ("Metric", "Value")
#: The (label, value) pair of a row.
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
#: True for a row that reports something that went wrong (a silence, a late promise…).
PROBLEM_ROLE = Qt.ItemDataRole.UserRole + 2

PROBLEM_LABELS = ("Silence over cadence", "Overdue item")
PROBLEM_VALUES = ("late:", "missed:")
# As the checklist's overdue items: readable on the light and the dark theme alike.
PROBLEM_COLOUR = QColor("#e0314b")
PROBLEM_BACKGROUND = QColor(224, 49, 75, 40)

Index = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def is_problem(label: str, value: str) -> bool:
    """Tell whether a review row reports a failure worth marking."""
    if label.startswith(PROBLEM_LABELS) or value.startswith(PROBLEM_VALUES):
        return True
    return label.startswith("Delivery on ") and not value.split("; ")[-1].startswith("0 failed")


class ReviewModel(QAbstractTableModel):
    """Hold the rows of one review; updated as a whole from the GUI thread."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str]] = []
        self._review: Review | None = None

    def review(self) -> Review | None:
        """Return the review shown."""
        return self._review

    def rows(self) -> list[tuple[str, str]]:
        """Return the (label, value) rows shown."""
        return list(self._rows)

    def set_review(self, review: Review | None) -> None:
        """Show ``review``: rows that kept their place change in place, else a reset."""
        self._review = review
        rows = review_figure_rows(review) if review is not None else []
        if rows == self._rows:
            return
        if len(rows) == len(self._rows) and [r[0] for r in rows] == [r[0] for r in self._rows]:
            pairs = enumerate(zip(self._rows, rows, strict=True))
            changed = [n for n, (old, new) in pairs if old != new]
            self._rows = rows
            self.dataChanged.emit(
                self.index(changed[0], 0), self.index(changed[-1], len(HEADERS) - 1)
            )
            return
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    # -- Qt ---------------------------------------------------------------------------------

    def rowCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        label, value = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return label if index.column() == COL_METRIC else value
        if role == ROW_ROLE:
            return (label, value)
        if role == PROBLEM_ROLE:
            return is_problem(label, value)
        if role == Qt.ItemDataRole.ForegroundRole and is_problem(label, value):
            return QBrush(PROBLEM_COLOUR)
        if role == Qt.ItemDataRole.BackgroundRole and is_problem(label, value):
            return QBrush(PROBLEM_BACKGROUND)
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(HEADERS)
        ):
            return HEADERS[section]
        return None
