"""Tools > People and roles…: who is in the war room and what each may do.

The same use cases as ``warroom person add|remove|list``, through the task runner. Every
change is checked by the service (leads only, the first person a lead, never the last lead);
a refusal is shown as its one line. For someone who may not manage people the form is
disabled and says why, so nobody has to try first to find out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.changes import Area, Changes
from warroom.domain.people import Action, Person, Role
from warroom.services.people import PeopleService
from warroom.ui.shell.background_dialog import (
    ERROR_STYLE,
    INFO_STYLE,
    OK_STYLE,
    BackgroundDialog,
)
from warroom.ui.shell.main_window import MainWindow
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.team.people_model import COL_NAME, PERSON_ROLE, PeopleModel

log = logging.getLogger(__name__)
T = TypeVar("T")

ENFORCEMENT_HELP = "Roles are enforced once someone is registered; the first person must be a lead."

_Index = QModelIndex | QPersistentModelIndex
_State = tuple[list[Person], bool, str | None]


class PeopleDialog(BackgroundDialog):
    """A table of people above a form that adds one or changes their role."""

    def __init__(
        self,
        people: PeopleService,
        runner: TaskRunner,
        actor: Callable[[], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(runner, parent)
        self.setObjectName("peopleDialog")
        self.setWindowTitle("People and roles")
        self._people = people
        self._actor = actor
        self._pending = False
        self._refusal: str | None = None
        self.model = PeopleModel(self)
        self._build()
        self._apply_permission()
        self.resize(620, 520)

    # -- building ------------------------------------------------------------------------------

    def _build(self) -> None:
        self.enforcement_label = QLabel(self)
        self.enforcement_label.setObjectName("enforcementLabel")
        self.enforcement_label.setWordWrap(True)

        self.view = QTableView(self)
        self.view.setObjectName("peopleView")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().hide()
        self.view.setAlternatingRowColors(True)
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.view.setAccessibleName("People")
        self.view.selectionModel().currentRowChanged.connect(self._row_changed)

        box = QGroupBox("Add a person or change their role", self)
        form = QFormLayout(box)
        self.name_edit = QLineEdit(box)
        self.name_edit.setObjectName("personName")
        self.name_edit.setPlaceholderText("the name they act as (--as)")
        self.name_edit.setAccessibleName("Name")
        self.role_combo = QComboBox(box)
        self.role_combo.setObjectName("personRole")
        self.role_combo.setAccessibleName("Role")
        for role in Role:
            self.role_combo.addItem(role.value, role.value)
        form.addRow("&Name:", self.name_edit)
        form.addRow("&Role:", self.role_combo)
        buttons = QHBoxLayout()
        self.save_button = QPushButton("&Save", box)
        self.save_button.setObjectName("savePerson")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Re&move", box)
        self.remove_button.setObjectName("removePerson")
        self.remove_button.clicked.connect(self.remove)
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.save_button)
        form.addRow(buttons)
        self.name_edit.returnPressed.connect(self.save)

        self.permission_label = QLabel(self)
        self.permission_label.setObjectName("permissionLabel")
        self.permission_label.setWordWrap(True)
        self.permission_label.hide()
        self.result_label = QLabel(self)
        self.result_label.setObjectName("resultLabel")
        self.result_label.setWordWrap(True)
        self.result_label.hide()

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.enforcement_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.permission_label)
        layout.addWidget(box)
        layout.addWidget(self.result_label)
        layout.addWidget(close)
        self._form = box

    # -- reading -------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Re-read the people, whether roles are enforced and what the actor may do."""
        people, actor = self._people, self._actor()

        def read() -> _State:
            return (
                people.all(),
                people.enforcing(),
                people.refusal(actor, Action.MANAGE_PEOPLE),
            )

        def shown(state: _State) -> None:
            if actor != self._actor():
                return  # the user was switched meanwhile; a newer read is on its way
            self.show_state(*state)

        self._run(read, shown)

    def show_state(self, people: list[Person], enforcing: bool, refusal: str | None) -> None:
        """Show the people, the enforcement note and whether the form may be used."""
        selected = self.selected_name()
        self.model.set_people(people)
        if selected:
            self.select_person(selected)
        if enforcing:
            count = len(people)
            who = "1 person is" if count == 1 else f"{count} people are"
            text = f"<b>Roles are enforced</b>: {who} registered. {ENFORCEMENT_HELP}"
        else:
            text = f"<b>Roles are not enforced yet</b>: nobody is registered. {ENFORCEMENT_HELP}"
        self.enforcement_label.setText(text)
        self.enforcement_label.setAccessibleName(self.enforcement_label.text())
        if refusal != self._refusal:
            self.result_label.hide()  # an outcome of someone else's (or an older) permission
        self._refusal = refusal
        self._apply_permission()

    def enforcement_text(self) -> str:
        """Return the enforcement note as plain text (for people and tests)."""
        return self.enforcement_label.text().replace("<b>", "").replace("</b>", "")

    def refusal_text(self) -> str | None:
        """Return why the acting person may not manage people (None: they may)."""
        return self._refusal

    def _apply_permission(self) -> None:
        allowed = self._refusal is None
        for widget in (self.name_edit, self.role_combo, self.save_button, self.remove_button):
            widget.setEnabled(allowed and not self._pending)
            widget.setToolTip("" if allowed else self._refusal or "")
        self._form.setToolTip("" if allowed else self._refusal or "")
        if allowed:
            self.permission_label.hide()
        else:
            self.permission_label.setText(f"Read only: {self._refusal}.")
            self.permission_label.setAccessibleName(self.permission_label.text())
            self.permission_label.setStyleSheet(
                f"QLabel {{ {INFO_STYLE}; border-radius:3px; padding:4px }}"
            )
            self.permission_label.show()

    # -- the table -----------------------------------------------------------------------------

    def selected_name(self) -> str:
        """Return the name of the selected person ('' if none)."""
        index = self.view.currentIndex()
        person = index.data(PERSON_ROLE) if index.isValid() else None
        return person.name if isinstance(person, Person) else ""

    def select_person(self, name: str) -> None:
        """Select ``name``'s row (if shown) and fill the form from it."""
        row = self.model.row_of(name)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, COL_NAME))

    def _row_changed(self, current: _Index, _previous: _Index) -> None:
        person = current.data(PERSON_ROLE) if current.isValid() else None
        if isinstance(person, Person):
            self.name_edit.setText(person.name)
            self.select_role(person.role)

    def role(self) -> Role:
        """Return the role chosen in the form."""
        return Role.parse(str(self.role_combo.currentData()))

    def select_role(self, role: Role) -> None:
        """Choose ``role`` in the form."""
        self.role_combo.setCurrentIndex(self.role_combo.findData(role.value))

    # -- changes -------------------------------------------------------------------------------

    def save(self) -> None:
        """Add the person in the form, or change their role."""
        if self._pending or self._refusal is not None:
            return
        name, role, actor, people = self.name_edit.text(), self.role(), self._actor(), self._people
        self._set_pending(True, f"Saving {name.strip() or 'the person'}…")

        def saved(person: Person) -> None:
            self._set_pending(False)
            self._show_result(f"Saved: {person.name} is {_article(person.role)}.", OK_STYLE)
            self.refresh()

        self._run(lambda: people.put(name, role, actor), saved, self._failed)

    def remove(self) -> None:
        """Remove the person named in the form from the war room."""
        if self._pending or self._refusal is not None:
            return
        name, actor, people = self.name_edit.text(), self._actor(), self._people
        if not name.strip():
            self._show_result("Choose or name the person to remove.", ERROR_STYLE)
            return
        self._set_pending(True, f"Removing {name.strip()}…")

        def removed(person: Person) -> None:
            self._set_pending(False)
            self.name_edit.clear()
            self._show_result(f"Removed {person.name} ({person.role.value}).", OK_STYLE)
            self.refresh()

        self._run(lambda: people.remove(name, actor), removed, self._failed)

    def _failed(self, error: Exception) -> None:
        self._set_pending(False)
        text = " ".join(str(error).split()) or type(error).__name__
        self._show_result(f"✗ {text}", ERROR_STYLE)
        self.refresh()  # a refusal may mean the roles changed under us

    def _set_pending(self, pending: bool, text: str = "") -> None:
        self._pending = pending
        self._apply_permission()
        if pending:
            self._show_result(text, INFO_STYLE)


def _article(role: Role) -> str:
    return f"{'an' if role.value[0] in 'aeiou' else 'a'} {role.value}"


class PeopleAction(QObject):
    """Tools > People and roles…: opens one dialog and keeps it fresh while it is open.

    A child of the window, so it lives (and its connections stay) as long as the window.
    """

    def __init__(self, window: MainWindow, people: PeopleService) -> None:
        super().__init__(window)
        self._window = window
        self._people = people
        self.dialog: PeopleDialog | None = None
        self.action = QAction("&People and roles…", window)
        self.action.setObjectName("peopleAction")
        self.action.triggered.connect(self.open_dialog)
        window.add_tools_action(self.action)
        window.data_changed.connect(self._data_changed)
        window.identity_changed.connect(self._refresh)

    def open_dialog(self) -> PeopleDialog:
        """Open the dialog (or raise the one already open) and read the people."""
        if self.dialog is not None:
            self.dialog.raise_()
            self.dialog.activateWindow()
            return self.dialog
        window = self._window
        dialog = PeopleDialog(self._people, window.runner, lambda: window.identity.name, window)
        dialog.finished.connect(self._closed)
        self.dialog = dialog
        dialog.open()
        dialog.refresh()
        return dialog

    def _data_changed(self, changes: Changes) -> None:
        if changes.touches([Area.PEOPLE]):
            self._refresh(changes)

    def _refresh(self, _change: object) -> None:
        if self.dialog is not None:
            self.dialog.refresh()

    def _closed(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.deleteLater()


def install_people_action(window: MainWindow, people: PeopleService) -> PeopleAction:
    """Add Tools > People and roles… to ``window``."""
    return PeopleAction(window, people)
