"""Read the shown incident's :class:`IncidentView` in the background and hand it to the panes.

One read serves every pane: each subscribed pane gets ``(view, areas)``, the areas changed
since the last view, and re-renders only if one of its own areas is among them. Panes get
their turn one after the other, each at its own turn of the event loop, so the window
never stalls for all of their rendering at once. Requests while a read is out are merged
into one more read after it (never a read per request).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from warroom.domain.changes import Area, Changes
from warroom.domain.incident_view import IncidentView
from warroom.ui.shell.tasks import TaskRunner

log = logging.getLogger(__name__)

#: The areas an IncidentView holds (the timeline's entries and the inbox's items are read
#: in pages instead).
VIEW_AREAS = frozenset(Area) - {Area.TIMELINE, Area.INBOX}

ReadView = Callable[[int, str], IncidentView]
Render = Callable[[IncidentView, frozenset[Area]], None]


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
        self._subscribers: list[Render] = []
        self._turns: dict[int, tuple[IncidentView, frozenset[Area]]] = {}  # by subscriber

    def subscribe(self, render: Render) -> None:
        """Have ``render(view, areas)`` called with every view read from now on."""
        self._subscribers.append(render)

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
        self._turns.clear()
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
        waiting = bool(self._turns)
        for index in range(len(self._subscribers)):
            _older, before = self._turns.get(index, (view, frozenset()))
            self._turns[index] = (view, before | areas)
        if not waiting:
            self._runner.soon(self._next_turn)
        self._again()

    def _next_turn(self) -> None:
        """Give the next subscriber the newest view (one per turn of the event loop)."""
        if not self._turns:
            return
        index = min(self._turns)
        view, areas = self._turns.pop(index)
        if self._turns:
            self._runner.soon(self._next_turn)
        if self.view is view or view.incident.id == self._incident_id:
            self._subscribers[index](view, areas)

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
