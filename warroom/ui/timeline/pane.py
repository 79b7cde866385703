"""The timeline pane: the table, kind filter, search, quick add box and corrections."""

from __future__ import annotations

import logging
from datetime import UTC

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from warroom.domain.timeline import EntryKind, TimelineEntry
from warroom.services.timeline import TimelineService
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.timeline.correction import CorrectionDialog
from warroom.ui.timeline.follow import FollowNewest
from warroom.ui.timeline.highlight import HighlightDelegate
from warroom.ui.timeline.kinds import KIND_LABELS, kind_icon
from warroom.ui.timeline.model import TimelineFilter, TimelineModel
from warroom.ui.timeline.presentation import COL_AUTHOR, COL_KIND, COL_SEQ, COL_TEXT, COL_TIME
from warroom.ui.timeline.quick_add import QuickAdd
from warroom.ui.timeline.search_bar import SearchBar

log = logging.getLogger(__name__)

CORRECT_SHORTCUT = "Ctrl+Shift+E"


class TimelinePane(QWidget):
    """Everything about one incident's timeline; talks to services only via the runner."""

    status_message = Signal(str)
    entry_added = Signal(object)  # TimelineEntry written from this pane
    wrote = Signal()  # a write of this pane committed: the window looks at the change feed

    def __init__(
        self,
        timeline: TimelineService,
        runner: TaskRunner,
        actor: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("timelinePane")
        self._timeline = timeline
        self._runner = runner
        self._actor = actor
        self._incident_id: int | None = None
        self._read_only = False
        self._log_refusal: str | None = None  # why this person may not log (roles)
        self.correction_dialog: CorrectionDialog | None = None

        self.model = TimelineModel(timeline, runner, self)
        self.model.load_failed.connect(lambda text: self.status_message.emit(f"Timeline: {text}"))
        self.model.loading_changed.connect(self._show_loading)

        self.heading = QLabel("Timeline")
        self.heading.setObjectName("paneHeading")
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)
        self.count_label = QLabel("")
        self.count_label.setObjectName("timelineCount")
        # Its text changes on every page and new entry: it takes the free room of its row
        # instead of asking for a size, so a new count never relays out the pane.
        self.count_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.kind_filter = QComboBox()
        self.kind_filter.setObjectName("timelineKindFilter")
        self.kind_filter.setAccessibleName("Show entries of kind")
        self.kind_filter.addItem("All kinds", None)
        for kind in EntryKind:
            self.kind_filter.addItem(kind_icon(kind), KIND_LABELS[kind], kind)
        self.kind_filter.currentIndexChanged.connect(self._apply_filter)

        self.search_bar = SearchBar(timeline, runner, self)
        self.search, self.search_count = self.search_bar.box, self.search_bar.count_label
        self.search_bar.search_changed.connect(self._apply_filter)
        self.search_bar.leave_requested.connect(self.focus_view)

        self.view = QTableView()
        self.view.setObjectName("timelineView")
        self.view.setAccessibleName("Incident timeline")
        self.view.setModel(self.model)
        self.highlighter = HighlightDelegate(self.view)
        self.view.setItemDelegateForColumn(COL_TEXT, self.highlighter)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerItem)
        self.view.setWordWrap(False)
        self.view.setAlternatingRowColors(True)
        self.view.setShowGrid(False)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        for column in (COL_SEQ, COL_TIME, COL_AUTHOR, COL_KIND):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(COL_TEXT, QHeaderView.ResizeMode.Stretch)
        self._size_columns()
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._context_menu)

        self.follower = FollowNewest(self.view, self.model, self)
        self.jump_button = self.follower.jump_button
        for signal in (
            self.model.rowsInserted,
            self.model.modelReset,
            self.model.first_page_loaded,
        ):
            signal.connect(lambda *_args: self._update_count())

        self.correct_action = QAction("&Correct this entry…", self)
        self.correct_action.setShortcut(QKeySequence(CORRECT_SHORTCUT))
        self.correct_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.correct_action.setStatusTip("Add a correction; the original stays, struck out")
        self.correct_action.triggered.connect(self.correct_selected)
        self.view.addAction(self.correct_action)
        self.addAction(self.correct_action)

        self.copy_action = QAction("C&opy entry", self)
        self.copy_action.setShortcut(QKeySequence.StandardKey.Copy)
        self.copy_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.copy_action.triggered.connect(self.copy_selected)
        self.view.addAction(self.copy_action)

        self.find_action = QAction("&Search the timeline", self)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.find_action.triggered.connect(self._focus_search)
        self.addAction(self.find_action)

        self.quick_add = QuickAdd(self)
        self.add_kind, self.add_box = self.quick_add.kind, self.quick_add.box
        self.add_button, self.add_action = self.quick_add.button, self.quick_add.action
        self.focus_add_action = self.quick_add.focus_action
        self.add_button.clicked.connect(self.add_entry)
        self.add_action.triggered.connect(self.add_entry)

        top = QHBoxLayout()
        top.addWidget(self.heading)
        top.addWidget(self.count_label, 1)
        top.addWidget(self.jump_button)
        top.addWidget(self.kind_filter)
        top.addWidget(self.search_bar, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.quick_add)
        self.setTabOrder(self.kind_filter, self.search)
        self.setTabOrder(self.search, self.view)
        self.setTabOrder(self.view, self.add_box)
        self._update_enabled()

    def changeEvent(self, event: QEvent) -> None:
        # A theme switch changes the font: column widths and row height follow it.
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._size_columns()
        super().changeEvent(event)

    def _size_columns(self) -> None:
        """Fit the narrow columns to their content in the current font (no row scan:
        measuring 100,000 rows would be slow, and these columns have a known shape)."""
        metrics = self.view.fontMetrics()
        # Cell padding (the theme's 4 px each side), the focus frame and a margin.
        pad = 2 * metrics.horizontalAdvance("M") + 24
        icon = self.view.iconSize().width() if self.view.iconSize().isValid() else 16
        widths = {
            COL_SEQ: metrics.horizontalAdvance("88888") + pad // 2,
            COL_TIME: metrics.horizontalAdvance("Wed 88:88") + pad // 2,
            COL_AUTHOR: metrics.horizontalAdvance("Ahmed Haddad") + pad // 2,
            COL_KIND: metrics.horizontalAdvance("Statement") + icon + pad // 2,
        }
        header = self.view.horizontalHeader()
        for column, width in widths.items():
            header.resizeSection(column, width)
        self.view.verticalHeader().setDefaultSectionSize(metrics.height() + 8)

    # -- public API for the window ------------------------------------------------------------

    def set_incident(self, incident_id: int | None, *, read_only: bool = False) -> None:
        """Show an incident's timeline (None: nothing)."""
        self._read_only = read_only
        if incident_id != self._incident_id:
            self._incident_id = incident_id
            self.follower.follow()
            self.model.set_incident(incident_id)
            self.search_bar.count_in(incident_id, self._kinds())
        self._update_enabled()

    def set_log_refusal(self, reason: str | None) -> None:
        """Say why the acting person may not log entries (None: they may)."""
        self._log_refusal = reason
        self._update_enabled()

    def set_actor(self, actor: str) -> None:
        """Write new entries as ``actor`` from now on."""
        self._actor = actor

    def refresh(self) -> None:
        """Append what was written since the last read; keeps scroll and typing."""
        self.model.refresh()
        self.search_bar.recount()

    def focus_view(self) -> None:
        """Put the keyboard focus on the table (Alt+1)."""
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)
        if not self.view.currentIndex().isValid() and self.model.rowCount() > 0:
            self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, COL_TEXT))

    def is_following(self) -> bool:
        """Tell whether the view sticks to the newest entry."""
        return self.follower.following

    def selected_entry(self) -> TimelineEntry | None:
        """Return the entry of the current row, if any."""
        index = self.view.currentIndex()
        return self.model.entry_at(index.row()) if index.isValid() else None

    # -- quick add ----------------------------------------------------------------------------

    def add_entry(self) -> None:
        """Log what is in the quick add box (Ctrl+Enter)."""
        text = self.add_box.toPlainText()
        incident_id = self._incident_id
        if incident_id is None or self._read_only or not text.strip():
            return
        kind = self.quick_add.chosen_kind()
        actor, timeline = self._actor, self._timeline
        self.add_button.setEnabled(False)

        def done(entry: TimelineEntry) -> None:
            # Clear only what was sent: anything typed meanwhile stays.
            if self.add_box.toPlainText() == text:
                self.add_box.clear()
                self.quick_add.entry_added()  # the next one is a note again
            self.follower.follow()
            self._update_enabled()
            self.entry_added.emit(entry)
            self.status_message.emit(f"Logged entry #{entry.seq}")
            self.wrote.emit()  # the change feed brings it in, with everyone else's

        def failed(error: Exception) -> None:
            self._update_enabled()
            self.status_message.emit(f"Not logged: {error}")

        self._runner.run(lambda: timeline.add(incident_id, text, actor, kind), done, failed)

    # -- corrections --------------------------------------------------------------------------

    def correct_selected(self) -> None:
        """Open the correction dialog for the selected entry."""
        entry = self.selected_entry()
        if entry is None or self._read_only:
            self.status_message.emit("Select an entry to correct")
            return
        dialog = CorrectionDialog(entry, self)
        dialog.accepted.connect(lambda: self._send_correction(entry, dialog.text()))
        dialog.finished.connect(dialog.deleteLater)
        self.correction_dialog = dialog
        dialog.open()

    def copy_selected(self) -> None:
        """Copy the selected entry as one line: '#12 09:14:03 UTC Dana Reyes [decision] …'."""
        entry = self.selected_entry()
        if entry is None:
            return
        at = entry.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        line = f"#{entry.seq} {at} {entry.author} [{entry.kind.value}] {entry.text}"
        QGuiApplication.clipboard().setText(line)
        self.status_message.emit(f"Copied entry #{entry.seq}")

    def _send_correction(self, entry: TimelineEntry, text: str) -> None:
        self.correction_dialog = None
        actor, timeline, incident_id = self._actor, self._timeline, entry.incident_id

        def done(correction: TimelineEntry) -> None:
            self.follower.follow()
            self.entry_added.emit(correction)
            self.status_message.emit(f"Entry #{entry.seq} corrected by #{correction.seq}")
            self.wrote.emit()

        self._runner.run(
            lambda: timeline.correct(incident_id, entry.id, text, actor),
            done,
            lambda error: self.status_message.emit(f"Not corrected: {error}"),
        )

    def _context_menu(self, point: QPoint) -> None:
        index = self.view.indexAt(point)
        if index.isValid():
            self.view.setCurrentIndex(index)
        elif self.view.currentIndex().isValid():  # the menu key: at the current row
            point = self.view.visualRect(self.view.currentIndex()).center()
        else:
            return
        menu = QMenu(self)
        menu.addAction(self.correct_action)
        menu.addAction(self.copy_action)
        menu.popup(self.view.viewport().mapToGlobal(point))

    # -- filter and search --------------------------------------------------------------------

    def _kinds(self) -> tuple[EntryKind, ...]:
        kind = self.kind_filter.currentData()
        return (EntryKind(kind),) if kind else ()

    def _apply_filter(self) -> None:
        kinds = self._kinds()
        wanted = TimelineFilter(kinds=kinds, search=self.search_bar.typed().text)
        self.follower.follow()
        self.model.set_filter(wanted)
        self.search_bar.count_in(self._incident_id, kinds)

    def _focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    # -- scrolling ---------------------------------------------------------------------------

    def jump_to_newest(self) -> None:
        """Scroll to the newest entry and follow new ones again."""
        self.follower.jump_to_newest()

    def _show_loading(self, loading: bool) -> None:
        self._update_count(loading)

    def _update_count(self, loading: bool | None = None) -> None:
        busy = self.model.is_loading() if loading is None else loading
        rows = self.model.rowCount()
        more = "+" if self.model.has_older() else ""
        self.count_label.setText(f"{rows}{more} shown" + (" · loading…" if busy else ""))

    def _update_enabled(self) -> None:
        if self._incident_id is None:
            reason: str | None = "no incident"
        elif self._read_only:
            reason = "the incident is closed and read-only"
        else:
            reason = self._log_refusal
        writable = reason is None
        self.quick_add.show_refusal(reason)
        self.correct_action.setEnabled(writable)
        self.correct_action.setToolTip(
            "Add a correction; the original stays, struck out" if writable else str(reason)
        )
