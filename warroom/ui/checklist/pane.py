"""The checklist pane: the playbook's steps by phase, with owners, due times and who did them."""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.changes import Area
from warroom.domain.checklist import ChecklistItem
from warroom.domain.clock import Clock
from warroom.domain.errors import WarRoomError
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.domain.people import Action
from warroom.services.checklist import ChecklistService
from warroom.ui.checklist.dialogs import NotificationTimeDialog, UndoTickDialog
from warroom.ui.checklist.model import ChecklistModel
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.shell.view_loader import IncidentViewLoader

log = logging.getLogger(__name__)

OVERDUE_RECHECK_MS = 30_000
_ERROR_STYLE = "background:#fde2e2; color:#7a0010; border:1px solid #e0a0a0; padding:4px"
_INFO_STYLE = "background:#e6f0fb; color:#0b3a6b; border:1px solid #a8c4e6; padding:4px"
_OVERDUE_STYLE = "color:#7a0010; background:#fde2e2; border-radius:3px; padding:2px 6px"


class ChecklistPane(QWidget):
    """Work the incident's checklist: space, the checkbox or Mark done ticks an item."""

    #: The parts of the incident view this pane shows.
    AREAS = frozenset({Area.CHECKLIST, Area.PEOPLE, Area.INCIDENT})

    status_message = Signal(str)
    wrote = Signal()  # a tick committed: the window looks at the change feed

    def __init__(
        self,
        checklist: ChecklistService,
        views: IncidentViewLoader,
        runner: TaskRunner,
        actor: str,
        now: Clock,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPane")
        self.setAccessibleName("Checklist")
        self._checklist = checklist
        self._views = views
        self._runner = runner
        self._actor = actor
        self._now = now
        self._incident: Incident | None = None
        self._view: IncidentView | None = None
        self._pending: set[int] = set()
        self.shown_views = 0  # how many views were rendered (tests count refreshes)

        self.mark_done_action = QAction("&Mark checklist item done", self)
        self.mark_done_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.mark_done_action.setStatusTip("Tick the selected checklist item")
        self.mark_done_action.triggered.connect(self.mark_current_done)
        self.addAction(self.mark_done_action)
        self.undo_action = QAction("Mark checklist item &not done…", self)
        self.undo_action.setShortcut(QKeySequence("Ctrl+Shift+Z"))
        self.undo_action.setStatusTip("Untick the selected checklist item, with a reason")
        self.undo_action.triggered.connect(self.undo_current)
        self.addAction(self.undo_action)
        self.dialog: QDialog | None = None

        self.model = ChecklistModel(self)
        self.model.done_requested.connect(self.mark_done)
        self.view = QTreeView(self)
        self.view.setObjectName("checklistView")
        self.view.setAccessibleName("Checklist items by phase")
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setAlternatingRowColors(False)
        self.view.setWordWrap(True)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.view.selectionModel().currentChanged.connect(self._current_changed)
        self.model.modelReset.connect(self.view.expandAll)

        self.summary = QLabel(self)
        self.summary.setObjectName("checklistSummary")
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.message = QLabel(self)
        self.message.setObjectName("checklistMessage")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.hide()
        self.mark_done_button = QToolButton(self)
        self.mark_done_button.setDefaultAction(self.mark_done_action)
        self.mark_done_button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(self.mark_done_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

        # Overdue marks depend on the clock, not only on writes: judged again from the last
        # view every so often (no read).
        self._timer = QTimer(self)
        self._timer.setInterval(OVERDUE_RECHECK_MS)
        self._timer.timeout.connect(self._render)
        views.subscribe(self._view_loaded)
        self._update_actions()

    # -- the agreed interface -----------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Ask for room in proportion to use, so a splitter shares space sensibly."""
        return QSize(560, 260)

    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident``'s checklist once its view arrives (None: show nothing)."""
        if incident is not None and self._incident is not None and incident.id == self._incident.id:
            self._incident = incident
            return
        self._incident = incident
        self._view = None
        self._pending.clear()
        self.model.set_items([], datetime.min, editable=False)
        self.summary.clear()
        self.message.hide()
        if incident is None:
            self._timer.stop()
        else:
            self._timer.start()
            view = self._views.view
            if view is not None and view.incident.id == incident.id:
                self._view_loaded(view, self.AREAS)
        self._update_actions()

    def refresh(self) -> None:
        """Ask for a fresh view of the incident (what the change feed does after writes)."""
        self._views.reload(self.AREAS)

    def set_actor(self, actor: str) -> None:
        """Tick items as ``actor`` from now on (allowed once a view judged for them is in)."""
        self._actor = actor
        self._update_actions()

    def menu_actions(self) -> list[QAction]:
        """Return the pane's actions for the window's menu, with their shortcuts."""
        return [self.mark_done_action, self.undo_action]

    # -- work ---------------------------------------------------------------------------
    def current_item(self) -> ChecklistItem | None:
        """Return the selected checklist item (None for a phase row or nothing)."""
        return self.model.item_at(self.view.currentIndex())

    def mark_current_done(self) -> None:
        """Tick the selected item."""
        item = self.current_item()
        if item is not None:
            self.mark_done(item)

    def mark_done(self, item: ChecklistItem) -> None:
        """Record that the acting person did ``item`` (the service logs it on the timeline).

        The step that notifies the regulator first asks when the authority was notified.
        """
        if self._incident is None or item.is_done or item.id in self._pending:
            return
        if item.stops_regulator_clock:
            dialog = NotificationTimeDialog(item, self._now(), self)
            dialog.accepted.connect(lambda: self._tick(item, dialog.notified_at()))
            self._open(dialog)
            self.model.refresh_row(item.id)  # the checkbox stays empty until it is recorded
            return
        self._tick(item, None)

    def _open(self, dialog: QDialog) -> None:
        dialog.finished.connect(dialog.deleteLater)
        dialog.finished.connect(self._forget_dialog)
        self.dialog = dialog
        dialog.open()

    def _forget_dialog(self) -> None:
        self.dialog = None

    def undo_current(self) -> None:
        """Ask why the selected (ticked) item is not done after all, then untick it."""
        item = self.current_item()
        if item is None or self._incident is None or not self.undo_action.isEnabled():
            return
        dialog = UndoTickDialog(item, self)
        incident_id, actor, checklist = self._incident.id, self._actor, self._checklist

        def undo() -> None:
            reason = dialog.reason()
            self._pending.add(item.id)
            self._update_actions()

            def done(result: ChecklistItem) -> None:
                self._pending.discard(item.id)
                self._show_info(f"Not done any more: {result.text}")
                self._update_actions()
                self.wrote.emit()

            def failed(error: Exception) -> None:
                self._pending.discard(item.id)
                self._show_error(error)
                self.refresh()

            self._runner.run(
                lambda: checklist.undo(incident_id, item.id, actor, reason=reason), done, failed
            )

        dialog.accepted.connect(undo)
        self._open(dialog)

    def _tick(self, item: ChecklistItem, at: datetime | None) -> None:
        if self._incident is None or item.id in self._pending:
            return
        self._pending.add(item.id)
        self._update_actions()
        incident_id, actor = self._incident.id, self._actor

        def done(result: ChecklistItem) -> None:
            self._pending.discard(item.id)
            self._show_info(f"Done: {result.text}")
            self._update_actions()
            self.wrote.emit()

        def failed(error: Exception) -> None:
            self._pending.discard(item.id)
            self._show_error(error)
            self.refresh()  # e.g. someone else ticked it first: show them

        checklist = self._checklist
        self._runner.run(lambda: checklist.done(incident_id, item.id, actor, at=at), done, failed)

    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        if self._incident is None or view.incident.id != self._incident.id:
            return
        if not areas & self.AREAS:
            return
        self.shown_views += 1
        self._incident, self._view = view.incident, view
        self._render()

    def _render(self) -> None:
        """Show the last view's checklist, overdue marks judged at this moment."""
        view = self._view
        if view is None:
            return
        current = self.current_item()
        # A viewer (or a closed incident) gets no checkboxes to tick, like a disabled button.
        may_tick = view.refusal(Action.CHECKLIST) is None and view.actor == self._actor
        self.model.set_items(view.checklist, self._now(), editable=may_tick)
        if current is not None:
            index = self.model.index_of(current.id)
            if index.isValid():
                self.view.setCurrentIndex(index)
        done, total, overdue = self.model.counts()
        text = f"{done} of {total} done"
        if overdue:
            text += f" · {overdue} overdue"
        if not view.incident.is_open:
            text += " · incident closed (read-only)"
        self.summary.setText(text)
        self.summary.setStyleSheet(_OVERDUE_STYLE + "; font-weight:bold" if overdue else "")
        self._update_actions()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        item = self.current_item()
        view = self._view
        refusal = None
        if self._incident is None:
            refusal = "no incident is open"
        elif view is None or view.actor != self._actor:
            refusal = "checking what you may do…"
        elif item is None:
            refusal = view.refusal(Action.CHECKLIST) or "choose a checklist item"
        elif item.id in self._pending:
            refusal = "saving…"
        else:
            refusal = view.tick_refusal(item)
        tip = f"Not now: {refusal}" if refusal else "Tick the selected item (Ctrl+Shift+D)"
        self.mark_done_action.setEnabled(refusal is None)
        self.mark_done_action.setToolTip(tip)
        self.mark_done_button.setAccessibleDescription(tip)
        undo = self._undo_refusal(item, view)
        self.undo_action.setEnabled(undo is None)
        self.undo_action.setToolTip(
            f"Not now: {undo}" if undo else "Untick the selected item, with a reason"
        )

    def _undo_refusal(self, item: ChecklistItem | None, view: IncidentView | None) -> str | None:
        if self._incident is None:
            return "no incident is open"
        if view is None or view.actor != self._actor:
            return "checking what you may do…"
        if item is None:
            return view.refusal(Action.CHECKLIST) or "choose a checklist item"
        if not item.is_done:
            return "it is not done"
        if item.id in self._pending:
            return "saving…"
        return view.refusal(Action.CHECKLIST)

    def _show_error(self, error: Exception) -> None:
        if isinstance(error, WarRoomError):
            text = str(error)
        else:
            log.error("checklist pane: unexpected failure", exc_info=error)
            text = f"unexpected error: {error}"
        self.message.setText(text)
        self.message.setStyleSheet(_ERROR_STYLE)
        self.message.show()
        self.status_message.emit(text)

    def _show_info(self, text: str) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(_INFO_STYLE)
        self.message.show()
        self.status_message.emit(text)
