"""The clocks a crisis lead watches, as pure functions of the incident and its statements.

- update cadence: time since the last public statement against the severity's cadence;
- the promise: the "next update by" time the last released statement gave the public
  (missing it is the loudest alarm);
- the regulator deadline, when the playbook sets one (72 h from awareness for a GDPR breach).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from warroom.domain.checklist import ChecklistItem, regulator_notified_at
from warroom.domain.incidents import Incident
from warroom.domain.statements import Statement, StatementState

#: Share of a window after which a clock turns amber.
AMBER_AT = 0.75
#: A promise or deadline closer than this is amber whatever the window.
PROMISE_WARNING = timedelta(minutes=5)
REGULATOR_WARNING = timedelta(hours=12)


class Alarm(StrEnum):
    """How loudly a clock should speak."""

    NONE = "none"  # nothing to watch (no cadence, no promise, no deadline)
    OK = "ok"
    AMBER = "amber"
    RED = "red"


@dataclass(frozen=True, slots=True)
class ClockReading:
    """One clock: what it measures against, how much is left (negative: overdue), alarm."""

    due_at: datetime | None
    remaining: timedelta | None
    alarm: Alarm
    since: datetime | None = None


def released(statements: Iterable[Statement]) -> list[Statement]:
    """Return the released statements, oldest release first."""
    done = [s for s in statements if s.state is StatementState.RELEASED and s.released_at]
    return sorted(done, key=lambda s: s.released_at or s.updated_at)


def last_public_statement(statements: Iterable[Statement]) -> Statement | None:
    """Return the most recently released statement, if any."""
    public = released(statements)
    return public[-1] if public else None


def incident_age(incident: Incident, now: datetime) -> timedelta:
    """Return the time since the incident was declared (until it closed)."""
    end = incident.closed_at or now
    return end - incident.declared_at


def cadence_clock(
    incident: Incident, statements: Iterable[Statement], now: datetime
) -> ClockReading:
    """Time since the last public statement (or since declaration) against the cadence."""
    last = last_public_statement(statements)
    since = last.released_at if last and last.released_at else incident.declared_at
    cadence = incident.update_cadence
    if cadence is None or not incident.is_open:
        return ClockReading(None, None, Alarm.NONE, since)
    due = since + cadence
    remaining = due - now
    if remaining < timedelta(0):
        alarm = Alarm.RED
    elif now - since >= cadence * AMBER_AT:
        alarm = Alarm.AMBER
    else:
        alarm = Alarm.OK
    return ClockReading(due, remaining, alarm, since)


def promise_clock(statements: Iterable[Statement], now: datetime) -> ClockReading:
    """Countdown to the "next update by" that the last released statement promised.

    A promise is kept by any later release at or before the promised time; the clock then
    follows the new statement's promise, if it makes one.
    """
    last = last_public_statement(statements)
    if last is None or last.next_update_by is None:
        return ClockReading(None, None, Alarm.NONE, last.released_at if last else None)
    due = last.next_update_by
    remaining = due - now
    if remaining < timedelta(0):
        alarm = Alarm.RED
    elif remaining <= PROMISE_WARNING or (
        last.released_at and now - last.released_at >= (due - last.released_at) * AMBER_AT
    ):
        alarm = Alarm.AMBER
    else:
        alarm = Alarm.OK
    return ClockReading(due, remaining, alarm, last.released_at)


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
    deadline: datetime | None, now: datetime, *, done: bool = False
) -> ClockReading:
    """Countdown to the regulator deadline; ``done`` once the notification is ticked off."""
    if deadline is None or done:
        return ClockReading(deadline, None, Alarm.NONE)
    remaining = deadline - now
    if remaining < timedelta(0):
        alarm = Alarm.RED
    elif remaining <= REGULATOR_WARNING:
        alarm = Alarm.AMBER
    else:
        alarm = Alarm.OK
    return ClockReading(deadline, remaining, alarm)


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
