"""The people of the war room as a table: name, role, who added them, their key's fingerprint.

A thin adapter: the dialog reads the people in the background and hands the list over;
``data()`` never touches the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt

from warroom.domain.people import Person, Role
from warroom.ui.shell.row_table_model import Index, RowTableModel

HEADERS = ("Name", "Role", "Added by", "Signing key")
COL_NAME, COL_ROLE, COL_ADDED_BY, COL_KEY = range(len(HEADERS))
PERSON_ROLE = Qt.ItemDataRole.UserRole + 1  # the domain Person
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value to sort by

_ROLE_ORDER = {role: position for position, role in enumerate(Role)}


class PeopleModel(RowTableModel):
    """One row per registered person, in the order given (the service sorts by name)."""

    headers = HEADERS

    def set_people(self, people: Sequence[Person]) -> None:
        """Show ``people``: changed roles in place when the names are the same, else reset."""
        self.replace_rows(people, key=lambda p: p.name)

    def person(self, row: int) -> Person | None:
        """Return the person shown in ``row``."""
        person: Person | None = self.row_object(row)
        return person

    def row_of(self, name: str) -> int:
        """Return the row of ``name``, or -1."""
        return self.find_row(lambda p: p.name == name)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        person: Person | None = self.index_object(index)
        if person is None:
            return None
        column = index.column()
        if role == PERSON_ROLE:
            return person
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            key = person.fingerprint or "none yet"
            return (person.name, person.role.value, person.added_by, key)[column]
        if role == SORT_ROLE:
            name, added_by = person.name.casefold(), person.added_by.casefold()
            return (name, _ROLE_ORDER[person.role], added_by, person.fingerprint)[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            added = person.added_at.strftime("%Y-%m-%d %H:%M UTC")
            text = f"{person.name}: {person.role.value}, added by {person.added_by} on {added}"
            if person.fingerprint:
                text += f"; signing key fingerprint {person.fingerprint}"
            return text
        return None
