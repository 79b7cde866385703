"""Which of an incident's clocks are late, from its view (no Qt, no reads).

The same readings as the clocks bar (:mod:`warroom.ui.clocks.bar`): the update cadence,
the promised update and the regulator deadline, each late when its alarm is red. Used to
mark late incidents in the switcher and to announce a clock turning late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from warroom.domain.clocks import Alarm, cadence_clock, promise_clock, regulator_clock
from warroom.domain.incident_view import IncidentView

CADENCE = "public update overdue"
PROMISE = "promised update missed"
REGULATOR = "regulator deadline passed"


def late_clocks(view: IncidentView, now: datetime) -> tuple[str, ...]:
    """Return what is late in ``view``'s incident at ``now`` (nothing once it is closed)."""
    incident = view.incident
    if not incident.is_open:
        return ()
    statements = list(view.statement_list)
    late = []
    if cadence_clock(incident, statements, now).alarm is Alarm.RED:
        late.append(CADENCE)
    if promise_clock(statements, now).alarm is Alarm.RED:
        late.append(PROMISE)
    regulator = view.regulator
    if (
        regulator.due_at is not None
        and not regulator.is_notified
        and regulator_clock(regulator.due_at, now).alarm is Alarm.RED
    ):
        late.append(REGULATOR)
    return tuple(late)


def newly_late(
    before: dict[int, tuple[str, ...]], now: dict[int, tuple[str, ...]]
) -> list[tuple[int, str]]:
    """Return the (incident, clock) pairs late in ``now`` that were not in ``before``."""
    return [
        (incident, clock)
        for incident, clocks in sorted(now.items())
        for clock in clocks
        if clock not in before.get(incident, ())
    ]


def describe(late: Iterable[str]) -> str:
    """Return 'public update overdue, promised update missed'."""
    return ", ".join(late)
