"""The drafts pane: the incident's statements, the editor, and the approval workflow.

Every service call goes through the task runner. Unsaved text is never thrown away: it
survives live refreshes, switching statements (kept per statement) and save conflicts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel
from warroom.domain.errors import ConflictError, WarRoomError
from warroom.domain.incidents import Incident
from warroom.domain.statements import Statement, StatementState
from warroom.services import Services
from warroom.ui.drafts_editor import EditorContent, StatementEditor, content_of, same_content
from warroom.ui.drafts_model import StatementListModel, StatementRole, state_badge
from warroom.ui.drafts_snapshot import DraftsSnapshot, Refusals, load_snapshot
from warroom.ui.release_preview import ReleasePreviewDialog
from warroom.ui.revision_history import RevisionHistoryView
from warroom.ui.tasks import TaskRunner
from warroom.ui.template_form import TemplateDialog

log = logging.getLogger(__name__)

_ERROR_STYLE = "background:#fde2e2; color:#7a0010; border:1px solid #e0a0a0; padding:4px"
_INFO_STYLE = "background:#e6f0fb; color:#0b3a6b; border:1px solid #a8c4e6; padding:4px"
_UNSAVED = "save your changes first: approvals bind to the saved text"


def _action(parent: QWidget, text: str, shortcut: str, tip: str) -> QAction:
    action = QAction(text, parent)
    action.setShortcut(QKeySequence(shortcut))
    action.setStatusTip(tip)
    action.setToolTip(tip)
    parent.addAction(action)
    return action


class DraftsPane(QWidget):
    """Write, review, approve and release an incident's statements."""

    status_message = Signal(str)

    def __init__(
        self, services: Services, runner: TaskRunner, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("draftsPane")
        self.setAccessibleName("Drafts")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._incident: Incident | None = None
        self._snapshot: DraftsSnapshot | None = None
        self._current: int | None = None  # selected statement id
        self._new_mode = False  # editing a draft that is not saved yet
        self._base: Statement | None = None  # what the editor's text was loaded from
        self._buffers: dict[int, tuple[EditorContent, Statement | None]] = {}
        self._generation = 0
        self._pending = 0
        self._syncing = False
        self._conflict_id: int | None = None
        self._seen_version = 0  # newest version of the edited statement already reported
        self.release_dialog: ReleasePreviewDialog | None = None
        self.template_dialog: TemplateDialog | None = None
        self.reject_dialog: QInputDialog | None = None
        self._build()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        self.new_action = _action(self, "&New draft", "Ctrl+Shift+N", "Write a new statement")
        self.template_action = _action(
            self, "New draft from &template…", "Ctrl+Shift+T", "Start from a playbook template"
        )
        self.save_action = _action(self, "&Save draft", "Ctrl+S", "Save the statement")
        self.submit_action = _action(self, "S&ubmit for review", "Ctrl+Shift+U", "Ask for approval")
        self.approve_action = _action(self, "&Approve", "Ctrl+Shift+A", "Approve this exact text")
        self.reject_action = _action(self, "&Reject…", "Ctrl+Shift+J", "Send back with a reason")
        self.release_action = _action(self, "Re&lease…", "Ctrl+Shift+L", "Preview, then release")
        self.new_action.triggered.connect(self.new_draft)
        self.template_action.triggered.connect(self.open_template_dialog)
        self.save_action.triggered.connect(self.save)
        self.submit_action.triggered.connect(self.submit)
        self.approve_action.triggered.connect(self.approve)
        self.reject_action.triggered.connect(self.open_reject_dialog)
        self.release_action.triggered.connect(self.open_release_preview)

        self.message = QLabel(self)
        self.message.setObjectName("draftsMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.load_theirs_button = QPushButton("Load &their version", self)
        self.load_theirs_button.setObjectName("loadTheirVersion")
        self.load_theirs_button.clicked.connect(self.load_their_version)
        self.message_frame = QFrame(self)
        banner = QHBoxLayout(self.message_frame)
        banner.setContentsMargins(0, 0, 0, 0)
        banner.addWidget(self.message, 1)
        banner.addWidget(self.load_theirs_button)
        self.message_frame.hide()

        self.list_model = StatementListModel(self)
        self.list_view = QTreeView(self)
        self.list_view.setObjectName("draftsList")
        self.list_view.setAccessibleName("Statements")
        self.list_view.setModel(self.list_model)
        self.list_view.setRootIsDecorated(False)
        self.list_view.setUniformRowHeights(True)
        self.list_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        header = self.list_view.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.list_view.selectionModel().currentRowChanged.connect(self._row_changed)

        self.editor = StatementEditor(self)
        self.editor.content_changed.connect(self._content_changed)
        buttons = QHBoxLayout()
        for action in (
            self.save_action,
            self.submit_action,
            self.approve_action,
            self.reject_action,
            self.release_action,
        ):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.reasons = QLabel(self)
        self.reasons.setObjectName("draftsReasons")
        self.reasons.setAccessibleName("Why actions are unavailable")
        self.reasons.setWordWrap(True)
        self.reasons.setTextFormat(Qt.TextFormat.PlainText)
        # Explicit colours on both sides: readable in the light and the dark theme alike.
        self.reasons.setStyleSheet(
            "QLabel { color:#5a3d00; background:#fff4d6; border-radius:3px; padding:3px }"
            "QLabel[empty='true'] { background:transparent; padding:0 }"
        )
        edit_page = QWidget(self)
        edit_layout = QVBoxLayout(edit_page)
        self.heading = QLabel(self)
        self.heading.setObjectName("draftHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        edit_layout.addWidget(self.heading)
        edit_layout.addWidget(self.editor, 1)
        edit_layout.addLayout(buttons)
        edit_layout.addWidget(self.reasons)
        self.history = RevisionHistoryView(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(edit_page, "&Edit")
        self.tabs.addTab(self.history, "&History")

        top = QHBoxLayout()
        for action in (self.new_action, self.template_action):
            button = QToolButton(self)
            button.setDefaultAction(action)
            button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
            top.addWidget(button)
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.tabs)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([140, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message_frame)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._update_actions()

    # -- the agreed interface -----------------------------------------------------------
    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident``'s statements (None: show nothing).

        The same incident again (e.g. with fresh details) only refreshes: work is kept.
        """
        if incident is not None and self._incident is not None and incident.id == self._incident.id:
            self._incident = incident
            self.refresh()
            return
        self._stash()
        self._incident = incident
        self._snapshot = None
        self._current, self._base, self._new_mode = None, None, False
        self._generation += 1
        self._syncing = True
        self.list_model.set_statements([], 1)
        self._syncing = False
        self.history.set_revisions([])
        self.editor.load(EditorContent())
        self._hide_message()
        self._update_actions()
        if incident is not None:
            self.refresh()

    def refresh(self) -> None:
        """Reload in the background; unsaved text and the selection stay as they are."""
        if self._incident is None:
            return
        self._generation += 1
        generation, incident_id, actor = self._generation, self._incident.id, self._actor
        self._runner.run(
            lambda: load_snapshot(self._services, incident_id, actor),
            lambda snapshot: self._snapshot_loaded(generation, snapshot),
            self._show_error,
        )

    def set_actor(self, actor: str) -> None:
        """Act as ``actor`` from now on (who may approve depends on it)."""
        self._actor = actor
        self._update_actions()
        self.refresh()

    def menu_actions(self) -> list[QAction]:
        """Return the pane's actions for the window's menu, with their shortcuts."""
        return [
            self.new_action,
            self.template_action,
            self.save_action,
            self.submit_action,
            self.approve_action,
            self.reject_action,
            self.release_action,
        ]

    # -- reading ------------------------------------------------------------------------
    def current_statement(self) -> Statement | None:
        """Return the selected statement as last read (None for a new, unsaved draft)."""
        if self._snapshot is None or self._current is None:
            return None
        return self._snapshot.statement(self._current)

    def select_statement(self, statement_id: int) -> None:
        """Select the statement with that id, if it is shown."""
        row = self.list_model.row_of(statement_id)
        if row >= 0:
            self.list_view.setCurrentIndex(self.list_model.index(row, 0))

    def is_dirty(self) -> bool:
        """Tell whether the editor holds text that is not saved."""
        content = self.editor.content()
        if self._new_mode:
            return bool(content.text.strip())
        if self._base is None:
            return False
        return not same_content(content, content_of(self._base))

    def _snapshot_loaded(self, generation: int, snapshot: DraftsSnapshot) -> None:
        if generation != self._generation or self._incident is None:
            return
        if snapshot.incident.id != self._incident.id:
            return
        self._snapshot = snapshot
        self._incident = snapshot.incident
        self._syncing = True
        try:
            self.list_model.set_statements(
                snapshot.statements, snapshot.incident.approvals_required
            )
            self.editor.set_channels(list(snapshot.channels))
            if self._current is not None:
                row = self.list_model.row_of(self._current)
                if row >= 0:
                    self.list_view.setCurrentIndex(self.list_model.index(row, 0))
        finally:
            self._syncing = False
        fresh = self.current_statement()
        if fresh is not None and self._base is not None:
            if not self.is_dirty():
                self._base = fresh
                if self.editor.content() != content_of(fresh):
                    self.editor.load(content_of(fresh))
            elif fresh.version != self._base.version:
                self._changed_elsewhere(fresh)
            if self.history.model.rowCount() != fresh.revision:
                self._load_revisions(fresh.id)
        if snapshot.template_problem:
            self._show_error_text(snapshot.template_problem)
        self._update_actions()

    def _load_revisions(self, statement_id: int) -> None:
        def shown(revisions: list[Any]) -> None:
            if self._current == statement_id:
                self.history.set_revisions(revisions)

        self._runner.run(
            lambda: self._services.statements.revisions(statement_id), shown, self._show_error
        )

    # -- selection and unsaved buffers --------------------------------------------------
    def _buffer_key(self) -> int | None:
        if self._new_mode and self._incident is not None:
            return -self._incident.id
        return self._current

    def _stash(self) -> None:
        key = self._buffer_key()
        if key is None:
            return
        if self.is_dirty():
            self._buffers[key] = (self.editor.content(), self._base)
        else:
            self._buffers.pop(key, None)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        statement = current.data(StatementRole) if current.isValid() else None
        new_id = statement.id if isinstance(statement, Statement) else None
        if new_id == self._current and not self._new_mode:
            return
        self._stash()
        self._new_mode = False
        self._open_statement(statement if isinstance(statement, Statement) else None)

    def _open_statement(self, statement: Statement | None) -> None:
        self._current = statement.id if statement else None
        self._base = statement
        self._seen_version = 0
        self._hide_message()
        if statement is None:
            self.editor.load(EditorContent())
            self.history.set_revisions([])
        else:
            saved = self._buffers.pop(statement.id, None)
            if saved is not None:
                content, self._base = saved
                self.editor.load(content)
            else:
                self.editor.load(content_of(statement))
            self._load_revisions(statement.id)
        self._update_actions()

    def _content_changed(self) -> None:
        unsaved = {key for key in self._buffers if key > 0}
        if self._current is not None and not self._new_mode and self.is_dirty():
            unsaved.add(self._current)
        self.list_model.set_unsaved(unsaved)
        self._update_actions()

    # -- actions ------------------------------------------------------------------------
    def new_draft(self) -> None:
        """Start a new statement in the editor (saved with Save)."""
        if self._incident is None:
            return
        self._stash()
        self._syncing = True
        self.list_view.clearSelection()
        self.list_view.setCurrentIndex(QModelIndex())
        self._syncing = False
        self._current, self._base, self._new_mode = None, None, True
        saved = self._buffers.pop(-self._incident.id, None)
        self.editor.load(saved[0] if saved else EditorContent())
        self.history.set_revisions([])
        self._hide_message()
        self.tabs.setCurrentIndex(0)
        self.editor.text.setFocus()
        self._update_actions()

    def save(self) -> None:
        """Save the editor: a new draft, or a new revision guarded by the version read."""
        if self._incident is None or not self.save_action.isEnabled():
            return
        content, actor, incident_id = self.editor.content(), self._actor, self._incident.id
        statements = self._services.statements
        if self._new_mode:
            self._run(
                lambda: statements.draft(
                    incident_id,
                    content.channel_names,
                    content.text,
                    actor,
                    subject=content.subject,
                    next_update_by=content.next_update_by,
                ),
                lambda s: self._saved(s, content, "drafted"),
            )
            return
        base = self._base
        if base is None:
            return
        self._run(
            lambda: statements.edit(
                base.id,
                actor,
                text=content.text,
                subject=content.subject,
                channel_names=content.channel_names,
                next_update_by=content.next_update_by,
                expected_version=base.version,
            ),
            lambda s: self._saved(s, content, f"saved as revision {s.revision}"),
            lambda error: self._save_failed(error, base.id),
        )

    def _save_failed(self, error: Exception, statement_id: int) -> None:
        if not isinstance(error, ConflictError):
            self._show_error(error)
            return
        refusal = f"Not saved: {error}. Your text is still in the editor."
        self._show_conflict(refusal, statement_id)
        self._run(
            lambda: self._services.statements.get(statement_id),
            lambda fresh: self._changed_elsewhere(fresh, refusal=refusal),
        )

    def _changed_elsewhere(self, fresh: Statement, *, refusal: str = "") -> None:
        """React to a newer copy of the statement being edited, keeping the person's text."""
        base = self._base
        if base is None or self._current != fresh.id or fresh.version == self._seen_version:
            return
        self._seen_version = fresh.version
        if fresh.revision == base.revision:
            # Only its state or approvals changed: the text being edited is still the latest,
            # so the edit can be based on the new copy without overwriting anyone's words.
            self._base = fresh
            required = self._incident.approvals_required if self._incident else 1
            note = (
                f"Statement #{fresh.id} is now {state_badge(fresh, required)} (changed "
                "elsewhere); your unsaved text is kept"
            )
            if fresh.valid_approvals:
                note += "; saving it will void those approvals"
            if refusal:
                note = f"Not saved yet. {note}. Save again to save your text."
            self._show_info(note + ".")
            self._update_actions()
            return
        self._show_conflict(
            refusal
            or (
                f"Statement #{fresh.id} was changed by {fresh.revision_author} since you "
                f"opened it (now revision {fresh.revision}). Your text is kept; saving it "
                "will be refused until you load their version."
            ),
            fresh.id,
        )

    def _saved(self, statement: Statement, content: EditorContent, what: str) -> None:
        if self._new_mode and self._incident is not None:
            self._buffers.pop(-self._incident.id, None)
        self._new_mode = False
        self._current, self._base = statement.id, statement
        self._conflict_id, self._seen_version = None, 0
        # What was typed while the save ran stays in the editor, unsaved.
        if same_content(self.editor.content(), content):
            self.editor.load(content_of(statement))
        self._show_info(f"Statement #{statement.id} {what}")
        self.refresh()

    def load_their_version(self) -> None:
        """After a conflict: replace the editor's text with the version saved elsewhere."""
        statement_id = self._conflict_id or self._current
        if statement_id is None:
            return

        def loaded(statement: Statement) -> None:
            if self._current != statement.id:
                return
            self._base = statement
            self._conflict_id, self._seen_version = None, 0
            self.editor.load(content_of(statement))
            self._show_info(
                f"Loaded revision {statement.revision} of statement #{statement.id} "
                f"by {statement.revision_author}"
            )
            self.refresh()

        self._run(lambda: self._services.statements.get(statement_id), loaded)

    def submit(self) -> None:
        """Send the selected draft for review."""
        self._transition(self.submit_action, "submitted for review", "submit")

    def approve(self) -> None:
        """Approve the selected statement's current text as the acting person."""
        self._transition(self.approve_action, "approved", "approve")

    def _transition(self, action: QAction, what: str, method: str) -> None:
        statement = self.current_statement()
        if statement is None or not action.isEnabled():
            return
        call: Callable[[int, str], Statement] = getattr(self._services.statements, method)
        actor = self._actor
        self._run(lambda: call(statement.id, actor), lambda s: self._done(s, what))

    def _done(self, statement: Statement, what: str) -> None:
        self._show_info(f"Statement #{statement.id} {what} by {self._actor}")
        self.refresh()

    def open_reject_dialog(self) -> None:
        """Ask for a reason, then send the statement back to draft."""
        statement = self.current_statement()
        if statement is None or not self.reject_action.isEnabled():
            return
        dialog = QInputDialog(self)
        dialog.setObjectName("rejectDialog")
        dialog.setWindowTitle(f"Reject statement #{statement.id}")
        dialog.setLabelText("Why? The author will read this:")
        dialog.setOkButtonText("Reject")
        actor, statement_id = self._actor, statement.id

        def rejected(reason: str) -> None:
            self._run(
                lambda: self._services.statements.reject(statement_id, actor, reason),
                lambda s: self._done(s, "sent back to draft"),
            )

        dialog.textValueSelected.connect(rejected)
        dialog.finished.connect(dialog.deleteLater)
        self.reject_dialog = dialog
        dialog.open()

    def open_release_preview(self) -> None:
        """Read the statement and channels afresh, then show what releasing will do."""
        statement = self.current_statement()
        if statement is None or not self.release_action.isEnabled():
            return
        services, statement_id = self._services, statement.id

        def read() -> tuple[Statement, list[Channel]]:
            return services.statements.get(statement_id), services.channels.all()

        self._run(read, lambda pair: self._show_release_preview(*pair))

    def _show_release_preview(self, statement: Statement, channels: list[Channel]) -> None:
        dialog = ReleasePreviewDialog(statement, channels, self)
        actor = self._actor

        def confirmed() -> None:
            self._run(
                lambda: self._services.statements.release(statement.id, actor),
                lambda s: self._done(s, "released to " + ", ".join(s.channel_names)),
            )

        dialog.accepted.connect(confirmed)
        dialog.finished.connect(dialog.deleteLater)
        self.release_dialog = dialog
        dialog.open()

    def open_template_dialog(self) -> None:
        """Pick a playbook template and fill its placeholders into a new draft."""
        snapshot = self._snapshot
        if snapshot is None or not snapshot.templates:
            return
        dialog = TemplateDialog(snapshot.templates, snapshot.today, self)
        incident_id, actor = snapshot.incident.id, self._actor

        def create() -> None:
            template = dialog.template()
            if template is None:
                return
            values = dialog.values()
            self._run(
                lambda: self._services.statements.draft_from_template(
                    incident_id, template.key, values, actor
                ),
                self._drafted_from_template,
            )

        dialog.accepted.connect(create)
        dialog.finished.connect(dialog.deleteLater)
        self.template_dialog = dialog
        dialog.open()

    def _drafted_from_template(self, statement: Statement) -> None:
        self._stash()
        self._new_mode = False
        self._current, self._base = statement.id, statement
        self.editor.load(content_of(statement))
        self._show_info(f"Statement #{statement.id} drafted from template")
        self.refresh()

    # -- running, messages, enabling ----------------------------------------------------
    def _run(
        self,
        function: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[Exception], None] | None = None,
    ) -> None:
        self._pending += 1
        self._update_actions()

        def done(result: Any) -> None:
            self._pending -= 1
            on_done(result)
            self._update_actions()

        def failed(error: Exception) -> None:
            self._pending -= 1
            (on_error or self._show_error)(error)
            self._update_actions()

        self._runner.run(function, done, failed)

    def _show_error(self, error: Exception) -> None:
        if isinstance(error, ConflictError):
            self._show_conflict(
                f"Not saved: {error}. Your text is still in the editor.", self._current
            )
            return
        if isinstance(error, WarRoomError):
            self._show_error_text(str(error))
        else:
            log.error("drafts pane: unexpected failure", exc_info=error)
            self._show_error_text(f"unexpected error: {error}")

    def _show_error_text(self, text: str) -> None:
        self._set_message(text, _ERROR_STYLE, conflict=False)

    def _show_conflict(self, text: str, statement_id: int | None) -> None:
        self._conflict_id = statement_id
        self._set_message(text, _ERROR_STYLE, conflict=True)

    def _show_info(self, text: str) -> None:
        self._set_message(text, _INFO_STYLE, conflict=False)

    def _set_message(self, text: str, style: str, *, conflict: bool) -> None:
        self.message.setText(text)
        self.message_frame.setStyleSheet(f"QFrame {{{style}}}")
        self.message.setAccessibleName(text)
        self.load_theirs_button.setVisible(conflict)
        self.message_frame.show()
        self.status_message.emit(text)

    def _hide_message(self) -> None:
        self._conflict_id = None
        self.message.clear()
        self.message_frame.hide()

    def _refusals(self) -> Refusals:
        closed = self._incident is not None and not self._incident.is_open
        if self._incident is None:
            return Refusals(*(["no incident is open"] * 5))
        if closed:
            return Refusals(*([f"incident {self._incident.id} is closed and read-only"] * 5))
        statement = self.current_statement()
        if self._new_mode:
            none = "save the new draft first"
            return Refusals(None, none, none, none, none)
        if statement is None or self._snapshot is None:
            pick = "choose a statement first"
            return Refusals(pick, pick, pick, pick, pick)
        found = self._snapshot.refusals.get(statement.id, Refusals())
        if self._snapshot.actor != self._actor:
            wait = "checking what you may do…"
            return Refusals(found.edit, found.submit, wait, found.reject, found.release)
        if self.is_dirty():
            return Refusals(found.edit, _UNSAVED, _UNSAVED, found.reject, _UNSAVED)
        return found

    def _update_actions(self) -> None:
        refusals = self._refusals()
        busy = "busy: waiting for the last action to finish" if self._pending else None
        dirty = self.is_dirty()
        save_refusal = refusals.edit or busy or (None if dirty else "nothing to save")
        checks = (
            (self.save_action, save_refusal, "Save the statement"),
            (self.submit_action, refusals.submit or busy, "Send the draft for review"),
            (self.approve_action, refusals.approve or busy, "Approve this exact text"),
            (self.reject_action, refusals.reject or busy, "Send back to draft with a reason"),
            (self.release_action, refusals.release or busy, "Preview what goes out, then release"),
        )
        for action, refusal, tip in checks:
            action.setEnabled(refusal is None)
            action.setToolTip(f"Not now: {refusal}" if refusal else tip)
        has_incident = self._incident is not None and self._incident.is_open
        self.new_action.setEnabled(has_incident)
        templates = self._snapshot.templates if self._snapshot else ()
        self.template_action.setEnabled(has_incident and bool(templates))
        editable = (self._new_mode or self._base is not None) and refusals.edit is None
        self.editor.setEnabled(self._new_mode or self._base is not None)
        self.editor.set_read_only(not editable)
        reasons = self._reason_lines(refusals)
        self.reasons.setText(reasons)
        if self.reasons.property("empty") != (not reasons):
            self.reasons.setProperty("empty", not reasons)
            self.reasons.style().unpolish(self.reasons)
            self.reasons.style().polish(self.reasons)
        self.heading.setText(self._heading_text())

    def _heading_text(self) -> str:
        if self._new_mode:
            return "New statement (not saved yet)"
        statement = self.current_statement()
        if statement is None or self._incident is None:
            return "Choose a statement above, or start a new draft."
        text = (
            f"Statement #{statement.id}: "
            f"{state_badge(statement, self._incident.approvals_required)}; revision "
            f"{statement.revision} by {statement.revision_author}"
        )
        if statement.author != statement.revision_author:
            text += f" (first written by {statement.author})"
        if statement.released_at is not None:
            text += f"; released by {statement.released_by} at "
            text += f"{statement.released_at.astimezone():%H:%M}"
        if statement.template_key:
            text += f"; from template {statement.template_key!r}"
        return text

    def _reason_lines(self, refusals: Refusals) -> str:
        statement = self.current_statement()
        if self._new_mode:
            return "New draft: choose channels, write the text and save (Ctrl+S)."
        if statement is None:
            return ""
        relevant = {
            StatementState.DRAFT: (("Submit", refusals.submit),),
            StatementState.IN_REVIEW: (
                ("Approve", refusals.approve),
                ("Release", refusals.release),
            ),
            StatementState.APPROVED: (("Release", refusals.release),),
            StatementState.RELEASED: (("Edit", refusals.edit),),
        }[statement.state]
        lines = [f"{name}: {reason}" for name, reason in relevant if reason]
        if statement.rejection_reason and statement.state is StatementState.DRAFT:
            lines.insert(0, f"Rejected: {statement.rejection_reason}")
        return "\n".join(lines)
