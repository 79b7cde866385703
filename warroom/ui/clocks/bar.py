"""The clocks along the top: incident age, update cadence, the public promise, the regulator.

Readings come from ``warroom.domain.clocks.read_clocks`` (the computation ``warroom clocks``,
the exports and the review use); the bar keeps the shared incident view (read when the
change feed names the incident, statements, outbox or checklist) and recomputes every second
without reading. Only what the public got counts: a released statement still queued in the
outbox resets no clock.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from warroom.domain.cadence import describe_cadence
from warroom.domain.changes import Area
from warroom.domain.clock import Clock
from warroom.domain.clocks import (
    Alarm,
    ClockReading,
    ClockState,
    IncidentClocks,
    RegulatorDeadline,
    format_duration,
    incident_age,
)
from warroom.domain.incident_view import IncidentView
from warroom.domain.incidents import Incident
from warroom.ui.shell.view_loader import IncidentViewLoader

log = logging.getLogger(__name__)

TICK_MS = 1000

CLOCKS_STYLE = """
QFrame#clockTile { border-radius: 6px; border: 1px solid rgba(127, 127, 127, 90); }
QFrame#clockTile[alarm="ok"] { border-left: 6px solid #2e9d5b; }
QFrame#clockTile[alarm="amber"] { background: #f2b233; border-left: 6px solid #b77900; }
QFrame#clockTile[alarm="amber"] QLabel { color: #1d1400; }
QFrame#clockTile[alarm="red"] { background: #c62828; border-left: 6px solid #7f0000; }
QFrame#clockTile[alarm="red"] QLabel { color: #ffffff; }
QFrame#clockTile[alarm="critical"] { background: #d50000; border: 3px solid #ffeb3b; }
QFrame#clockTile[alarm="critical-blink"] { background: #7f0000; border: 3px solid #ffeb3b; }
QFrame#clockTile[alarm="critical"] QLabel, QFrame#clockTile[alarm="critical-blink"] QLabel {
    color: #ffffff;
}
QLabel#clockTitle { font-weight: bold; }
QLabel#clockValue { font-size: 20pt; font-weight: bold; }
"""


@dataclass(frozen=True, slots=True)
class ClockData:
    """What the clocks need: the incident view they are read from."""

    view: IncidentView

    @property
    def incident(self) -> Incident:
        """Return the incident the clocks are of."""
        return self.view.incident


def local_and_utc(moment: datetime, now: datetime | None = None) -> str:
    """Render '14:05 (13:05 UTC)'; a time far from ``now`` adds the date."""
    local = moment.astimezone()
    utc = moment.astimezone(UTC)
    near = abs(moment - (now or datetime.now(UTC))) <= timedelta(hours=18)
    day = "" if near else "%a %d %b "
    return f"{local.strftime(day + '%H:%M')} ({utc:%H:%M} UTC)"


class ClockTile(QFrame):
    """One clock: a title, a big value and a detail line, coloured by its alarm."""

    def __init__(self, name: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("clockTile")
        self.setProperty("clock", name)
        self.setProperty("alarm", "none")
        self.title = QLabel(title)
        self.title.setObjectName("clockTitle")
        self.value = QLabel("—")
        self.value.setObjectName("clockValue")
        self.detail = QLabel("")
        self.detail.setObjectName("clockDetail")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(0)
        layout.addWidget(self.title)
        layout.addWidget(self.value)
        layout.addWidget(self.detail)
        self.setAccessibleName(title)

    def alarm(self) -> str:
        """Return the alarm level shown ('none', 'ok', 'amber', 'red', 'critical')."""
        return str(self.property("alarm")).removesuffix("-blink")

    def show_reading(self, value: str, detail: str, alarm: str) -> None:
        """Update texts and, when it changed, the alarm colour."""
        self.value.setText(value)
        self.detail.setText(detail)
        self.setAccessibleDescription(f"{value}. {detail}. Alarm: {alarm.removesuffix('-blink')}")
        if self.property("alarm") != alarm:
            self.setProperty("alarm", alarm)
            self.style().unpolish(self)
            self.style().polish(self)
            for label in (self.title, self.value, self.detail):
                label.style().unpolish(label)
                label.style().polish(label)


class ClocksBar(QFrame):
    """The row of clocks: the shared view brings the data, the tick only computes."""

    #: The parts of the incident view the clocks depend on.
    AREAS = frozenset({Area.INCIDENT, Area.STATEMENTS, Area.CHECKLIST, Area.OUTBOX})

    status_message = Signal(str)
    data_loaded = Signal()

    def __init__(
        self, views: IncidentViewLoader, now: Clock, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("clocksBar")
        self.setAccessibleName("Incident clocks")
        self.setStyleSheet(CLOCKS_STYLE)
        self._views = views
        self._now = now
        self._incident_id: int | None = None
        self._data: ClockData | None = None
        self._blink = False
        self._moment: datetime | None = None
        #: the clocks as last shown (tests and the wall display read them)
        self.last_clocks: IncidentClocks | None = None

        self.age = ClockTile("age", "Incident age")
        self.cadence = ClockTile("cadence", "Since last public update")
        self.promise = ClockTile("promise", "Next update promised")
        self.regulator = ClockTile("regulator", "Regulator deadline")
        self.regulator.hide()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        for tile in (self.age, self.cadence, self.promise, self.regulator):
            layout.addWidget(tile, 1)

        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.setTimerType(Qt.TimerType.CoarseTimer)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        self.tick()
        views.subscribe(self._view_loaded)

    def set_incident(self, incident_id: int | None) -> None:
        """Watch another incident's clocks (shown once its view arrives)."""
        self._incident_id = incident_id
        self._data = None
        view = self._views.view
        if view is not None and view.incident.id == incident_id:
            self._view_loaded(view, self.AREAS)
        self.tick()

    def refresh(self) -> None:
        """Ask for a fresh view of the incident (what the change feed does after writes)."""
        self._views.reload(self.AREAS)

    def _view_loaded(self, view: IncidentView, areas: frozenset[Area]) -> None:
        if view.incident.id != self._incident_id or not areas & self.AREAS:
            return
        self._data = ClockData(view)
        self.tick()
        self.data_loaded.emit()

    def stop(self) -> None:
        """Stop ticking (the window is closing)."""
        self._timer.stop()

    def tick(self) -> None:
        """Recompute every clock from cached data; no database access here."""
        data = self._data
        if data is None:
            for tile in (self.age, self.cadence, self.promise):
                tile.show_reading("—", "no incident" if self._incident_id is None else "", "none")
            self.regulator.hide()
            return
        now = self._now()
        self._moment = now
        self._blink = not self._blink
        incident = data.incident
        clocks = data.view.clocks(now)
        self.last_clocks = clocks
        state = f"{incident.status.value}, open" if incident.is_open else "closed"
        self.age.show_reading(
            format_duration(incident_age(incident, now)),
            f"{incident.severity.label}, {state} · declared {self._at(incident.declared_at)}",
            "none",
        )
        self._show_cadence(clocks, incident, now)
        self._show_promise(clocks.promise)
        self._show_regulator(clocks, incident)

    def _at(self, moment: datetime) -> str:
        return local_and_utc(moment, self._moment)

    def _show_cadence(self, clocks: IncidentClocks, incident: Incident, now: datetime) -> None:
        reading = clocks.cadence
        since = reading.since or incident.declared_at
        elapsed = format_duration(now - since)
        period = clocks.cadence_in_force
        if reading.state is ClockState.STOPPED:
            self.cadence.show_reading(elapsed, "incident closed", "none")
            return
        if reading.state is ClockState.OFF or reading.due_at is None:
            why = (
                "cadence off for this incident"
                if period.cadence_minutes == 0
                else f"no cadence for {period.severity.label}"
            )
            self.cadence.show_reading(elapsed, why, "none")
            return
        self.cadence.show_reading(
            elapsed,
            f"{describe_cadence(period.cadence)} for {period.severity.label} · due "
            f"{self._at(reading.due_at)}",
            reading.alarm.value,
        )

    def _show_promise(self, reading: ClockReading) -> None:
        if reading.state is ClockState.STOPPED and reading.due_at is not None:
            self.promise.show_reading(
                "stopped", f"incident closed · promised by {self._at(reading.due_at)}", "none"
            )
            return
        if reading.due_at is None or reading.remaining is None:
            self.promise.show_reading("none", "no promise made in a public statement", "none")
            return
        if reading.alarm is Alarm.RED:
            # Missing a promise made to the public is the loudest alarm on the screen.
            self.promise.show_reading(
                f"MISSED by {format_duration(-reading.remaining)}",
                f"we promised an update by {self._at(reading.due_at)}",
                "critical-blink" if self._blink else "critical",
            )
            return
        self._show_countdown(self.promise, reading, reading.due_at, "by")

    def _show_regulator(self, clocks: IncidentClocks, incident: Incident) -> None:
        regulator: RegulatorDeadline = clocks.regulator_deadline
        due = regulator.due_at
        if due is None:
            self.regulator.hide()
            return
        self.regulator.show()
        self.regulator.setToolTip(regulator.label)
        if regulator.notified_at is None and not incident.is_open:
            # Closing stops every clock (as in the export); the missing record stays visible.
            self.regulator.show_reading(
                "stopped",
                f"incident closed; no notification recorded · was due {self._at(due)}",
                "none",
            )
            return
        if regulator.notified_at is None:
            self._show_countdown(self.regulator, clocks.regulator, due, "due")
            return
        # Notified: the clock has stopped. Nothing is left to do, so no alarm colour, but a
        # late notification stays on the wall as late.
        late = regulator.late_by
        value = f"notified {format_duration(late)} late" if late is not None else "notified"
        self.regulator.show_reading(
            value, f"at {self._at(regulator.notified_at)} · was due {self._at(due)}", "none"
        )

    def _show_countdown(
        self, tile: ClockTile, reading: ClockReading, due: datetime, word: str
    ) -> None:
        remaining = reading.remaining or timedelta(0)
        if remaining < timedelta(0):
            value = f"OVERDUE {format_duration(-remaining)}"
        else:
            value = f"in {format_duration(remaining)}"
        tile.show_reading(value, f"{word} {self._at(due)}", reading.alarm.value)
