"""Start a draft from a playbook template: pick it, fill its placeholders, create it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import fill_placeholders, placeholders_in

TEMPLATE_ROLE = Qt.ItemDataRole.UserRole + 1
ModelIndex = QModelIndex | QPersistentModelIndex
_NO_INDEX = QModelIndex()


def sign_off_text(template: StatementTemplate, today: date) -> str:
    """Say who pre-approved the template and whether that sign-off still holds."""
    if not template.signed_off_by:
        return "no pre-approval: the normal approvals apply"
    who = f"signed off by {template.signed_off_by}"
    if template.review_by is None:
        return who
    if template.is_stale(today):
        return f"STALE sign-off: {who}, review by {template.review_by:%Y-%m-%d} has passed"
    return f"{who}, review by {template.review_by:%Y-%m-%d}"


def placeholder_label(name: str) -> str:
    """Return a readable label for a placeholder name, e.g. 'start_time' -> 'Start time'."""
    return name.replace("_", " ").capitalize()


class TemplateListModel(QAbstractListModel):
    """The playbook's statement templates; stale sign-offs are shown in red."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[StatementTemplate] = []
        self._today = date.min

    def set_templates(self, templates: Sequence[StatementTemplate], today: date) -> None:
        """Show ``templates``, judging staleness against ``today``."""
        self.beginResetModel()
        self._rows = list(templates)
        self._today = today
        self.endResetModel()

    def template(self, row: int) -> StatementTemplate | None:
        """Return the template in ``row``, if any."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: ModelIndex = _NO_INDEX) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        template = self._rows[index.row()]
        stale = template.is_stale(self._today)
        if role == TEMPLATE_ROLE:
            return template
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{template.name} (stale sign-off)" if stale else template.name
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{template.name}: {sign_off_text(template, self._today)}"
        if role == Qt.ItemDataRole.ForegroundRole and stale:
            return QBrush(QColor("#b00020"))
        return None


class TemplateDialog(QDialog):
    """Choose a template and fill its placeholders; blanks stay as {placeholders} to fill later."""

    def __init__(
        self,
        templates: Sequence[StatementTemplate],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("templateDialog")
        self.setWindowTitle("New draft from template")
        self.model = TemplateListModel(self)
        self.model.set_templates(templates, today)
        self._today = today
        self.fields: dict[str, QLineEdit] = {}

        self.picker = QComboBox(self)
        self.picker.setObjectName("templatePicker")
        self.picker.setAccessibleName("Template")
        self.picker.setModel(self.model)
        self.sign_off = QLabel(self)
        self.sign_off.setObjectName("templateSignOff")
        self.sign_off.setWordWrap(True)
        self.channels = QLabel(self)
        self.channels.setWordWrap(True)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.PlainText)
        self.preview.setStyleSheet("border:1px solid #9aa3ad; padding:4px")
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)

        top = QFormLayout()
        top.addRow("&Template:", self.picker)
        top.addRow("Sign-off:", self.sign_off)
        top.addRow("Channels:", self.channels)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("Create draft")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(QLabel("Fill the placeholders (leave blank to fill in later):", self))
        layout.addWidget(self.form_host)
        layout.addWidget(self.preview)
        layout.addWidget(buttons)
        self.picker.currentIndexChanged.connect(self._show_template)
        self._show_template(self.picker.currentIndex())
        self.resize(520, self.sizeHint().height())

    def template(self) -> StatementTemplate | None:
        """Return the chosen template."""
        return self.model.template(self.picker.currentIndex())

    def values(self) -> dict[str, str]:
        """Return the placeholders filled in (blank ones are left out)."""
        return {
            name: edit.text().strip() for name, edit in self.fields.items() if edit.text().strip()
        }

    def _show_template(self, row: int) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()
        template = self.model.template(row)
        self.create_button.setEnabled(template is not None)
        if template is None:
            self.sign_off.setText("this playbook has no templates")
            self.channels.clear()
            self.preview.clear()
            return
        stale = template.is_stale(self._today)
        self.sign_off.setText(sign_off_text(template, self._today))
        self.sign_off.setStyleSheet(
            "color:#7a0010; background:#fde2e2; font-weight:bold; padding:2px" if stale else ""
        )
        self.channels.setText(", ".join(template.channels) or "email")
        for name in placeholders_in(template.subject + "\n" + template.text):
            edit = QLineEdit(self.form_host)
            edit.setObjectName(f"placeholder_{name}")
            edit.setAccessibleName(placeholder_label(name))
            edit.setPlaceholderText("{" + name + "}")
            self.form.addRow(placeholder_label(name) + ":", edit)
            self.fields[name] = edit
            edit.textChanged.connect(self._update_preview)
        self._update_preview()

    def _update_preview(self) -> None:
        template = self.template()
        if template is None:
            return
        values = self.values()
        text = fill_placeholders(template.text, values)
        if template.subject:
            text = f"{fill_placeholders(template.subject, values)}\n\n{text}"
        self.preview.setText(text)


class PlaceholderDialog(QDialog):
    """Fill the {placeholders} left in a draft; blanks stay for later."""

    def __init__(self, names: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("placeholderDialog")
        self.setWindowTitle("Fill placeholders")
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name in names:
            edit = QLineEdit(self)
            edit.setObjectName(f"placeholder_{name}")
            edit.setAccessibleName(placeholder_label(name))
            edit.setPlaceholderText("{" + name + "}")
            form.addRow(placeholder_label(name) + ":", edit)
            self.fields[name] = edit
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.fill_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.fill_button.setText("Fill in")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Values replace the placeholders in the editor (not saved yet):"))
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def values(self) -> dict[str, str]:
        """Return the placeholders filled in (blank ones are left out)."""
        return {n: e.text().strip() for n, e in self.fields.items() if e.text().strip()}
