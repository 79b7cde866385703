"""The clocks a crisis lead watches, as pure functions of what was recorded.

One computation (:func:`read_clocks`) serves the window's clocks bar, ``warroom clocks``,
every export and the review:

- age: since the declaration (until the close);
- since the last public update, against the cadence in force (``domain.cadence``);
- the promise: the "next update by" that the last *public* statement gave (missing it is
  the loudest alarm);
- the regulator deadline, when the playbook sets one (72 h from awareness for a GDPR breach).

"Public" is ``domain.publication``'s one definition: a released statement still in the
outbox is queued, not public. Each clock reads ok, due (amber) or late, with the time it
turns; closing the incident stops every clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.domain.cadence import (
    CadencePeriod,
    in_force,
    silence_due,
)
from warroom.domain.checklist import ChecklistItem, regulator_notified_at
from warroom.domain.incidents import Incident
from warroom.domain.outbox import Delivery
from warroom.domain.publication import PublicStatement, public_statements
from warroom.domain.statements import Statement

#: Share of a window after which a clock turns amber ("due").
AMBER_AT = 0.75
#: A promise or deadline closer than this is amber whatever the window.
PROMISE_WARNING = timedelta(minutes=5)
REGULATOR_WARNING = timedelta(hours=12)


class Alarm(StrEnum):
    """How loudly a clock should speak (the colour of its tile)."""

    NONE = "none"  # nothing to watch (no cadence, no promise, no deadline), or stopped
    OK = "ok"
    AMBER = "amber"
    RED = "red"


class ClockState(StrEnum):
    """What a clock says, in words: ok, due (soon), late; off (nothing to watch) or
    stopped (the incident closed, or the regulator was notified)."""

    OK = "ok"
    DUE = "due"
    LATE = "late"
    OFF = "off"
    STOPPED = "stopped"


_ALARM = {
    ClockState.OK: Alarm.OK,
    ClockState.DUE: Alarm.AMBER,
    ClockState.LATE: Alarm.RED,
    ClockState.OFF: Alarm.NONE,
    ClockState.STOPPED: Alarm.NONE,
}


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One clock: what it counts towards, how much is left (negative: late), its alarm.

    ``since`` is what it counts from; ``state`` says it in words and ``turns_at`` is when
    the state changes next (ok -> due -> late; None once late, off or stopped).
    """

    due_at: datetime | None
    remaining: timedelta | None
    alarm: Alarm
    since: datetime | None = None
    state: ClockState = ClockState.OFF
    turns_at: datetime | None = None


def _quiet(
    state: ClockState, due: datetime | None = None, since: datetime | None = None
) -> ClockReading:
    return ClockReading(due, None, Alarm.NONE, since, state)


def countdown(
    due: datetime,
    now: datetime,
    *,
    since: datetime | None = None,
    warning: timedelta | None = None,
) -> ClockReading:
    """Read a running clock: due (amber) from ``warning`` before ``due`` or from
    :data:`AMBER_AT` of the way from ``since``, whichever comes first; late after ``due``."""
    starts = []
    if warning is not None:
        starts.append(due - warning)
    if since is not None and due > since:
        starts.append(since + (due - since) * AMBER_AT)
    amber_at = min(starts) if starts else due
    remaining = due - now
    if remaining < timedelta(0):
        state, turns = ClockState.LATE, None
    elif now >= amber_at:
        state, turns = ClockState.DUE, due
    else:
        state, turns = ClockState.OK, amber_at
    return ClockReading(due, remaining, _ALARM[state], since, state, turns)


def incident_age(incident: Incident, now: datetime) -> timedelta:
    """Return the time since the incident was declared (until it closed)."""
    end = incident.closed_at or now
    return end - incident.declared_at


def age_clock(incident: Incident, now: datetime) -> ClockReading:
    """The incident's age: runs from the declaration, stops at the close."""
    state = ClockState.OK if incident.is_open else ClockState.STOPPED
    return ClockReading(None, None, Alarm.NONE, incident.declared_at, state)


def cadence_clock(
    incident: Incident,
    public: Sequence[PublicStatement],
    periods: Sequence[CadencePeriod],
    now: datetime,
) -> ClockReading:
    """Time since the last public statement (or the declaration) against the cadence."""
    last = public[-1] if public else None
    since = max(last.public_at, incident.declared_at) if last else incident.declared_at
    if not incident.is_open:
        return _quiet(ClockState.STOPPED, since=since)
    due = silence_due(since, periods)
    if due is None:
        return _quiet(ClockState.OFF, since=since)
    return countdown(due, now, since=since)


def promise_clock(
    incident: Incident, public: Sequence[PublicStatement], now: datetime
) -> ClockReading:
    """Countdown to the "next update by" that the last public statement promised.

    A promise is kept by the next statement that becomes public at or before that time;
    the clock then follows the new statement's promise, if it makes one.
    """
    last = public[-1] if public else None
    if last is None or last.promise is None:
        return _quiet(ClockState.OFF, since=last.public_at if last else None)
    if not incident.is_open:
        return _quiet(ClockState.STOPPED, last.promise, last.public_at)
    return countdown(last.promise, now, since=last.public_at, warning=PROMISE_WARNING)


@dataclass(frozen=True, slots=True)
class RegulatorDeadline:
    """When the regulator must be told, under which rule, and when they were told.

    ``due_at`` is None when the incident's playbook sets no deadline; ``notified_at`` is None
    until the checklist step that notifies the regulator is ticked.
    """

    due_at: datetime | None
    label: str
    notified_at: datetime | None = None

    @property
    def is_notified(self) -> bool:
        """Tell whether the regulator has been notified (the clock has stopped)."""
        return self.notified_at is not None

    @property
    def late_by(self) -> timedelta | None:
        """Return how late the notification was, or None if on time or not (yet) made."""
        if self.due_at is None or self.notified_at is None or self.notified_at <= self.due_at:
            return None
        return self.notified_at - self.due_at


def regulator_deadline(
    incident: Incident, window: timedelta | None, label: str, checklist: Iterable[ChecklistItem]
) -> RegulatorDeadline:
    """Return the incident's regulator deadline: ``window`` after awareness (None: no rule),
    notified when its checklist step that stops the regulator clock was ticked."""
    due_at = incident.aware_at + window if window else None
    return RegulatorDeadline(due_at, label, regulator_notified_at(checklist))


def regulator_clock(
    regulator: RegulatorDeadline, incident: Incident, now: datetime
) -> ClockReading:
    """Countdown to the regulator deadline; stopped once notified, or once closed."""
    due = regulator.due_at
    if due is None:
        return _quiet(ClockState.OFF)
    if regulator.is_notified or not incident.is_open:
        return _quiet(ClockState.STOPPED, due)
    return countdown(due, now, warning=REGULATOR_WARNING)


@dataclass(frozen=True, slots=True)
class IncidentClocks:
    """Every clock of one incident at ``read_at``, and what they were read from."""

    read_at: datetime
    age: ClockReading
    cadence: ClockReading
    promise: ClockReading
    regulator: ClockReading
    regulator_deadline: RegulatorDeadline
    #: the cadence periods of the incident's life (severity and cadence changes)
    periods: tuple[CadencePeriod, ...]
    #: the statement the public heard last (None: nothing public yet)
    last_public: PublicStatement | None = None

    @property
    def cadence_in_force(self) -> CadencePeriod:
        """Return the severity and cadence in force now."""
        return in_force(self.periods, self.read_at)

    @property
    def regulator_label(self) -> str:
        """Return the regulator rule, e.g. 'GDPR Art. 33 ...' ('' without one)."""
        return self.regulator_deadline.label

    @property
    def regulator_notified_at(self) -> datetime | None:
        """Return when the regulator was notified (None: not yet, or no rule)."""
        return self.regulator_deadline.notified_at

    def named(self) -> tuple[tuple[str, ClockReading], ...]:
        """Return the clocks by name, in the order the window shows them."""
        return (
            ("age", self.age),
            ("cadence", self.cadence),
            ("promise", self.promise),
            ("regulator", self.regulator),
        )


def read_clocks(
    incident: Incident,
    statements: Iterable[Statement],
    deliveries: Iterable[Delivery],
    periods: Sequence[CadencePeriod],
    regulator: RegulatorDeadline,
    now: datetime,
) -> IncidentClocks:
    """Read every clock of ``incident`` at ``now`` (``periods``: ``cadence_periods`` of its
    header entries)."""
    public = public_statements(statements, deliveries)
    return IncidentClocks(
        read_at=now,
        age=age_clock(incident, now),
        cadence=cadence_clock(incident, public, periods, now),
        promise=promise_clock(incident, public, now),
        regulator=regulator_clock(regulator, incident, now),
        regulator_deadline=regulator,
        periods=tuple(periods),
        last_public=public[-1] if public else None,
    )


def format_duration(value: timedelta) -> str:
    """Render a duration compactly for a wall display: '1d 04:05', '12:30', '-00:07'."""
    sign = "-" if value < timedelta(0) else ""
    seconds = int(abs(value.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{sign}{days}d {hours:02d}:{minutes:02d}"
    if hours:
        return f"{sign}{hours:d}:{minutes:02d}:{secs:02d}"
    return f"{sign}{minutes:02d}:{secs:02d}"
