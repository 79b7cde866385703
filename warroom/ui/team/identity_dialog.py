"""Ask "who are you?" on first start and from File > Switch user…"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from warroom.domain.errors import ValidationError
from warroom.domain.people import Role
from warroom.services.preferences import Identity, validate_identity

ROLE_HINTS = {
    Role.LEAD: "Lead: runs the room, releases statements",
    Role.COMMS: "Comms: drafts statements",
    Role.APPROVER: "Approver: legal/management sign-off",
    Role.SCRIBE: "Scribe: keeps the timeline",
    Role.VIEWER: "Viewer: watches",
}


class IdentityDialog(QDialog):
    """Ask for a name and a role; everything you do is logged under that name."""

    def __init__(self, current: Identity | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityDialog")
        self.setWindowTitle("Who is at this workstation?")
        form = QFormLayout(self)
        intro = QLabel("Everything you log, draft or approve is recorded under this name.")
        intro.setWordWrap(True)
        form.addRow(intro)
        self.name_edit = QLineEdit(current.name if current else "")
        self.name_edit.setObjectName("identityName")
        self.name_edit.setAccessibleName("Your name")
        self.name_edit.setPlaceholderText("e.g. Dana Reyes")
        form.addRow("&Name:", self.name_edit)
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("identityRole")
        self.role_combo.setAccessibleName("Your role")
        for role in Role:
            self.role_combo.addItem(ROLE_HINTS[role], role.value)
        roles = [role.value for role in Role]
        if current and current.role in roles:
            self.role_combo.setCurrentIndex(roles.index(current.role))
        form.addRow("&Role:", self.role_combo)
        self.problem = QLabel("")
        self.problem.setObjectName("identityProblem")
        form.addRow(self.problem)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        form.addRow(self.buttons)
        self.name_edit.textChanged.connect(self._check)
        self._check()

    def identity(self) -> Identity:
        """Return the identity entered (valid once the dialog was accepted)."""
        return validate_identity(self.name_edit.text(), str(self.role_combo.currentData()))

    def _check(self) -> None:
        try:
            self.identity()
        except ValidationError as error:
            self.problem.setText(str(error))
            ok = False
        else:
            self.problem.setText("")
            ok = True
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)
