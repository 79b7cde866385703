"""The timeline as a Qt item model: pages loaded in the background, newest at the bottom.

Only a window of the timeline is held: the newest page first, older pages when the user
scrolls to the top (``canFetchMore``/``fetchMore``, inserted above), newer entries appended
with ``beginInsertRows`` as they are written. ``data()`` only reads what is in memory; every
database read runs through the TaskRunner and comes back on the GUI thread.

Pages are sized to a screen or two, and read as plain rows (no ORM objects) in one read
each: a worker thread building thousands of objects holds the interpreter lock long enough
to stall the window.
"""

from __future__ import annotations

import bisect
import logging
import time
from dataclasses import dataclass
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
from PySide6.QtGui import QFont

from warroom.domain.timeline import EntryKind, TimelineEntry, TimelinePage
from warroom.services.timeline import TimelineService
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.timeline.kinds import kind_colour, kind_icon
from warroom.ui.timeline.presentation import (
    COL_KIND,
    COL_TEXT,
    COL_TIME,
    HEADERS,
    accessible,
    display,
    text_parts,
    tooltip,
)
from warroom.ui.timeline.search_text import MatchSpans

log = logging.getLogger(__name__)

#: Rows per page: about two screens of a tall window.
PAGE_SIZE = 100
ModelIndex = QModelIndex | QPersistentModelIndex

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the TimelineEntry itself
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # raw value for sorting (seq)
CORRECTED_ROLE = Qt.ItemDataRole.UserRole + 3  # True when a later entry corrects this one
HIGHLIGHT_ROLE = Qt.ItemDataRole.UserRole + 4  # matched (start, end) ranges of the text cell

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_FOREGROUND = int(Qt.ItemDataRole.ForegroundRole)
_FONT = int(Qt.ItemDataRole.FontRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE = int(Qt.ItemDataRole.AccessibleTextRole)
_UNUSED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.SizeHintRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.BackgroundRole,
        Qt.ItemDataRole.CheckStateRole,
    )
)


@dataclass(frozen=True, slots=True)
class TimelineFilter:
    """Which entries to show: some kinds only (none: all) and a text search."""

    kinds: tuple[EntryKind, ...] = ()
    search: str = ""


class TimelineModel(QAbstractTableModel):
    """Rows of one incident's timeline, loaded lazily and extended in place."""

    loading_changed = Signal(bool)
    first_page_loaded = Signal()
    load_failed = Signal(str)

    def __init__(
        self, timeline: TimelineService, runner: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._timeline = timeline
        self._runner = runner
        self._incident_id: int | None = None
        self._filter = TimelineFilter()
        self._marks = MatchSpans()
        self._entries: list[TimelineEntry] = []
        self._corrected: set[int] = set()
        self._has_older = False
        self._older_wanted = False
        self._loading_first = False
        self._loading_older = False
        self._loading_newer = False
        self._newer_again = False
        self._tail_seq = 0
        self._generation = 0
        self._icons = {kind: kind_icon(kind) for kind in EntryKind}
        self._colours = {kind: kind_colour(kind) for kind in EntryKind}
        self._struck = QFont()
        self._struck.setStrikeOut(True)
        self._today_checked, self._today_cached = 0.0, date.today()

    # -- what the pane tells the model ------------------------------------------------------

    @property
    def incident_id(self) -> int | None:
        """Return the incident shown, if any."""
        return self._incident_id

    @property
    def current_filter(self) -> TimelineFilter:
        """Return the filter in force."""
        return self._filter

    def set_incident(self, incident_id: int | None) -> None:
        """Show another incident (or none): clear and load its newest page."""
        self._incident_id = incident_id
        self._reload()

    def set_filter(self, wanted: TimelineFilter) -> None:
        """Show only matching entries; reloads from the newest page."""
        if wanted == self._filter:
            return
        self._filter = wanted
        self._marks = MatchSpans.of_search(wanted.search)
        self._reload()

    def set_older_wanted(self, wanted: bool) -> None:
        """Say whether older rows would be seen now (the view is scrolled to its top).

        Views ask for more when their *last* row is visible, which in a newest-at-the-bottom
        timeline is nearly always; without this gate every page down to entry #1 would load.
        """
        self._older_wanted = wanted

    def is_loading(self) -> bool:
        """Tell whether a page is being read."""
        return self._loading_first or self._loading_older or self._loading_newer

    def has_older(self) -> bool:
        """Tell whether older entries exist that are not loaded."""
        return self._has_older

    def entry_at(self, row: int) -> TimelineEntry:
        """Return the entry shown in ``row``."""
        return self._entries[row]

    def row_of_seq(self, seq: int) -> int | None:
        """Return the row showing entry number ``seq``, if loaded."""
        row = bisect.bisect_left(self._entries, seq, key=lambda e: e.seq)
        if row < len(self._entries) and self._entries[row].seq == seq:
            return row
        return None

    def is_corrected(self, entry: TimelineEntry) -> bool:
        """Tell whether a later entry corrects ``entry``."""
        return entry.id in self._corrected

    # -- Qt model API ---------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return HEADERS[section]
            if role == Qt.ItemDataRole.ToolTipRole and section == COL_TIME:
                return "Local time (hover an entry for UTC)"
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell at each paint: plain int comparisons
        # (a Qt enum comparison costs several times more) and roles the view asks for on
        # every cell but the timeline never sets answered first.
        role = int(role)
        if role in _UNUSED_ROLES:
            return None
        row = index.row()
        if not 0 <= row < len(self._entries) or not index.isValid():
            return None
        entry = self._entries[row]
        column = index.column()
        if role == _DISPLAY:
            return display(entry, column, self._today())
        if role == _DECORATION:
            return self._icons[entry.kind] if column == COL_KIND else None
        if role == _FOREGROUND:
            return self._colours[entry.kind] if column == COL_KIND else None
        if role == _FONT:
            return self._struck if entry.id in self._corrected else None
        if role == HIGHLIGHT_ROLE:  # asked by the delegate: for painted rows only
            return self._marks.spans(entry.id, *text_parts(entry)) if column == COL_TEXT else ()
        if role == ENTRY_ROLE:
            return entry
        if role == SORT_ROLE:
            return entry.seq
        if role == CORRECTED_ROLE:
            return entry.id in self._corrected
        if role == _TOOLTIP:
            return tooltip(entry, column, corrected=entry.id in self._corrected)
        if role == _ACCESSIBLE:
            return accessible(entry, corrected=entry.id in self._corrected)
        return None

    def canFetchMore(self, parent: ModelIndex) -> bool:
        if parent.isValid() or self._incident_id is None:
            return False
        return self._older_wanted and self._has_older and not self.is_loading()

    def fetchMore(self, parent: ModelIndex) -> None:
        if not self.canFetchMore(parent):
            return
        self._load_older()

    # -- loading ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Fetch entries written since the last load (by anyone) and append them."""
        if self._incident_id is None:
            return
        if self._loading_first or self._loading_newer:
            self._newer_again = True  # one more round once the current read is in
            return
        self._set_loading(newer=True)
        generation, incident_id, wanted, after = (
            self._generation,
            self._incident_id,
            self._filter,
            self._tail_seq,
        )
        timeline = self._timeline

        def read() -> tuple[list[TimelineEntry], list[TimelineEntry]]:
            everything = timeline.entries(incident_id, after_seq=after)
            if not (wanted.kinds or wanted.search) or not everything:
                return everything, everything
            matching = timeline.entries(
                incident_id,
                after_seq=after,
                before_seq=everything[-1].seq + 1,
                kinds=wanted.kinds,
                search=wanted.search,
            )
            return everything, matching

        self._runner.run(
            read,
            lambda result: self._newer_read(generation, *result),
            lambda error: self._failed(generation, error),
        )

    def _reload(self) -> None:
        self._generation += 1
        self.beginResetModel()
        self._entries = []
        self._corrected = set()
        self._has_older = False
        self._tail_seq = 0
        self._loading_older = self._loading_newer = self._newer_again = False
        self.endResetModel()
        if self._incident_id is None:
            self._set_loading(first=False)
            return
        self._set_loading(first=True)
        generation, incident_id, wanted = self._generation, self._incident_id, self._filter
        timeline = self._timeline

        def read() -> TimelinePage:
            return timeline.page(
                incident_id, limit=PAGE_SIZE, kinds=wanted.kinds, search=wanted.search
            )

        self._runner.run(
            read,
            lambda page: self._first_read(generation, page),
            lambda error: self._failed(generation, error),
        )

    def _load_older(self) -> None:
        if self._incident_id is None or not self._entries:
            return
        self._set_loading(older=True)
        generation, incident_id, wanted = self._generation, self._incident_id, self._filter
        before = self._entries[0].seq
        timeline = self._timeline

        def read() -> TimelinePage:
            return timeline.page(
                incident_id,
                limit=PAGE_SIZE,
                before_seq=before,
                kinds=wanted.kinds,
                search=wanted.search,
            )

        self._runner.run(
            read,
            lambda older: self._older_read(generation, older),
            lambda error: self._failed(generation, error),
        )

    def _first_read(self, generation: int, page: TimelinePage) -> None:
        if generation != self._generation:
            return
        self._corrected = set(page.corrected)
        self._has_older = page.has_older
        self._tail_seq = page.tail_seq
        if page.entries:
            self.beginInsertRows(QModelIndex(), 0, len(page.entries) - 1)
            self._entries = list(page.entries)
            self.endInsertRows()
        self._set_loading(first=False)
        self.first_page_loaded.emit()
        self._maybe_again()

    def _older_read(self, generation: int, older: TimelinePage) -> None:
        if generation != self._generation:
            return
        self._has_older = older.has_older
        self._corrected |= older.corrected
        rows = list(older.entries)
        if rows:
            self.beginInsertRows(QModelIndex(), 0, len(rows) - 1)
            self._entries[:0] = rows
            self.endInsertRows()
        self._set_loading(older=False)

    def _newer_read(
        self, generation: int, everything: list[TimelineEntry], matching: list[TimelineEntry]
    ) -> None:
        if generation != self._generation:
            return
        if everything:
            self._tail_seq = max(self._tail_seq, everything[-1].seq)
        last = self._entries[-1].seq if self._entries else 0
        fresh = [e for e in matching if e.seq > last]
        if fresh:
            start = len(self._entries)
            self.beginInsertRows(QModelIndex(), start, start + len(fresh) - 1)
            self._entries.extend(fresh)
            self.endInsertRows()
        for entry in everything:
            if entry.corrects_id is not None and entry.corrects_id not in self._corrected:
                self._corrected.add(entry.corrects_id)
                self._mark_corrected(entry)
        self._set_loading(newer=False)
        self._maybe_again()

    def _mark_corrected(self, correction: TimelineEntry) -> None:
        seq = correction.data.get("corrects_seq")
        row = self.row_of_seq(seq) if isinstance(seq, int) else None
        if row is not None:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(HEADERS) - 1))

    def _maybe_again(self) -> None:
        if self._newer_again:
            self._newer_again = False
            self.refresh()

    def _failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        log.warning("timeline read failed: %s", error)
        self._loading_first = self._loading_older = self._loading_newer = False
        self.loading_changed.emit(False)
        self.load_failed.emit(str(error))

    def _set_loading(
        self, *, first: bool | None = None, older: bool | None = None, newer: bool | None = None
    ) -> None:
        before = self.is_loading()
        if first is not None:
            self._loading_first = first
        if older is not None:
            self._loading_older = older
        if newer is not None:
            self._loading_newer = newer
        if self.is_loading() != before:
            self.loading_changed.emit(self.is_loading())

    def _today(self) -> date:
        """Return today's date, looked up at most once a second (not once per cell)."""
        now = time.monotonic()
        if now - self._today_checked > 1.0:
            self._today_checked, self._today_cached = now, date.today()
        return self._today_cached
