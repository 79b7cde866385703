"""The Inbox pane: what customers say, filtered, triaged from the keyboard, and the wave.

A filter bar above the list (a real item model read in pages), the chosen item's full text
below it (plain text: never rendered as HTML), and the collapsible wave chart at the bottom.
The pane reads nothing until it is first shown; while hidden, inbox changes only mark it
stale. New items arrive in place: the selected item stays selected, and when one is
selected the rows in view stay in view (items arriving above are inserted out of sight).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.inbox import InboxItem
from warroom.domain.incidents import Incident
from warroom.domain.permissions import Permissions
from warroom.services.inbox import InboxService
from warroom.services.inbox_replies import InboxReplyService
from warroom.ui.inbox.actions import InboxActions, error_text
from warroom.ui.inbox.filter_bar import FilterChoice, InboxFilterBar, Scope
from warroom.ui.inbox.model import ITEM_ROLE, InboxModel
from warroom.ui.inbox.presentation import detail_text
from warroom.ui.inbox.rules import triage_refusals
from warroom.ui.inbox.wave_panel import WavePanel
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)
_WIDTHS = (58, 86, 80, 130, 70)  # every column but the text, which takes the rest


class InboxPane(QWidget):
    """Triage what the sources heard."""

    status_message = Signal(str)
    wrote = Signal()  # a write of this pane committed: the window looks at the change feed
    activated = Signal()  # first shown: from now on the pane reads

    def __init__(
        self,
        inbox: InboxService,
        replies: InboxReplyService,
        runner: TaskRunner,
        actor: str,
        today: Callable[[], date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("inboxPane")
        self.setAccessibleName("Inbox")
        self.actor = actor
        self.incident: Incident | None = None
        self.permissions: Permissions | None = None
        self._active = False  # nothing is read before the pane is first shown
        self._stale = False
        self._keep_id: int | None = None
        self._anchor: QPersistentModelIndex | None = None
        self.model = InboxModel(inbox, runner, self)
        self._build(inbox, runner)
        self.triage = InboxActions(self, inbox, replies, runner, today)
        self._connect()
        self.update_actions()

    # -- construction -------------------------------------------------------------------------

    def _build(self, inbox: InboxService, runner: TaskRunner) -> None:
        self.filters = InboxFilterBar(self)
        self.triage_button = QToolButton(self)
        self.triage_button.setObjectName("inboxTriageButton")
        self.triage_button.setText("Triage")
        self.triage_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.triage_menu = QMenu("Triage", self)
        self.triage_button.setMenu(self.triage_menu)

        # A table, not a tree: QTreeView fetches more at every layout, so each page read
        # would ask for the next until the whole inbox was in memory.
        self.view = QTableView(self)
        self.view.setObjectName("inboxView")
        self.view.setAccessibleName("Inbox items")
        self.view.setModel(self.model)
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        self.view.setCornerButtonEnabled(False)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.view.fontMetrics().height() + 6)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(_WIDTHS):
            header.resizeSection(column, width)
        self.context_menu: QMenu | None = None

        self.detail = QPlainTextEdit(self)
        self.detail.setObjectName("inboxDetail")
        self.detail.setAccessibleName("The chosen item")
        self.detail.setReadOnly(True)
        self.detail.setPlaceholderText("Choose an item to read it whole")
        self.message = QLabel("", self)
        self.message.setObjectName("inboxMessage")
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setWordWrap(True)
        self.message.hide()
        self.wave = WavePanel(inbox, runner, self)

        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filters, 1)
        top.addWidget(self.triage_button)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("inboxSplitter")
        self.splitter.addWidget(self.view)
        self.splitter.addWidget(self.detail)
        self.splitter.addWidget(self.wave)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.view.setMinimumHeight(self.view.fontMetrics().height() * 5)
        self.detail.setMinimumHeight(self.detail.fontMetrics().height() * 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.splitter, 1)

    def _connect(self) -> None:
        for action in self.triage.all():
            self.triage_menu.addAction(action)
            if action is self.triage.priority[-1]:
                self.triage_menu.addSeparator()
        self.filters.changed.connect(self._filter_changed)
        self.view.selectionModel().currentRowChanged.connect(self._current_changed)
        self.view.customContextMenuRequested.connect(self._context_menu)
        model = self.model
        model.dataChanged.connect(self._rows_changed)
        model.modelAboutToBeReset.connect(self._remember_current)
        model.page_loaded.connect(self._page_loaded)
        model.total_changed.connect(self._show_total)
        model.loading_changed.connect(self._loading_changed)
        model.load_failed.connect(lambda text: self._say(f"Inbox not read: {text}", error=True))
        model.rowsAboutToBeInserted.connect(self._before_insert)
        model.rowsInserted.connect(self._after_insert)

    def sizeHint(self) -> QSize:
        """Ask for the room of the drafts pane it shares a tab with."""
        return QSize(560, 460)

    # -- the window's interface ---------------------------------------------------------------

    def set_incident(self, incident: Incident | None) -> None:
        """The window shows ``incident``: attach to it, filter by it, judge actions for it."""
        changed = (incident.id if incident else None) != (
            self.incident.id if self.incident else None
        )
        self.incident = incident
        if changed:
            self._apply_filter()
        self.update_actions()

    def set_actor(self, actor: str) -> None:
        """Act as ``actor``; actions wait for permissions judged for them."""
        self.actor = actor
        self.permissions = None
        self.update_actions()

    def set_permissions(self, permissions: Permissions) -> None:
        """Enable what ``permissions`` allow (ignored if judged for someone else)."""
        if permissions.actor == self.actor:
            self.permissions = permissions
            self.update_actions()

    def set_sources(self, names: Sequence[str]) -> None:
        """Offer these sources in the filter."""
        self.filters.set_sources(names)

    @property
    def active(self) -> bool:
        """Tell whether the pane was shown (and so reads)."""
        return self._active

    def inbox_changed(self) -> None:
        """The change feed named the inbox: refresh what is shown (later, if hidden)."""
        if not self._active or not self.isVisible():
            self._stale = True
            return
        self.model.refresh()
        self.wave.refresh()

    def current_item(self) -> InboxItem | None:
        """Return the chosen item as last read."""
        item = self.view.currentIndex().data(ITEM_ROLE)
        return item if isinstance(item, InboxItem) else None

    def select_item(self, item_id: int) -> bool:
        """Choose the item with that id if it is shown."""
        row = self.model.row_of(item_id)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row, 0))
        return row >= 0

    def focus_view(self) -> None:
        """Put the keyboard in the list (where 1-4, R, A, H and I work)."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def menu_actions(self) -> list[QAction]:
        """Return the triage actions."""
        return self.triage.all()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._active:
            self._active = True
            self._apply_filter()
            self.activated.emit()
        elif self._stale:
            self._stale = False
            self.model.refresh()
            self.wave.refresh()

    # -- filters and rows ---------------------------------------------------------------------

    def _filter_changed(self, _choice: FilterChoice) -> None:
        self._apply_filter()

    def _apply_filter(self) -> None:
        choice = self.filters.choice()
        incident_id = self.incident.id if self.incident else None
        scoped = incident_id if choice.scope is Scope.INCIDENT else None
        self.wave.set_incident(scoped)
        if self._active:
            self._stale = False
            self.model.set_filter(choice.resolve(incident_id))

    def _remember_current(self) -> None:
        item = self.current_item()
        self._keep_id = item.id if item else self._keep_id

    def _page_loaded(self) -> None:
        if self._keep_id is not None and self.select_item(self._keep_id):
            self.view.scrollTo(self.view.currentIndex())
        self._keep_id = None
        self._current_changed(self.view.currentIndex(), QModelIndex())

    def _show_total(self, total: int) -> None:
        if self.filters.choice().scope is Scope.INCIDENT and self.incident is None:
            self.filters.show_count("no incident shown")
            return
        shown = self.model.rowCount()
        if total <= shown:
            self.filters.show_count(f"{total} item{'s' if total != 1 else ''}")
        else:
            self.filters.show_count(f"{shown} of {total:,} read")

    def _loading_changed(self, loading: bool) -> None:
        if not loading:
            QTimer.singleShot(0, self, self._fetch_if_at_bottom)

    def _fetch_if_at_bottom(self) -> None:
        """Views ask for more only when scrolled; a page that does not fill the view asks
        here (the last row is in view: the person would see the list end too early)."""
        rows = self.model.rowCount()
        if not rows or not self.model.canFetchMore(QModelIndex()) or not self.isVisible():
            return
        last = self.view.visualRect(self.model.index(rows - 1, 0))
        if last.isValid() and last.bottom() < self.view.viewport().height():
            self.model.fetchMore(QModelIndex())

    def _before_insert(self, _parent: QModelIndex, first: int, _last: int) -> None:
        top = self.view.indexAt(QPoint(1, 1))
        scrolled = self.view.verticalScrollBar().value() > 0
        keep = (
            top.isValid() and first <= top.row() and (scrolled or self.current_item() is not None)
        )
        self._anchor = QPersistentModelIndex(top) if keep else None

    def _after_insert(self, *_args: object) -> None:
        anchor, self._anchor = self._anchor, None
        if anchor is not None and anchor.isValid():
            index = self.model.index(anchor.row(), 0)
            self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        if self.model.total is not None:
            self._show_total(self.model.total)

    def _rows_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        current = self.view.currentIndex()
        if current.isValid() and top.row() <= current.row() <= bottom.row():
            self._current_changed(current, current)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = current.data(ITEM_ROLE) if current.isValid() else None
        if isinstance(item, InboxItem):
            if self.detail.toPlainText() != (text := detail_text(item)):
                self.detail.setPlainText(text)
        else:
            self.detail.clear()
        self.update_actions()

    def item_updated(self, item: InboxItem) -> None:
        """An item was written here: show the new version in the detail area too."""
        current = self.current_item()
        if current is not None and current.id == item.id:
            self.detail.setPlainText(detail_text(item))
        self.update_actions()

    def _context_menu(self, position: QPoint) -> None:
        menu = QMenu(self)
        menu.setObjectName("inboxContextMenu")
        for action in self.triage.all():
            menu.addAction(action)
        menu.aboutToHide.connect(menu.deleteLater)
        self.context_menu = menu
        menu.popup(self.view.viewport().mapToGlobal(position))

    # -- actions and messages -----------------------------------------------------------------

    def update_actions(self) -> None:
        """Enable what the rules allow for the chosen item; tooltips say why not."""
        refusals = triage_refusals(
            self.current_item(), self.permissions, self.incident, busy=self.triage.pending > 0
        )
        self.triage.show_refusals(refusals)

    def clear_message(self) -> None:
        """Hide the last error (a later write succeeded)."""
        self.message.clear()
        self.message.hide()

    def show_error(self, error: Exception) -> None:
        """Say why a call failed (in the pane and the status bar)."""
        self._say(error_text(error), error=True)

    def _say(self, text: str, *, error: bool) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color:#7a0010" if error else "")
        self.message.setVisible(bool(text))
        self.status_message.emit(text)
