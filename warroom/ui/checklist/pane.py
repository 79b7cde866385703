"""The checklist pane: the playbook's steps by phase, with owners, due times and who did them."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from PySide6.QtCore import QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.checklist import ChecklistItem
from warroom.domain.errors import WarRoomError
from warroom.domain.incidents import Incident
from warroom.services import Services
from warroom.ui.checklist.model import ChecklistModel
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

#: Overdue marks depend on the clock, not only on writes: re-read this often.
OVERDUE_RECHECK_MS = 30_000
_ERROR_STYLE = "background:#fde2e2; color:#7a0010; border:1px solid #e0a0a0; padding:4px"
_INFO_STYLE = "background:#e6f0fb; color:#0b3a6b; border:1px solid #a8c4e6; padding:4px"
_OVERDUE_STYLE = "color:#7a0010; background:#fde2e2; border-radius:3px; padding:2px 6px"


@dataclass(frozen=True)
class ChecklistSnapshot:
    """The incident's checklist as read at ``now``."""

    incident: Incident
    items: tuple[ChecklistItem, ...]
    now: datetime


def load_checklist(services: Services, incident_id: int) -> ChecklistSnapshot:
    """Read the incident, its checklist and the service clock (runs off the GUI thread)."""
    return ChecklistSnapshot(
        incident=services.incidents.get(incident_id),
        items=tuple(services.checklist.items(incident_id)),
        now=services.incidents.now(),
    )


class ChecklistPane(QWidget):
    """Work the incident's checklist: space, the checkbox or Mark done ticks an item."""

    status_message = Signal(str)

    def __init__(
        self, services: Services, runner: TaskRunner, actor: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("checklistPane")
        self.setAccessibleName("Checklist")
        self._services = services
        self._runner = runner
        self._actor = actor
        self._incident: Incident | None = None
        self._generation = 0
        self._pending: set[int] = set()

        self.mark_done_action = QAction("&Mark checklist item done", self)
        self.mark_done_action.setShortcut(QKeySequence("Ctrl+Shift+D"))
        self.mark_done_action.setStatusTip("Tick the selected checklist item")
        self.mark_done_action.triggered.connect(self.mark_current_done)
        self.addAction(self.mark_done_action)

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
        button = QToolButton(self)
        button.setDefaultAction(self.mark_done_action)
        button.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        row = QHBoxLayout()
        row.addWidget(self.summary, 1)
        row.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.message)
        layout.addWidget(self.view, 1)
        layout.addLayout(row)

        self._timer = QTimer(self)
        self._timer.setInterval(OVERDUE_RECHECK_MS)
        self._timer.timeout.connect(self.refresh)
        self._update_actions()

    # -- the agreed interface -----------------------------------------------------------
    def sizeHint(self) -> QSize:
        """Ask for room in proportion to use, so a splitter shares space sensibly."""
        return QSize(560, 260)

    def set_incident(self, incident: Incident | None) -> None:
        """Show ``incident``'s checklist (None: show nothing); the same one again refreshes."""
        if incident is not None and self._incident is not None and incident.id == self._incident.id:
            self._incident = incident
            self.refresh()
            return
        self._incident = incident
        self._generation += 1
        self._pending.clear()
        self.model.set_items([], datetime.min, editable=False)
        self.summary.clear()
        self.message.hide()
        if incident is None:
            self._timer.stop()
        else:
            self._timer.start()
            self.refresh()
        self._update_actions()

    def refresh(self) -> None:
        """Re-read the checklist in the background (keeps the selection)."""
        if self._incident is None:
            return
        self._generation += 1
        generation, incident_id = self._generation, self._incident.id
        self._runner.run(
            lambda: load_checklist(self._services, incident_id),
            lambda snapshot: self._loaded(generation, snapshot),
            self._show_error,
        )

    def set_actor(self, actor: str) -> None:
        """Tick items as ``actor`` from now on."""
        self._actor = actor

    def menu_actions(self) -> list[QAction]:
        """Return the pane's actions for the window's menu, with their shortcuts."""
        return [self.mark_done_action]

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
        """Record that the acting person did ``item`` (the service logs it on the timeline)."""
        if self._incident is None or item.is_done or item.id in self._pending:
            return
        self._pending.add(item.id)
        self._update_actions()
        incident_id, actor = self._incident.id, self._actor

        def done(result: ChecklistItem) -> None:
            self._pending.discard(item.id)
            self._show_info(f"Done: {result.text}")
            self.refresh()

        def failed(error: Exception) -> None:
            self._pending.discard(item.id)
            self._show_error(error)
            self.refresh()

        self._runner.run(
            lambda: self._services.checklist.done(incident_id, item.id, actor), done, failed
        )

    def _loaded(self, generation: int, snapshot: ChecklistSnapshot) -> None:
        if generation != self._generation or self._incident is None:
            return
        if snapshot.incident.id != self._incident.id:
            return
        self._incident = snapshot.incident
        current = self.current_item()
        self.model.set_items(snapshot.items, snapshot.now, editable=snapshot.incident.is_open)
        if current is not None:
            index = self.model.index_of(current.id)
            if index.isValid():
                self.view.setCurrentIndex(index)
        done, total, overdue = self.model.counts()
        text = f"{done} of {total} done"
        if overdue:
            text += f" · {overdue} overdue"
        if not snapshot.incident.is_open:
            text += " · incident closed (read-only)"
        self.summary.setText(text)
        self.summary.setStyleSheet(_OVERDUE_STYLE + "; font-weight:bold" if overdue else "")
        self._update_actions()

    def _current_changed(self, _current: QModelIndex, _previous: QModelIndex) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        item = self.current_item()
        refusal = None
        if self._incident is None:
            refusal = "no incident is open"
        elif not self._incident.is_open:
            refusal = f"incident {self._incident.id} is closed and read-only"
        elif item is None:
            refusal = "choose a checklist item"
        elif item.is_done:
            refusal = f"already done by {item.done_by}"
        elif item.id in self._pending:
            refusal = "saving…"
        self.mark_done_action.setEnabled(refusal is None)
        self.mark_done_action.setToolTip(
            f"Not now: {refusal}" if refusal else "Tick the selected item (Ctrl+Shift+D)"
        )

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
