"""The timeline's search box and its "N of M" label, with Escape to clear.

The box understands what is typed as-you-type (:mod:`warroom.ui.timeline.search_text`),
waits for a pause before searching, and counts the matches on the worker threads
(:class:`~warroom.ui.timeline.search_count.SearchCounter`). The pane decides what a search
means for the table; this widget only says which search is wanted.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QWidget

from warroom.domain.search import MatchCount
from warroom.domain.timeline import EntryKind
from warroom.services.timeline import TimelineService
from warroom.ui.shell.tasks import TaskRunner
from warroom.ui.timeline.search_count import SearchCounter
from warroom.ui.timeline.search_text import (
    SYNTAX_HELP,
    TypedSearch,
    as_you_type,
    label_text,
    spoken_count,
)

SEARCH_DELAY_MS = 250


class SearchBar(QWidget):
    """A search box (``timelineSearch``) and its count (``timelineSearchCount``)."""

    search_changed = Signal()  # the search to run changed: the pane applies typed()
    leave_requested = Signal()  # Escape in an empty box: back to the timeline

    def __init__(
        self, timeline: TimelineService, runner: TaskRunner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.box = QLineEdit()
        self.box.setObjectName("timelineSearch")
        self.box.setPlaceholderText("Search the timeline (Ctrl+F)")
        self.box.setAccessibleName("Search the timeline")
        self.box.setToolTip(SYNTAX_HELP)
        self.box.setClearButtonEnabled(True)
        self.box.installEventFilter(self)

        self.count_label = QLabel()
        self.count_label.setObjectName("timelineSearchCount")
        self.count_label.setAccessibleName("Search matches")
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)  # the hint quotes typed text
        self.count_label.setVisible(False)

        self.counter = SearchCounter(timeline, runner, self)
        self.counter.counted.connect(self._counted)
        self.counter.failed.connect(self._count_failed)
        self._typed = TypedSearch()
        self._count: MatchCount | None = None
        self._failed = ""
        self._incident_id: int | None = None

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.apply_now)
        self.box.textChanged.connect(self._text_changed)
        self.box.returnPressed.connect(self.apply_now)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.box, 1)
        layout.addWidget(self.count_label)
        self.setFocusProxy(self.box)

    def typed(self) -> TypedSearch:
        """Return the search in force (what the box held at the last pause)."""
        return self._typed

    def apply_now(self) -> None:
        """Take what the box holds now as the search (Enter, a pause, a cleared box)."""
        self._timer.stop()
        self._typed = as_you_type(self.box.text())
        self._count, self._failed = None, ""
        self._show()
        self.search_changed.emit()

    def count_in(self, incident_id: int | None, kinds: tuple[EntryKind, ...]) -> None:
        """Count the search in force among ``incident_id``'s entries (of ``kinds``)."""
        self._count, self._failed, self._incident_id = None, "", incident_id
        self.counter.count(incident_id, self._typed.text, kinds)
        self._show()

    def recount(self) -> None:
        """Count again: entries were written (by anyone) since the last count."""
        if self._typed.active:
            self.counter.recount()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.box and event.type() in (
            QEvent.Type.ShortcutOverride,
            QEvent.Type.KeyPress,
        ):
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Escape and event.modifiers() in (
                Qt.KeyboardModifier.NoModifier,
                Qt.KeyboardModifier.KeypadModifier,
            ):
                event.accept()  # the box's Escape: no window shortcut takes it
                if event.type() == QEvent.Type.KeyPress:
                    self._escape()
                return True
        return super().eventFilter(watched, event)

    def _escape(self) -> None:
        if self.box.text():
            self.box.clear()  # back to the whole timeline at once (see _text_changed)
        else:
            self.leave_requested.emit()

    def _text_changed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self.apply_now()  # clearing needs no pause: show everything again now

    def _counted(self, count: MatchCount) -> None:
        self._count, self._failed = count, ""
        self._show()

    def _count_failed(self, message: str) -> None:
        self._failed = message
        self._show()

    def _show(self) -> None:
        typed = self._typed
        counting = self._incident_id is not None
        text = label_text(typed, self._count, failed=self._failed, counting=counting)
        self.count_label.setText(text)
        self.count_label.setVisible(bool(text))
        spoken = text
        if typed.active and self._count is not None and not self._failed:
            spoken = spoken_count(self._count) + (f". {typed.hint}" if typed.hint else "")
        elif self._failed:
            spoken = f"The matches could not be counted: {self._failed}"
        self.count_label.setAccessibleDescription(spoken)
        self.count_label.setToolTip(spoken if self._failed else "")
        self.box.setAccessibleDescription(spoken)
