"""Which of an incident's clocks are late, from its view (no Qt, no reads).

The same readings as the clocks bar (:mod:`warroom.ui.clocks.bar`): the update cadence,
the promised update and the regulator deadline, each late when its alarm is red. Used to
mark late incidents in the switcher and to announce a clock turning late.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from warroom.domain.clocks import Alarm
from warroom.domain.incident_view import IncidentView

CADENCE = "public update overdue"
PROMISE = "promised update missed"
REGULATOR = "regulator deadline passed"


def late_clocks(view: IncidentView, now: datetime) -> tuple[str, ...]:
    """Return what is late in ``view``'s incident at ``now`` (nothing once it is closed).

    The readings are ``view.clocks(now)``: the clocks bar's, so only what the public got
    counts, and a notified regulator or a closed incident stops its clock.
    """
    if not view.incident.is_open:
        return ()
    clocks = view.clocks(now)
    named = ((CADENCE, clocks.cadence), (PROMISE, clocks.promise), (REGULATOR, clocks.regulator))
    return tuple(label for label, reading in named if reading.alarm is Alarm.RED)


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
