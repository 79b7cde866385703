"""Counting a timeline search's matches ("N of M") on the runner's threads, never the GUI's."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from warroom.domain.search import MatchCount
from warroom.domain.timeline import EntryKind
from warroom.services.timeline import TimelineService
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)


class SearchCounter(QObject):
    """Count one search at a time; the last one asked for is the one reported.

    Typing asks for a count at every pause: a count still running is not joined by another
    but followed by one more for the newest search, so a fast typist never piles up reads on
    the two worker threads the whole window shares.
    """

    counted = Signal(object)  # MatchCount of the search last asked for
    failed = Signal(str)

    def __init__(
        self, timeline: TimelineService, runner: TaskRunner, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._timeline = timeline
        self._runner = runner
        self._incident_id: int | None = None
        self._text = ""
        self._kinds: tuple[EntryKind, ...] = ()
        self._generation = 0
        self._running = False
        self._again = False

    def count(self, incident_id: int | None, text: str, kinds: tuple[EntryKind, ...]) -> None:
        """Count ``text``'s matches among ``incident_id``'s entries ("": count nothing)."""
        self._generation += 1
        self._incident_id, self._text, self._kinds = incident_id, text, kinds
        self._start()

    def recount(self) -> None:
        """Count the same search again (entries were written meanwhile)."""
        self._start()

    def is_counting(self) -> bool:
        """Tell whether a count is being read."""
        return self._running

    def _active(self) -> bool:
        return self._incident_id is not None and bool(self._text)

    def _start(self) -> None:
        if not self._active():
            return
        if self._running:
            self._again = True
            return
        self._running = True
        generation, incident_id, text, kinds = (
            self._generation,
            self._incident_id,
            self._text,
            self._kinds,
        )
        assert incident_id is not None
        timeline = self._timeline
        self._runner.run(
            lambda: timeline.count_matches(incident_id, text, kinds=kinds),
            lambda count: self._finished(generation, count, None),
            lambda error: self._finished(generation, None, error),
        )

    def _finished(self, generation: int, count: MatchCount | None, error: Exception | None) -> None:
        self._running = False
        if self._again or generation != self._generation:
            self._again = False
            self._start()  # what it counted is out of date: count what is wanted now
            return
        if error is not None:
            log.warning("search count failed: %s", error)
            self.failed.emit(str(error))
        else:
            self.counted.emit(count)
