"""The drafts pane: the incident's statements, the editor, and the approval workflow.

Every service call goes through the task runner. Unsaved text is never thrown away: it
survives live refreshes, switching statements (kept per statement) and save conflicts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.channels import Channel
from warroom.domain.errors import ConflictError, WarRoomError
from warroom.domain.incidents import Incident
from warroom.domain.statements import Statement, fill_placeholders, placeholders_in
from warroom.services import Services
from warroom.ui.drafts.banner import DraftsBanner
from warroom.ui.drafts.editor import EditorContent, content_of, same_content
from warroom.ui.drafts.model import StatementListModel, StatementRole
from warroom.ui.drafts.panel import StatementPanel, WorkflowActions, action_button, make_action
from warroom.ui.drafts.release_preview import ReleasePreviewDialog
from warroom.ui.drafts.rules import heading_text, pane_refusals, reason_lines, state_badge
from warroom.ui.drafts.snapshot import DraftsSnapshot, load_snapshot
from warroom.ui.drafts.template_form import PlaceholderDialog, TemplateDialog
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)


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
        self.placeholder_dialog: PlaceholderDialog | None = None
        self._build()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        self.new_action = make_action(self, "&New draft", "Ctrl+Shift+N", "Write a new statement")
        self.template_action = make_action(
            self, "New draft from &template…", "Ctrl+Shift+T", "Start from a playbook template"
        )
        self.fill_action = make_action(
            self, "&Fill placeholders…", "Ctrl+Shift+F", "Fill the {placeholders} left in the text"
        )
        self.fill_action.triggered.connect(self.open_placeholder_dialog)
        self.workflow = WorkflowActions(self)
        self.save_action = self.workflow.save
        self.submit_action = self.workflow.submit
        self.approve_action = self.workflow.approve
        self.reject_action = self.workflow.reject
        self.release_action = self.workflow.release
        self.new_action.triggered.connect(self.new_draft)
        self.template_action.triggered.connect(self.open_template_dialog)
        self.save_action.triggered.connect(self.save)
        self.submit_action.triggered.connect(self.submit)
        self.approve_action.triggered.connect(self.approve)
        self.reject_action.triggered.connect(self.open_reject_dialog)
        self.release_action.triggered.connect(self.open_release_preview)

        self.banner = DraftsBanner(self)
        self.banner.load_requested.connect(self.load_their_version)
        self.message = self.banner.label
        self.load_theirs_button = self.banner.load_button

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

        self.panel = StatementPanel(self.workflow.all(), self)
        self.tabs = self.panel
        self.editor = self.panel.editor
        self.history = self.panel.history
        self.reasons = self.panel.reasons
        self.heading = self.panel.heading
        self.editor.content_changed.connect(self._content_changed)

        top = QHBoxLayout()
        top.addWidget(action_button(self, self.new_action))
        top.addWidget(action_button(self, self.template_action))
        top.addWidget(action_button(self, self.fill_action))
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 3)
        # Keep about five statements visible whatever the theme's font size: a fixed pixel
        # size collapsed the list to one row under the larger dark-theme font.
        self.list_view.setMinimumHeight(self.list_view.fontMetrics().height() * 7)
        splitter.setSizes([100, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        self._update_actions()

    # -- the agreed interface -----------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Ask for room in proportion to use, so a splitter shares space sensibly."""
        return QSize(560, 460)

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
            self.fill_action,
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
        if fresh is not None and self._base is not None and fresh.version >= self._base.version:
            # (An older copy is a read that started before our own save landed: ignore it.)
            if not self.is_dirty():
                self._base = fresh
                if not same_content(self.editor.content(), content_of(fresh)):
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
                if self._base is not None and self._base.version != statement.version:
                    self._changed_elsewhere(statement)
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
        refusal = (
            f"{str(error).rstrip('.')}. Your text is kept in the editor; "
            "'Load their version' replaces it with theirs."
        )
        self._show_conflict(refusal, statement_id)

        def reread(fresh: Statement) -> None:
            self._changed_elsewhere(fresh, refusal=refusal)
            self.refresh()  # after, so the refusal is what the person reads first

        self._run(lambda: self._services.statements.get(statement_id), reread)

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

    def open_placeholder_dialog(self) -> None:
        """Ask for values of the placeholders still in the editor and fill them in."""
        content = self.editor.content()
        names = placeholders_in(content.subject + "\n" + content.text)
        if not names or not self.fill_action.isEnabled():
            return
        dialog = PlaceholderDialog(names, self)

        def fill() -> None:
            values = dialog.values()
            now = self.editor.content()
            self.editor.load(
                replace(
                    now,
                    subject=fill_placeholders(now.subject, values),
                    text=fill_placeholders(now.text, values),
                )
            )
            self.editor.text.setFocus()

        dialog.accepted.connect(fill)
        dialog.finished.connect(dialog.deleteLater)
        self.placeholder_dialog = dialog
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
            text = f"{str(error).rstrip('.')}. Your text is kept in the editor."
            self._show_conflict(text, self._current)
            return
        if isinstance(error, WarRoomError):
            self._show_error_text(str(error))
        else:
            log.error("drafts pane: unexpected failure", exc_info=error)
            self._show_error_text(f"unexpected error: {error}")

    def _show_error_text(self, text: str) -> None:
        self.banner.show_error(text)
        self.status_message.emit(text)

    def _show_conflict(self, text: str, statement_id: int | None) -> None:
        self._conflict_id = statement_id
        self.banner.show_error(text, conflict=True)
        self.status_message.emit(text)

    def _show_info(self, text: str) -> None:
        self.banner.show_info(text)
        self.status_message.emit(text)

    def _hide_message(self) -> None:
        self._conflict_id = None
        self.banner.clear_message()

    def _update_actions(self) -> None:
        statement = self.current_statement()
        dirty = self.is_dirty()
        refusals = pane_refusals(
            self._incident,
            self._snapshot,
            statement,
            self._actor,
            new_mode=self._new_mode,
            dirty=dirty,
        )
        busy = "busy: waiting for the last action to finish" if self._pending else None
        save_refusal = refusals.edit or (None if dirty else "nothing to save")
        self.workflow.apply(refusals, busy=busy, save_refusal=save_refusal)
        has_incident = self._incident is not None and self._incident.is_open
        self.new_action.setEnabled(has_incident)
        templates = self._snapshot.templates if self._snapshot else ()
        self.template_action.setEnabled(has_incident and bool(templates))
        editable = (self._new_mode or self._base is not None) and refusals.edit is None
        content = self.editor.content()
        fillable = bool(placeholders_in(content.subject + "\n" + content.text))
        self.fill_action.setEnabled(fillable and editable)
        self.editor.setEnabled(self._new_mode or self._base is not None)
        self.editor.set_read_only(not editable)
        deliveries = (
            self._snapshot.deliveries.get(statement.id, ())
            if self._snapshot is not None and statement is not None
            else ()
        )
        self.panel.show_reasons(
            reason_lines(statement, refusals, new_mode=self._new_mode, deliveries=deliveries)
        )
        self.heading.setText(heading_text(statement, self._incident, new_mode=self._new_mode))
