"""Watch every open incident's clocks: mark the late ones in the switcher, and announce a
clock turning late to assistive technology once (not every second).

The views of the open incidents are read in the background when the change feed names
their statements, checklist, outbox or header; between reads a timer only recomputes
(:func:`warroom.ui.clocks.lateness.late_clocks`), so time passing turns a clock late
without any read.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from PySide6 import QtGui
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QWidget

from warroom.domain.changes import Area, Changes
from warroom.domain.clock import Clock
from warroom.domain.incident_view import IncidentView
from warroom.services.incidents import IncidentService
from warroom.services.views import ViewService
from warroom.ui.clocks.lateness import describe, late_clocks, newly_late
from warroom.ui.shell.tasks import TaskRunner

if TYPE_CHECKING:
    from warroom.ui.shell.main_window import MainWindow

log = logging.getLogger(__name__)

TICK_MS = 1000
#: What a clock's lateness depends on.
AREAS = (Area.INCIDENT, Area.STATEMENTS, Area.CHECKLIST, Area.OUTBOX)

Late = dict[int, tuple[str, ...]]


def announce(target: QWidget, text: str) -> bool:
    """Send ``text`` to assistive technology as an announcement (Qt 6.8+); True if sent."""
    event_type = getattr(QtGui, "QAccessibleAnnouncementEvent", None)
    if event_type is None:
        return False
    event = event_type(target, text)
    event.setPoliteness(QtGui.QAccessible.AnnouncementPoliteness.Assertive)
    QtGui.QAccessible.updateAccessibility(event)
    return True


class LateWatch(QObject):
    """The open incidents' late clocks; ``late_changed`` when the set changes,
    ``turned_late`` once per clock turning late (again only after it was on time)."""

    late_changed = Signal(object)  # Late
    turned_late = Signal(str)  # what to announce

    def __init__(
        self,
        views: ViewService,
        incidents: IncidentService,
        runner: TaskRunner,
        actor: Callable[[], str],
        now: Clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._read_views = views.incident
        self._incidents = incidents
        self._runner = runner
        self._actor = actor
        self._now = now
        self._views: dict[int, IncidentView] = {}
        self.late: Late = {}
        self._reading = False
        self._again = False
        #: what the next read must cover (None: everything)
        self._pending: frozenset[int] | None = frozenset()
        self.reads = 0
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.tick)

    def start(self) -> None:
        """Read the open incidents now and recompute every second from then on."""
        self.refresh()
        self._timer.start()

    def stop(self) -> None:
        """Stop ticking (the window is closing)."""
        self._timer.stop()

    def follow(self, changes: Changes) -> None:
        """Read again what a write touched: the incidents it names (all of them when the
        list of incidents itself may have changed)."""
        if not changes.touches(AREAS):
            return
        if changes.everything or changes.touches([Area.INCIDENT]):
            self.refresh()
        else:
            self.refresh(changes.incident_ids)

    def refresh(self, incident_ids: Iterable[int] | None = None) -> None:
        """Read open incidents' views in the background: those of ``incident_ids`` (None:
        every open incident, and which are open); merged while a read is out."""
        wanted = None if incident_ids is None else frozenset(incident_ids)
        if self._reading:
            self._pending = (
                None if wanted is None or self._pending is None else (self._pending | wanted)
            )
            self._again = True
            return
        self._reading = True
        self.reads += 1
        incidents, read, actor = self._incidents, self._read_views, self._actor()
        known = dict(self._views)

        def work() -> dict[int, IncidentView]:
            if wanted is None:
                return {i.id: read(i.id, actor) for i in incidents.all() if i.is_open}
            fresh = {i: read(i, actor) for i in wanted if i in known}
            return {i: fresh.get(i, view) for i, view in known.items()}

        self._runner.run(work, self._loaded, self._failed)

    def _loaded(self, views: dict[int, IncidentView]) -> None:
        self._views = {i: view for i, view in views.items() if view.incident.is_open}
        self._finish()
        self.tick()

    def _failed(self, error: Exception) -> None:
        log.warning("late clocks not read: %s", error)
        self._finish()

    def _finish(self) -> None:
        self._reading = False
        if self._again:
            self._again = False
            pending, self._pending = self._pending, frozenset()
            self.refresh(pending)

    def tick(self) -> None:
        """Recompute which clocks are late (no reads); say what turned late."""
        now = self._now()
        late = {
            incident_id: clocks
            for incident_id, view in self._views.items()
            if (clocks := late_clocks(view, now))
        }
        if late == self.late:
            return
        fresh = newly_late(self.late, late)
        self.late = late
        self.late_changed.emit(late)
        for incident_id, clock in fresh:
            title = self._views[incident_id].incident.title
            self.turned_late.emit(f"Incident #{incident_id} {title}: {clock}")

    def summary(self) -> str:
        """Return 'Late: #1 public update overdue; #3 promised update missed' (or '')."""
        parts = [f"#{i} {describe(c)}" for i, c in sorted(self.late.items())]
        return "Late: " + "; ".join(parts) if parts else ""


class LateMarks(QObject):
    """Wire a :class:`LateWatch` to the window: switcher marks, a live label, the status
    bar, and one announcement per clock turning late."""

    def __init__(self, window: MainWindow, watch: LateWatch) -> None:
        super().__init__(window)
        self._window = window
        self.watch = watch
        self.announcements: list[str] = []
        watch.setParent(self)
        watch.late_changed.connect(self._late_changed)
        watch.turned_late.connect(self._turned_late)
        window.data_changed.connect(watch.follow)

    def _late_changed(self, late: Late) -> None:
        self._window.top_bar.mark_late(late, self.watch.summary())

    def _turned_late(self, text: str) -> None:
        self.announcements.append(text)
        bar = self._window.top_bar
        bar.late_label.setAccessibleDescription(text)  # a live region's new content
        announce(bar.late_label, text)
        self._window.status.say(text)


def install_late_marks(
    window: MainWindow, views: ViewService, incidents: IncidentService
) -> LateMarks:
    """Mark late incidents in ``window``'s switcher and announce clocks turning late."""
    watch = LateWatch(views, incidents, window.runner, lambda: window.identity.name, incidents.now)
    marks = LateMarks(window, watch)
    watch.start()
    return marks
