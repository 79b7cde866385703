"""The inbox as a Qt item model: keyset pages read in the background, kept fresh in place.

Only the part of the list that was scrolled through is held: the newest page first, older
pages when the view reaches the bottom (``canFetchMore``/``fetchMore``). When the change
feed says the inbox changed, one light read returns the ids of that part as they are now,
plus the items that are new or changed: rows are removed, inserted and updated with
``beginRemoveRows``/``beginInsertRows``/``dataChanged``, never a reset, so the selection and
the rows around it stay where they are. ``data()`` reads only what is in memory; every read
runs through the TaskRunner, one at a time, and comes back on the GUI thread.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor, QFont

from warroom.domain.inbox import InboxFilter, InboxItem
from warroom.domain.inbox_paging import InboxPage, InboxRange, PageKey, plan_rows
from warroom.services.inbox import InboxService
from warroom.ui.inbox.presentation import (
    COL_PRIORITY,
    COL_TIME,
    HEADERS,
    accessible,
    display,
    tooltip,
)
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

#: Rows per page: a few screens of the pane.
PAGE_SIZE = 100
ModelIndex = QModelIndex | QPersistentModelIndex

ITEM_ROLE = Qt.ItemDataRole.UserRole + 1  # the InboxItem itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # the raw value to sort by

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_PRIORITY_COLOURS = {1: QBrush(QColor("#c62828")), 2: QBrush(QColor("#b35c00"))}


class InboxModel(QAbstractTableModel):
    """Rows of the inbox that pass one filter, newest first, read lazily."""

    loading_changed = Signal(bool)
    page_loaded = Signal()  # the first page after a filter change (or a reload) is in
    total_changed = Signal(int)  # how many items pass the filter in all
    load_failed = Signal(str)

    def __init__(
        self,
        inbox: InboxService,
        runner: TaskRunner,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        self._inbox = inbox
        self._runner = runner
        self._page_size = page_size
        self._filter: InboxFilter | None = None  # None: nothing shown yet
        self._items: list[InboxItem] = []
        self._more = False
        self._busy = False
        self._again = False
        self._generation = 0
        self.total: int | None = None
        self.reads = 0  # how many reads were made (tests count refreshes with it)
        self._italic = QFont()
        self._italic.setItalic(True)
        self._today_checked, self._today_cached = 0.0, date.today()

    # -- what the pane tells the model ------------------------------------------------------

    @property
    def current_filter(self) -> InboxFilter | None:
        """Return the filter shown (None before the first one)."""
        return self._filter

    def set_filter(self, wanted: InboxFilter) -> None:
        """Show the items that pass ``wanted``, from the newest page."""
        if wanted == self._filter:
            return
        self._filter = wanted
        self.reload()

    def reload(self) -> None:
        """Read the filter's first page again (the rows shown are dropped)."""
        if self._filter is None:
            return
        self._generation += 1
        self.beginResetModel()
        self._items, self._more, self._again = [], False, False
        self.total = None
        self.endResetModel()
        self._read(
            lambda inbox, wanted: inbox.page(wanted, limit=self._page_size), self._first_read
        )

    def refresh(self) -> None:
        """The inbox changed: bring the part already read up to date, in place."""
        if self._filter is None:
            return
        if self._busy:
            self._again = True  # once the read in flight is in
            return
        bottom = PageKey.of(self._items[-1]) if self._more and self._items else None
        known = {item.id: item.version for item in self._items}
        self._read(
            lambda inbox, wanted: inbox.since(wanted, down_to=bottom, known=known),
            self._range_read,
        )

    def is_loading(self) -> bool:
        """Tell whether a read is in flight."""
        return self._busy

    def has_more(self) -> bool:
        """Tell whether older items exist that are not read yet."""
        return self._more

    def item_at(self, row: int) -> InboxItem | None:
        """Return the item shown in ``row``, if any."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def row_of(self, item_id: int) -> int:
        """Return the row showing ``item_id``, or -1."""
        return next((row for row, item in enumerate(self._items) if item.id == item_id), -1)

    def update_item(self, item: InboxItem) -> None:
        """Show a newer version of an item just written here (the feed's refresh follows)."""
        row = self.row_of(item.id)
        if row >= 0 and item.version >= self._items[row].version:
            self._items[row] = item
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    # -- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_PRIORITY:
                return "P1 most urgent; 'P2?' is a suggestion, 'P2' a person's choice"
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_TIME:
                return "When it was posted, local time (hover for UTC)"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = index.row()
        if not index.isValid() or not 0 <= row < len(self._items):
            return None
        item, column, role = self._items[row], index.column(), int(role)
        if role == _DISPLAY:
            return display(item, column, self._today())
        if role == ITEM_ROLE:
            return item
        if role == _FOREGROUND and column == COL_PRIORITY:
            return _PRIORITY_COLOURS.get(item.effective_priority)
        if role == _FONT and column == COL_PRIORITY and item.priority is None:
            return self._italic  # a suggestion, not a decision
        if role == _TOOLTIP:
            return tooltip(item, column) or None
        if role == _ACCESSIBLE:
            return accessible(item)
        if role == SORT_ROLE:
            return (item.posted_at.timestamp(), item.id)
        return None

    def canFetchMore(self, parent: ModelIndex) -> bool:
        if parent.isValid() or self._filter is None:
            return False
        return self._more and not self._busy and bool(self._items)

    def fetchMore(self, parent: ModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        after = PageKey.of(self._items[-1])
        self._read(
            lambda inbox, wanted: inbox.page(wanted, after=after, limit=self._page_size),
            self._older_read,
        )

    # -- reading -----------------------------------------------------------------------------

    def _read(
        self, read: Callable[[InboxService, InboxFilter], Any], done: Callable[[Any], None]
    ) -> None:
        wanted, generation, inbox = self._filter, self._generation, self._inbox
        assert wanted is not None
        self._set_busy(True)
        self.reads += 1

        def arrived(result: Any) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            done(result)
            if self._again and not self._busy:
                self._again = False
                self.refresh()

        def failed(error: Exception) -> None:
            if generation != self._generation:
                return
            self._set_busy(False)
            log.warning("inbox read failed: %s", error)
            self.load_failed.emit(str(error))

        self._runner.run(lambda: read(inbox, wanted), arrived, failed)

    def _first_read(self, page: InboxPage) -> None:
        self._more = page.more
        if page.items:
            self.beginInsertRows(QModelIndex(), 0, len(page.items) - 1)
            self._items = list(page.items)
            self.endInsertRows()
        self.page_loaded.emit()
        if page.more:
            self._count()
        else:
            self._set_total(len(page.items))

    def _count(self) -> None:
        wanted, generation, inbox = self._filter, self._generation, self._inbox

        def counted(total: int) -> None:
            if generation == self._generation:
                self._set_total(total)

        self._runner.run(lambda: inbox.count(wanted), counted, lambda _error: None)

    def _older_read(self, page: InboxPage) -> None:
        self._more = page.more
        known = {item.id for item in self._items}
        rows = [item for item in page.items if item.id not in known]
        if rows:
            start = len(self._items)
            self.beginInsertRows(QModelIndex(), start, start + len(rows) - 1)
            self._items.extend(rows)
            self.endInsertRows()

    def _range_read(self, fresh: InboxRange) -> None:
        if fresh.overflow:
            self.reload()
            return
        current = {item.id: item for item in self._items}
        order = [i for i in fresh.ids if i in current or i in fresh.fresh]
        plan = plan_rows([item.id for item in self._items], order)
        for start, count in plan.removals:
            self.beginRemoveRows(QModelIndex(), start, start + count - 1)
            del self._items[start : start + count]
            self.endRemoveRows()
        for start, count in plan.insertions:
            self.beginInsertRows(QModelIndex(), start, start + count - 1)
            self._items[start:start] = [fresh.fresh[i] for i in order[start : start + count]]
            self.endInsertRows()
        changed = [
            row
            for row, item in enumerate(self._items)
            if item.id in current
            and (newer := fresh.fresh.get(item.id)) is not None
            and newer.version >= item.version
        ]
        for row in changed:
            self._items[row] = fresh.fresh[self._items[row].id]
        if changed:
            self.dataChanged.emit(
                self.index(min(changed), 0), self.index(max(changed), len(HEADERS) - 1)
            )
        self._set_total(fresh.total)

    def _set_total(self, total: int) -> None:
        if total != self.total:
            self.total = total
            self.total_changed.emit(total)

    def _set_busy(self, busy: bool) -> None:
        if busy != self._busy:
            self._busy = busy
            self.loading_changed.emit(busy)

    def _today(self) -> date:
        """Return today's date, looked up at most once a second (not once per cell)."""
        now = time.monotonic()
        if now - self._today_checked > 1.0:
            self._today_checked, self._today_cached = now, date.today()
        return self._today_cached
