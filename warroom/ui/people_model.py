"""The people of the war room as a table: name, role, who added them.

A thin adapter: the dialog reads the people in the background and hands the list over;
``data()`` never touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from warroom.domain.people import Person, Role

COL_NAME, COL_ROLE, COL_ADDED_BY = range(3)
HEADERS = ("Name", "Role", "Added by")
PERSON_ROLE = Qt.ItemDataRole.UserRole + 1  # the domain Person
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value to sort by

_ROLE_ORDER = {role: position for position, role in enumerate(Role)}

_Index = QModelIndex | QPersistentModelIndex


class PeopleModel(QAbstractTableModel):
    """One row per registered person, in the order given (the service sorts by name)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._people: list[Person] = []

    def set_people(self, people: Sequence[Person]) -> None:
        """Show ``people`` (a fresh read replaces the list; it is short)."""
        fresh = list(people)
        if fresh == self._people:
            return
        self.beginResetModel()
        self._people = fresh
        self.endResetModel()

    def people(self) -> list[Person]:
        """Return the people shown."""
        return list(self._people)

    def row_of(self, name: str) -> int:
        """Return the row of ``name``, or -1."""
        return next((row for row, p in enumerate(self._people) if p.name == name), -1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._people)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._people):
            return None
        person = self._people[index.row()]
        column = index.column()
        if role == PERSON_ROLE:
            return person
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return (person.name, person.role.value, person.added_by)[column]
        if role == SORT_ROLE:
            values: tuple[Any, ...] = (person.name.casefold(), _ROLE_ORDER[person.role])
            return (*values, person.added_by.casefold())[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            added = person.added_at.strftime("%Y-%m-%d %H:%M UTC")
            return f"{person.name}: {person.role.value}, added by {person.added_by} on {added}"
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

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )
