"""The drafts pane's widgets: the statement list, the editor panel and the banner.

The state lives in :class:`~warroom.ui.drafts.state.DraftsState` (no Qt); the pane feeds it
events, applies the effects it returns, and sets every action from it. The incident's data
comes from the shared :class:`IncidentView` (one read for every pane, only when the change
feed names statements, channels, the outbox, people or the incident). What the actions do
with the services is in :mod:`warroom.ui.drafts.actions`.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from PySide6.QtCore import QElapsedTimer, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.changes import Area
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.publication import publication
from warroom.domain.statements import Statement
from warroom.services.statements import StatementService
from warroom.ui.drafts.actions import DraftActions
from warroom.ui.drafts.banner import DraftsBanner
from warroom.ui.drafts.kept import KeptDraft
from warroom.ui.drafts.model import STATEMENT_ROLE, StatementListModel
from warroom.ui.drafts.panel import StatementPanel, WorkflowActions, action_button, make_action
from warroom.ui.drafts.release_preview import ReleasePreviewDialog
from warroom.ui.drafts.state import DraftsState, Effects
from warroom.ui.drafts.template_form import PlaceholderDialog, TemplateDialog
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.view_loader import IncidentViewLoader

log = logging.getLogger(__name__)


class DraftsPane(QWidget):
    """Write, review, approve and release an incident's statements."""

    #: The parts of the incident view this pane shows.
    AREAS = frozenset({Area.STATEMENTS, Area.CHANNELS, Area.OUTBOX, Area.PEOPLE, Area.INCIDENT})

    status_message = Signal(str)
    wrote = Signal()  # a write of this pane committed: the window looks at the change feed
    edited = Signal()  # the unsaved text may have changed (the keeper writes it to disk)

    def __init__(
        self,
        statements: StatementService,
        views: IncidentViewLoader,
        runner: TaskRunner,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("draftsPane")
        self.setAccessibleName("Drafts")
        self._views = views
        self.state = DraftsState(actor)
        self._syncing = False
        self.shown_views = 0  # how many views were rendered (tests count refreshes)
        self.release_dialog: ReleasePreviewDialog | None = None
        self.template_dialog: TemplateDialog | None = None
        self.reject_dialog: QInputDialog | None = None
        self.placeholder_dialog: PlaceholderDialog | None = None
        self.void_box: QMessageBox | None = None
        # Countdowns (a scheduled release, an approval expiring) run from the view's read
        # time on the service clock, plus the time elapsed since it arrived.
        self._since_view = QElapsedTimer()
        self._since_view.start()
        self.countdown = QTimer(self)
        self.countdown.setInterval(1000)
        self.countdown.setTimerType(Qt.TimerType.CoarseTimer)
        self.countdown.timeout.connect(self._tick)
        self._build()
        self.actions_ = DraftActions(self, statements, runner)
        self._connect()
        views.subscribe(self._view_loaded)
        self.update_actions()

    # -- construction -------------------------------------------------------------------
    def _build(self) -> None:
        self.new_action = make_action(self, "&New draft", "Ctrl+Shift+N", "Write a new statement")
        self.template_action = make_action(
            self, "New draft from &template…", "Ctrl+Shift+T", "Start from a playbook template"
        )
        self.fill_action = make_action(
            self, "&Fill placeholders…", "Ctrl+Shift+F", "Fill the {placeholders} left in the text"
        )
        self.workflow = WorkflowActions(self)
        self.save_action = self.workflow.save
        self.submit_action = self.workflow.submit
        self.approve_action = self.workflow.approve
        self.reject_action = self.workflow.reject
        self.release_action = self.workflow.release

        self.banner = DraftsBanner(self)
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

        self.panel = StatementPanel(self.workflow.all(), self)
        self.tabs = self.panel
        self.editor = self.panel.editor
        self.history = self.panel.history
        self.reasons = self.panel.reasons
        self.heading = self.panel.heading

        top = QHBoxLayout()
        top.addWidget(action_button(self, self.new_action))
        top.addWidget(action_button(self, self.template_action))
        top.addWidget(action_button(self, self.fill_action))
        top.addStretch(1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.list_view)
        splitter.addWidget(self.panel)
        splitter.setStretchFactor(1, 3)
        # Keep three or four statements visible whatever the font size (a fixed pixel size
        # collapsed the list to one row under a larger font), and no more: on a 1366x768
        # screen the checklist below needs the room.
        self.list_view.setMinimumHeight(self.list_view.fontMetrics().height() * 6)
        splitter.setSizes([100, 600])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.banner)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

    def _connect(self) -> None:
        act = self.actions_
        self.new_action.triggered.connect(self.new_draft)
        self.template_action.triggered.connect(act.open_template_dialog)
        self.fill_action.triggered.connect(act.open_placeholder_dialog)
        self.save_action.triggered.connect(lambda: act.save())
        self.submit_action.triggered.connect(act.submit)
        self.approve_action.triggered.connect(act.approve)
        self.reject_action.triggered.connect(act.open_reject_dialog)
        self.release_action.triggered.connect(act.open_release_preview)
        self.banner.load_requested.connect(act.load_their_version)
        self.list_view.selectionModel().currentRowChanged.connect(self._row_changed)
        self.editor.content_changed.connect(self._content_changed)

    # -- the window's interface ---------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Ask for room in proportion to use, so a splitter shares space sensibly."""
        return QSize(560, 460)

    @property
    def _incident(self) -> Incident | None:
        return self.state.incident

    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident`` (None: nothing) once its view arrives; the same one keeps work."""
        effects = self.state.set_incident(incident, self.editor.content())
        if effects.clear_history:
            self._syncing = True
            self.list_model.set_statements([], 1)
            self._syncing = False
        self.apply(effects)
        view = self._views.view
        if incident is not None and view is not None and view.incident.id == incident.id:
            self._view_loaded(view, self.AREAS)

    def refresh(self) -> None:
        """Ask for a fresh view of the incident (what the change feed does after writes)."""
        self._views.reload(self.AREAS)

    def set_actor(self, actor: str) -> None:
        """Act as ``actor`` from now on; actions wait for a view judged for them."""
        self.state.set_actor(actor)
        self.update_actions()

    def menu_actions(self) -> list[QAction]:
        """Return the pane's actions for the window's menu, with their shortcuts."""
        return [self.new_action, self.template_action, self.fill_action, *self.workflow.all()]

    def current_statement(self) -> Statement | None:
        """Return the chosen statement as last read (None for a new, unsaved draft)."""
        return self.state.current_statement()

    def select_statement(self, statement_id: int) -> None:
        """Choose the statement with that id, if it is shown."""
        row = self.list_model.row_of(statement_id)
        if row >= 0:
            self.list_view.setCurrentIndex(self.list_model.index(row, 0))

    def is_dirty(self) -> bool:
        """Tell whether the editor holds text that is not saved."""
        return self.state.is_dirty(self.editor.content())

    def new_draft(self) -> None:
        """Start a new statement in the editor (saved with Save)."""
        if self.state.incident is None:
            return
        content = self.editor.content()
        self._syncing = True
        self.list_view.clearSelection()
        self.list_view.setCurrentIndex(QModelIndex())
        self._syncing = False
        self.apply(self.state.new_draft(content))
        self.tabs.setCurrentIndex(0)
        self.editor.text.setFocus()

    # -- events -------------------------------------------------------------------------
    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        incident = self.state.incident
        if incident is None or view.incident.id != incident.id or not areas & self.AREAS:
            return
        self.shown_views += 1
        self._since_view.restart()
        self._syncing = True
        try:
            self.list_model.set_statements(
                view.statement_list,
                view.incident.approvals_required,
                {
                    v.statement.id: shown.value
                    for v in view.statements
                    if (shown := publication(v.statement, v.deliveries)) is not None
                },
            )
            self.editor.set_channels(list(view.channels))
            current = self.state.current
            if current is not None:
                row = self.list_model.row_of(current)
                if row >= 0:
                    self.list_view.setCurrentIndex(self.list_model.index(row, 0))
        finally:
            self._syncing = False
        content = self.editor.content()
        self.apply(self.state.view_arrived(view, content, self.history.model.rowCount()))
        restored = self.state.take_restored_focus()
        if restored is not None:
            said = self.message.text()  # choosing clears the banner: say it again after
            if restored > 0:
                self.select_statement(restored)
            else:
                self.new_draft()
            self.banner.show_info(said)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        statement = current.data(STATEMENT_ROLE) if current.isValid() else None
        chosen = statement if isinstance(statement, Statement) else None
        self.apply(self.state.choose(chosen, self.editor.content()))

    def _content_changed(self) -> None:
        self.list_model.set_unsaved(self.state.unsaved_ids(self.editor.content()))
        self.update_actions()
        self.edited.emit()

    def unsaved_drafts(self) -> list[KeptDraft]:
        """Return every unsaved text of the pane (the editor's and those set aside)."""
        return self.state.unsaved_drafts(self.editor.content())

    def restore_drafts(self, drafts: list[KeptDraft]) -> None:
        """Take back text kept from an earlier run; each returns when its incident is shown."""
        self.state.restore(drafts)
        view, incident = self._views.view, self.state.incident
        if view is not None and incident is not None and view.incident.id == incident.id:
            self._view_loaded(view, self.AREAS)

    # -- applying what the state says ---------------------------------------------------
    def apply(self, effects: Effects) -> None:
        """Do what a transition asks of the widgets, then re-judge every action."""
        if effects.editor is not None:
            self.editor.load(effects.editor)
        if effects.clear_history:
            self.history.set_revisions([])
        if effects.revisions_of is not None:
            self.actions_.load_revisions(effects.revisions_of)
        if effects.clear_notice:
            self.banner.clear_message()
        if effects.notice is not None:
            notice = effects.notice
            if notice.error:
                self.banner.show_error(notice.text, conflict=notice.conflict)
            else:
                self.banner.show_info(notice.text)
            self.status_message.emit(notice.text)
        self._content_changed()

    def show_text(self, text: str, *, error: bool) -> None:
        """Show a one-off message in the banner and the status bar."""
        if error:
            self.banner.show_error(text)
        else:
            self.banner.show_info(text)
        self.status_message.emit(text)

    def update_actions(self) -> None:
        """Enable what the state allows; a disabled action's tooltip says why."""
        content = self.editor.content()
        states = self.state.actions(content)
        named = {
            "new": self.new_action,
            "template": self.template_action,
            "fill": self.fill_action,
            "save": self.save_action,
            "submit": self.submit_action,
            "approve": self.approve_action,
            "reject": self.reject_action,
            "release": self.release_action,
        }
        for name, action in named.items():
            self.workflow.show_state(action, states[name])
        self.editor.setEnabled(self.state.editor_enabled())
        self.editor.set_read_only(self.state.editor_read_only(content))
        self.panel.show_reasons(self.state.reasons(content, self.now()))
        self.heading.setText(self.state.heading())
        if self.state.counting_down() and not self.countdown.isActive():
            self.countdown.start()
        elif not self.state.counting_down():
            self.countdown.stop()

    def now(self) -> datetime | None:
        """Return the service clock's time as of now: the view's read time plus the time
        since it arrived (None before any view)."""
        view = self.state.view
        if view is None:
            return None
        return view.read_at + timedelta(milliseconds=self._since_view.elapsed())

    def stop(self) -> None:
        """Stop the countdown (the window is closing)."""
        self.countdown.stop()

    def _tick(self) -> None:
        self.panel.show_reasons(self.state.reasons(self.editor.content(), self.now()))
