"""The update cadence over an incident's life: which cadence was in force when, and when a
public silence is due to end.

Severity and the incident's own cadence can change while it is open. The cadence in force
applies from the moment of the change: a silence that was not yet overdue when the cadence
changed gets the new cadence counted from the change (escalating to SEV1 does not make the
team late at once; it gives them 30 minutes from then), while a silence that was already
overdue stays overdue. The clocks, the review and the exports all use :func:`silence_due`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from warroom.domain.incidents import Incident, Severity, cadence_of
from warroom.domain.timeline import TimelineEvent


class EventRecord(Protocol):
    """Anything with a time and machine-readable data: a timeline entry or a chain record."""

    @property
    def created_at(self) -> datetime: ...

    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class CadencePeriod:
    """From ``start`` on, ``severity`` and ``cadence`` (None: no cadence) were in force."""

    start: datetime
    severity: Severity
    cadence: timedelta | None
    #: the incident's own cadence in minutes (None: the severity's; 0: off)
    cadence_minutes: int | None = None


def _severity(value: object, fallback: Severity) -> Severity:
    try:
        return Severity(int(value))  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return fallback


def _minutes(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def cadence_periods(incident: Incident, events: Iterable[EventRecord]) -> tuple[CadencePeriod, ...]:
    """Return the cadence periods from the incident's chained header entries.

    The first period starts at the declaration. Without a chained opening (incidents from
    before the header was chained), the incident's current severity and cadence apply
    throughout.
    """
    periods: list[CadencePeriod] = []
    severity, minutes = incident.severity, incident.cadence_minutes
    for record in events:
        data = record.data
        event = TimelineEvent.of(data)
        if event is TimelineEvent.INCIDENT_OPENED and not periods:
            severity = _severity(data.get("severity"), severity)
            minutes = _minutes(data.get("cadence_minutes"))
            start = incident.declared_at
        elif event is TimelineEvent.INCIDENT_UPDATED and periods:
            changes = data.get("set")
            if not isinstance(changes, Mapping) or not (
                "severity" in changes or "cadence_minutes" in changes
            ):
                continue
            if "severity" in changes:
                severity = _severity(changes["severity"], severity)
            if "cadence_minutes" in changes:
                minutes = _minutes(changes["cadence_minutes"])
            start = record.created_at
        else:
            continue
        periods.append(CadencePeriod(start, severity, cadence_of(severity, minutes), minutes))
    if not periods:
        return (
            CadencePeriod(
                incident.declared_at,
                incident.severity,
                incident.update_cadence,
                incident.cadence_minutes,
            ),
        )
    return tuple(periods)


def in_force(periods: Sequence[CadencePeriod], moment: datetime) -> CadencePeriod:
    """Return the period in force at ``moment`` (the first one before the declaration)."""
    current = periods[0]
    for period in periods[1:]:
        if period.start > moment:
            break
        current = period
    return current


def silence_due(since: datetime, periods: Sequence[CadencePeriod]) -> datetime | None:
    """Return when a public silence that began at ``since`` is due to end (None: never).

    The cadence in force at ``since`` sets a due time; each later change of cadence that
    comes before that due time replaces it with the change time plus the new cadence.
    """
    index = 0
    for position, period in enumerate(periods):
        if period.start <= since:
            index = position
    cadence = periods[index].cadence
    due = since + cadence if cadence is not None else None
    for period in periods[index + 1 :]:
        if due is not None and due <= period.start:
            break
        due = period.start + period.cadence if period.cadence is not None else None
    return due


def describe_cadence(cadence: timedelta | None) -> str:
    """Say a cadence the way people do: 'every 30 min', 'every 4 h', 'no cadence'."""
    if cadence is None:
        return "no cadence"
    minutes = int(cadence.total_seconds() // 60)
    if minutes >= 120 and minutes % 60 == 0:
        return f"every {minutes // 60} h"
    return f"every {minutes} min"
