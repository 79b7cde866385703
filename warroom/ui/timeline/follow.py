"""Scrolling the timeline: follow the newest entry unless the person scrolled up to read.

While following, new entries scroll into view; once the person scrolls up, the view stays
on what they read (older pages inserted above keep the same entries in sight) and a button
counts the new entries below. Reaching the top asks the model for the page before.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QObject, QTimer
from PySide6.QtWidgets import QPushButton, QTableView

from warroom.ui.timeline.model import TimelineModel

#: Rows from the bottom that still count as "at the bottom" (following new entries).
FOLLOW_SLACK = 1


class FollowNewest(QObject):
    """Keeps ``view`` on the newest entry of ``model`` while following; owns the jump button."""

    def __init__(self, view: QTableView, model: TimelineModel, parent: QObject) -> None:
        super().__init__(parent)
        self._view = view
        self._model = model
        self.following = True
        self._anchor: tuple[int, int] | None = None  # (scroll value, row count) before insert
        self._unseen = 0  # entries appended below while the person reads older ones
        self.jump_button = QPushButton("")
        self.jump_button.setObjectName("timelineJumpToNewest")
        self.jump_button.setToolTip("Scroll to the newest entry and follow new ones (End)")
        self.jump_button.setAccessibleName("Jump to the newest entries")
        self.jump_button.clicked.connect(self.jump_to_newest)
        self.jump_button.hide()
        bar = view.verticalScrollBar()
        bar.valueChanged.connect(self.scrolled)
        bar.rangeChanged.connect(self._range_changed)
        model.rowsAboutToBeInserted.connect(self._rows_about_to_be_inserted)
        model.rowsInserted.connect(self._rows_inserted)
        model.modelReset.connect(self._model_reset)
        model.first_page_loaded.connect(self._first_page_loaded)

    def follow(self) -> None:
        """Follow the newest entry from now on (after a write, a new filter, an incident)."""
        self.following = True

    def scrolled(self, _value: int | None = None) -> None:
        """The person (or the code) moved the view: follow only while at the bottom."""
        bar = self._view.verticalScrollBar()
        if self._anchor is None:
            self.following = bar.value() >= bar.maximum() - FOLLOW_SLACK
            if self.following:
                self._show_unseen(0)
        self._want_older_if_at_top()

    def jump_to_newest(self) -> None:
        """Scroll to the newest entry and follow new ones again."""
        self.following = True
        self._view.scrollToBottom()
        self._show_unseen(0)

    def _range_changed(self, _minimum: int, _maximum: int) -> None:
        """Rows or the viewport changed size: a following view stays at the bottom."""
        if self.following and self._anchor is None:
            bar = self._view.verticalScrollBar()
            bar.setValue(bar.maximum())
        self._want_older_if_at_top()

    def _want_older_if_at_top(self) -> None:
        bar = self._view.verticalScrollBar()
        at_top = bar.value() <= bar.minimum()
        self._model.set_older_wanted(at_top)
        if at_top and self._model.canFetchMore(QModelIndex()):
            self._model.fetchMore(QModelIndex())

    def _rows_about_to_be_inserted(self, _parent: QModelIndex, first: int, _last: int) -> None:
        if first == 0 and self._model.rowCount() > 0:
            self._anchor = (self._view.verticalScrollBar().value(), self._model.rowCount())

    def _rows_inserted(self, _parent: QModelIndex, first: int, last: int) -> None:
        if self._anchor is not None:
            # Older rows went in above: keep the same entries in sight.
            value, _count = self._anchor
            self._view.executeDelayedItemsLayout()
            self._view.verticalScrollBar().setValue(value + (last - first + 1))
            self._anchor = None
        elif self.following:
            self._view.scrollToBottom()
        elif self._model.rowCount() > last - first + 1:
            self._show_unseen(self._unseen + last - first + 1)

    def _show_unseen(self, count: int) -> None:
        self._unseen = count
        self.jump_button.setVisible(count > 0)
        plural = "entry" if count == 1 else "entries"
        self.jump_button.setText(f"↓ {count} new {plural}")

    def _model_reset(self) -> None:
        self._anchor = None
        self._show_unseen(0)

    def _first_page_loaded(self) -> None:
        self._view.scrollToBottom()
        self.following = True
        QTimer.singleShot(0, self.scrolled)
