"""R in the inbox: answer an item in its thread, with a text or a reply template.

The answer becomes a statement of the item's incident (``services.inbox_replies.reply``):
it goes through that incident's approvals (a playbook's lighter quorum for replies), or
none for a signed-off, fresh template used word for word. The dialog only collects the text
or the template and its values; the item's own words are shown as plain text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.inbox import InboxItem
from warroom.domain.playbooks import StatementTemplate
from warroom.domain.statements import fill_placeholders, placeholders_in
from warroom.ui.drafts.template_form import placeholder_label, sign_off_text
from warroom.ui.inbox.presentation import author_text, one_line

#: The placeholder a reply template gets from the item itself (its author's name).
AUTHOR_PLACEHOLDER = "name"


@dataclass(frozen=True, slots=True)
class ReplyRequest:
    """What the person asked for: a text, or a template with values."""

    text: str = ""
    template_key: str | None = None
    values: dict[str, str] = field(default_factory=dict)


class ReplyDialog(QDialog):
    """Write an answer or choose a reply template of the incident's playbook."""

    def __init__(
        self,
        item: InboxItem,
        templates: Sequence[StatementTemplate],
        today: date,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxReplyDialog")
        self.setWindowTitle(f"Reply to inbox item #{item.id}")
        self._item = item
        self._templates = list(templates)
        self._today = today
        self.fields: dict[str, QLineEdit] = {}

        quoted = QLabel(f"{author_text(item)}: {one_line(item.text, 280)}", self)
        quoted.setTextFormat(Qt.TextFormat.PlainText)  # outside text: never rich text
        quoted.setWordWrap(True)
        quoted.setObjectName("inboxReplyQuote")
        self.picker = QComboBox(self)
        self.picker.setObjectName("inboxReplyTemplate")
        self.picker.setAccessibleName("Reply template")
        self.picker.addItem("Write the reply", None)
        for template in self._templates:
            self.picker.addItem(template.name, template.key)
        self.picker.setEnabled(bool(self._templates))
        if not self._templates:
            self.picker.setToolTip("the incident's playbook has no reply templates")
        self.sign_off = QLabel("", self)
        self.sign_off.setWordWrap(True)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setObjectName("inboxReplyText")
        self.text_edit.setAccessibleName("Reply text")
        self.text_edit.setPlaceholderText("The answer, posted in the item's thread once approved")
        self.form_host = QWidget(self)
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        note = QLabel("It goes through the incident's approvals before it is sent.", self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.submit_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.submit_button.setText("Submit reply")
        self.submit_button.setObjectName("inboxReplySubmit")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        top = QFormLayout()
        top.addRow("&Template:", self.picker)
        top.addRow("", self.sign_off)
        layout = QVBoxLayout(self)
        layout.addWidget(quoted)
        layout.addLayout(top)
        layout.addWidget(self.form_host)
        layout.addWidget(self.text_edit, 1)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.picker.currentIndexChanged.connect(self._template_chosen)
        self.text_edit.textChanged.connect(self._update_button)
        self._template_chosen()
        self.resize(520, 360)

    def template(self) -> StatementTemplate | None:
        """Return the template chosen (None: a written reply)."""
        key = self.picker.currentData()
        return next((t for t in self._templates if t.key == key), None)

    def request(self) -> ReplyRequest:
        """Return what to ask the service for."""
        template = self.template()
        if template is None:
            return ReplyRequest(text=self.text_edit.toPlainText())
        values = {n: e.text().strip() for n, e in self.fields.items() if e.text().strip()}
        return ReplyRequest(template_key=template.key, values=values)

    def _template_chosen(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.fields.clear()
        template = self.template()
        self.text_edit.setReadOnly(template is not None)
        if template is None:
            self.sign_off.setText("")
            self.text_edit.clear()
            self._update_button()
            return
        self.sign_off.setText(sign_off_text(template, self._today))
        for name in placeholders_in(template.text):
            if name == AUTHOR_PLACEHOLDER:
                continue  # filled from the item's author by the service
            edit = QLineEdit(self.form_host)
            edit.setObjectName(f"inboxReplyValue_{name}")
            edit.setAccessibleName(placeholder_label(name))
            edit.setPlaceholderText("{" + name + "}")
            edit.textChanged.connect(self._show_template_text)
            self.form.addRow(placeholder_label(name) + ":", edit)
            self.fields[name] = edit
        self._show_template_text()

    def _show_template_text(self) -> None:
        template = self.template()
        if template is None:
            return
        author = self._item.author
        values = {AUTHOR_PLACEHOLDER: author.name or author.handle}
        values.update({n: e.text().strip() for n, e in self.fields.items() if e.text().strip()})
        self.text_edit.setPlainText(fill_placeholders(template.text, values))
        self._update_button()

    def _update_button(self) -> None:
        template = self.template()
        if template is None:
            ready = bool(self.text_edit.toPlainText().strip())
            why = "" if ready else "write the reply first"
        else:
            missing = [n for n in placeholders_in(self.text_edit.toPlainText())]
            ready = not missing
            why = "" if ready else "fill " + ", ".join("{" + n + "}" for n in missing)
        self.submit_button.setEnabled(ready)
        self.submit_button.setToolTip(why)
