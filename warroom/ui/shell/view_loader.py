"""Read the shown incident's :class:`IncidentView` in the background and hand it to the panes.

One read serves every pane: ``loaded(view, areas)`` says which areas changed since the last
view, and each pane re-renders only if one of its own areas is among them. Requests while a
read is out are merged into one more read after it (never a read per request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from warroom.domain.changes import Area, Changes
from warroom.domain.incident_view import IncidentView
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

#: The areas an IncidentView holds (the timeline's entries are read in pages instead).
VIEW_AREAS = frozenset(Area) - {Area.TIMELINE}

ReadView = Callable[[int, str], IncidentView]


class IncidentViewLoader(QObject):
    """Keeps the panes' shared view of one incident up to date."""

    loaded = Signal(object, object)  # IncidentView, frozenset[Area]
    failed = Signal(str)

    def __init__(self, read: ReadView, runner: TaskRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._read = read
        self._runner = runner
        self._incident_id: int | None = None
        self._actor = ""
        self._generation = 0
        self._in_flight = False
        self._pending: frozenset[Area] = frozenset()
        self.view: IncidentView | None = None
        self.reads = 0  # how many views were read (tests count refreshes with it)

    @property
    def incident_id(self) -> int | None:
        """Return the incident whose view is kept."""
        return self._incident_id

    def show(self, incident_id: int | None, actor: str) -> None:
        """Keep ``incident_id``'s view for ``actor`` from now on (read it in full)."""
        self._incident_id, self._actor = incident_id, actor
        self._generation += 1
        self.view = None
        self._in_flight = False
        self._pending = frozenset()
        if incident_id is not None:
            self.reload(VIEW_AREAS)

    def follow(self, changes: Changes) -> None:
        """Read the view again if ``changes`` touch any of its areas for its incident."""
        if self._incident_id is None:
            return
        touched = frozenset(a for a in VIEW_AREAS if changes.touches([a], self._incident_id))
        if touched:
            self.reload(touched)

    def reload(self, areas: frozenset[Area]) -> None:
        """Read the view again because ``areas`` changed."""
        wanted = areas & VIEW_AREAS
        if self._incident_id is None or not wanted:
            return
        self._pending |= wanted
        if self._in_flight:
            return
        self._in_flight = True
        areas_now, self._pending = self._pending, frozenset()
        generation, incident_id, actor, read = (
            self._generation,
            self._incident_id,
            self._actor,
            self._read,
        )
        self.reads += 1
        self._runner.run(
            lambda: read(incident_id, actor),
            lambda view: self._done(generation, view, areas_now),
            lambda error: self._failed(generation, error),
        )

    def _done(self, generation: int, view: IncidentView, areas: frozenset[Area]) -> None:
        if generation != self._generation:
            return
        self._in_flight = False
        self.view = view
        self.loaded.emit(view, areas)
        self._again()

    def _failed(self, generation: int, error: Exception) -> None:
        if generation != self._generation:
            return
        self._in_flight = False
        log.warning("incident view not read: %s", error)
        self.failed.emit(str(error))
        self._again()

    def _again(self) -> None:
        if self._pending:
            self.reload(self._pending)
